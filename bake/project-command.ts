import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { UserError } from './errors.js';
import type { Emit } from './events.js';
import { LineSplitter } from './line-splitter.js';

/**
 * Run one of the project's own commands (app.build, app.test) in `cwd`, streaming its output.
 * These are the user's shell commands by design, so they go through sh -c; kiln never splices values into them.
 */
export async function runProjectCommand(command: string, cwd: string, field: string, emit: Emit, signal?: AbortSignal): Promise<void> {
  const lines = new LineSplitter((line) => emit({ type: 'log', source: field, line }));
  const child = execa('sh', ['-c', command], { cwd, reject: false, all: true, buffer: false, cancelSignal: signal, env: { CI: process.env.CI ?? '' } });
  child.all?.pipe(lines);
  const result = await child;
  await finished(lines); // the pipe ends it once the child's output closes
  if (result.isCanceled) throw new UserError(`${field} was interrupted`);
  if (result.exitCode !== 0) {
    const tail = lines.tail.slice(-12).map((line) => `    ${line}`).join('\n');
    throw new UserError(`${field} failed (exit ${result.exitCode ?? result.signal}): ${command}${tail ? `\n  last output:\n${tail}` : ''}`, `run \`${command}\` in ${cwd} to see the whole output`);
  }
}
