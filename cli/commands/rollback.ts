import { loadProject } from '../../bake/config/load.js';
import { rollback } from '../../simulate/release/rollback.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { interruptSignal } from '../signals.js';

export async function run(_args: string[], flags: { env: string; to?: string; keep?: boolean }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const result = await rollback(project, { env: flags.env, to: flags.to, keep: flags.keep, emit: plainReporter(undefined, { logs: !global.quiet }), signal: interruptSignal() });
  printResult(global, result, () => `rolled back ${result.from} → ${result.to}${result.relaunched ? ' (relaunched from its image)' : ''} — serving ${result.servingSeconds.toFixed(2)}s after the start (${result.seconds.toFixed(2)}s with the shutdown) at ${result.url}`);
  return 0;
}
