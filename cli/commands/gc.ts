import { loadProject } from '../../bake/config/load.js';
import { gc } from '../../simulate/release/gc.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(_args: string[], flags: { env: string; keep?: string; dryRun?: boolean }, global: GlobalOptions): Promise<number> {
  const result = await gc(await loadProject(global.project), { env: flags.env, keep: flags.keep ? Number(flags.keep) : undefined, dryRun: flags.dryRun });
  printResult(global, result, () => [
    `kept: ${result.kept.join(', ') || 'nothing'}`,
    ...result.removed.map((entry) => `${flags.dryRun ? 'would remove' : 'removed'} ${entry.image} (${entry.release})`),
    ...result.skipped.map((entry) => `kept ${entry.image} (${entry.release}): ${entry.why}`),
  ].join('\n'));
  return 0;
}
