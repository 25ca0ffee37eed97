import { loadProject } from '../../bake/config/load.js';
import { UserError } from '../../bake/errors.js';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(_args: string[], flags: { env: string; yes?: boolean }, global: GlobalOptions): Promise<number> {
  if (!flags.yes) throw new UserError(`kiln destroy removes every instance and the load balancer of ${flags.env}`, 'pass --yes to confirm');
  const result = await destroyEnvironment(await loadProject(global.project), flags.env);
  const aws = result.aws ? `; on AWS: terminated ${result.aws.instances.length} instances, deleted ${result.aws.targetGroups} target groups${result.aws.loadBalancer ? ' and the load balancer' : ''}${result.aws.network ? ', and the VPC kiln made' : ''}` : '';
  // A delete AWS refused leaves a resource (and maybe a bill) behind: say which, and fail.
  const failed = result.aws?.failures.length ? `\nstill on AWS (kiln destroy again retries; they are found by tag):\n${result.aws.failures.map((line) => `  ${line}`).join('\n')}` : '';
  printResult(global, result, () => `removed ${result.containers.length} containers${result.network ? ' and the network' : ''} of ${flags.env}${aws}; the journal keeps its history${failed}`);
  return failed ? 1 : 0;
}
