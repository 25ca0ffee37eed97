import { readFile } from 'node:fs/promises';

// The plain reporter's step lines: "»  3. build", "✗ 11. test in production failed (…)".
const STEP_LINE = /^[»✓✗–↺] +(\d+)\. /;

/**
 * The part of an activity's log file that belongs to step `n`: from its last start to the start of
 * the next step (so the cleanup that followed a failure is included). The whole file if `n` never started.
 */
export function stepSection(text: string, n: number): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let start = -1;
  lines.forEach((line, index) => {
    if (line.startsWith('»') && Number(STEP_LINE.exec(line)?.[1]) === n) start = index;
  });
  if (start < 0) return lines;
  const next = lines.findIndex((line, index) => index > start && line.startsWith('»') && STEP_LINE.test(line));
  return lines.slice(start, next < 0 ? lines.length : next);
}

export async function readStepLog(path: string, n: number | undefined): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return n === undefined ? stepSection(text, Number.NaN) : stepSection(text, n);
}
