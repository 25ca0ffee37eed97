import { loadProject } from '../../bake/config/load.js';
import { pushImage, type PushResult } from '../../bake/push/push.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { interruptSignal } from '../signals.js';

export async function run(args: string[], options: { to?: string; env: string; force?: boolean; aws?: 'aws' | 'moto' | 'localstack' }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const emit = plainReporter(undefined, { logs: !global.quiet });
  const signal = interruptSignal(() => process.stderr.write('kiln: interrupted; nothing is journaled for an unfinished push\n'));
  const result = await pushImage(project, { to: options.to, aws: options.aws, target: args[0], env: options.env, force: options.force, emit, signal });
  printResult(global, result, () => pushText(result));
  return 0;
}

function pushText(result: PushResult): string {
  const count = (outcome: string) => result.layers.filter((layer) => layer.outcome === outcome).map((layer) => layer.layer);
  const [uploaded, present, mounted] = [count('uploaded'), count('present'), count('mounted')];
  return [
    `pushed ${result.ref}${result.forced ? '  (FORCED: not verified)' : ''}`,
    `  tags      ${result.tags.map((tag) => `${result.repo}:${tag}`).join(', ')}`,
    `  layers    uploaded: ${uploaded.join(', ') || 'none'}; already there: ${[...present, ...mounted].join(', ') || 'none'}`,
    ...(result.plan.release ? [`  journal   release ${result.plan.release.id} (${result.plan.release.env})`] : []),
  ].join('\n');
}
