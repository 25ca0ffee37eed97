import { createInterface } from 'node:readline/promises';
import type { Decision } from '../simulate/release/context.js';

/** Ask a yes/no question on the terminal; anything but y/yes is no. */
export async function askOnTerminal(decision: Decision): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\nready to cut over to ${decision.release}:\n${decision.facts.map((fact) => `  ${fact}`).join('\n')}\n`);
    const answer = await terminal.question('cut over now? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    terminal.close();
  }
}
