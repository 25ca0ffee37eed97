import { loadProject } from '../../bake/config/load.js';
import { releaseHistory } from '../../simulate/release/status.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(_args: string[], flags: { env: string }, global: GlobalOptions): Promise<number> {
  const history = await releaseHistory(await loadProject(global.project), flags.env);
  printResult(global, { env: flags.env, releases: history }, () =>
    history.length === 0
      ? `no releases in ${flags.env} yet`
      : history.map((entry) => `${entry.live ? '*' : ' '} ${entry.release.padEnd(16)} ${entry.outcome.padEnd(12)} ${entry.commit.slice(0, 10)}  ${(entry.recipeDigest ?? '').slice(7, 19).padEnd(12)}  ${entry.startedAt.slice(0, 19).replace('T', ' ')}  ${entry.seconds.toFixed(1)}s${entry.error ? `  ${entry.error.split('\n')[0]}` : ''}`).join('\n'));
  return 0;
}
