import { loadProject } from '../../bake/config/load.js';
import { verifyImage } from '../../bake/verify/verify.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { interruptSignal } from '../signals.js';

export async function run(args: string[], options: { role?: string; keep?: boolean }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const emit = plainReporter(undefined, { logs: !global.quiet });
  const signal = interruptSignal(() => process.stderr.write('kiln: interrupted; removing the instance…\n'));
  const result = await verifyImage(project, { image: args[0], role: options.role, keep: options.keep, emit, signal });
  printResult(global, result, () =>
    [`verified ${result.image} as ${result.role} (${result.instanceId}), network off`,
      `  healthy ${result.bootSeconds.toFixed(2)}s after boot`,
      ...result.tests.map((test) => `  ✓ ${test.name} (${test.seconds.toFixed(2)}s)`)].join('\n'));
  return 0;
}
