import { loadProject } from '../../bake/config/load.js';
import { environmentStatus } from '../../simulate/release/status.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(_args: string[], flags: { env: string }, global: GlobalOptions): Promise<number> {
  const status = await environmentStatus(await loadProject(global.project), flags.env);
  printResult(global, status, () => [
    `environment ${status.env}: ${status.live ? `${status.live} is live` : 'nothing released yet'}${status.url ? ` at ${status.url}` : ''}`,
    ...(status.serving && status.serving !== status.live ? [`  ! the load balancer serves ${status.serving}`] : []),
    ...(status.standby.length ? [`  standby: ${status.standby.join(', ')}`] : []),
    ...status.instances.map((instance) => `  ${instance.release} ${instance.role.padEnd(8)} ${instance.instanceId} ${instance.running ? 'running' : 'GONE'}${instance.healthy === null ? '' : instance.healthy ? ', healthy' : ', UNHEALTHY'}`),
    ...(status.inProgress ? [`  release ${status.inProgress.release} ${status.inProgress.alive ? `in progress (pid ${status.inProgress.pid})` : 'was interrupted: kiln release --resume or --abort'}`] : []),
  ].join('\n'));
  return 0;
}
