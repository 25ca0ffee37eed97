import { UserError } from './errors.js';
import type { Emit } from './events.js';
import { run } from './process/run.js';

/**
 * Run one of the project's own commands (app.build, app.test) in `cwd`, streaming its output.
 * These are the user's shell commands by design, so they go through sh -c; kiln never splices values into them.
 */
export async function runProjectCommand(command: string, cwd: string, field: string, emit: Emit, signal?: AbortSignal): Promise<void> {
  const result = await run('sh', ['-c', command], { cwd, signal, onLine: (line) => emit({ type: 'log', source: field, line }) });
  if (signal?.aborted) throw new UserError(`${field} was interrupted`);
  if (result.exitCode !== 0) {
    const tail = result.tail.slice(-12).map((line) => `    ${line}`).join('\n');
    throw new UserError(`${field} failed (exit ${result.exitCode ?? result.signal}): ${command}${tail ? `\n  last output:\n${tail}` : ''}`, `run \`${command}\` in ${cwd} to see the whole output`);
  }
}
