import { loadProject } from '../../bake/config/load.js';
import { bakeDocker } from '../../bake/docker/bake.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { interruptSignal } from '../signals.js';

export async function run(_args: string[], options: { build?: boolean; verify?: boolean; role?: string }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const emit = plainReporter(undefined, { logs: !global.quiet });
  const signal = interruptSignal(() => process.stderr.write('kiln: interrupted; cleaning up…\n'));
  const result = await bakeDocker(project, { emit, build: options.build, signal });
  const summary = { ...result, layers: result.layers };
  if (!options.verify) {
    printResult(global, summary, () => bakeText(result));
    return 0;
  }
  const { verifyImage } = await import('../../bake/verify/verify.js');
  const verification = await verifyImage(project, { image: result.image, role: options.role, emit, signal });
  printResult(global, { ...summary, verify: verification }, () => `${bakeText(result)}\nverified: ${verification.role} healthy after ${verification.bootSeconds.toFixed(2)}s, ${verification.tests.length} image tests passed`);
  return 0;
}

function bakeText(result: Awaited<ReturnType<typeof bakeDocker>>): string {
  const layers = result.layers.map((layer) => `  ${layer.name.padEnd(9)} ${layer.digest.slice(7, 19)}  ${layer.cached ? 'cached' : `built in ${layer.seconds.toFixed(2)}s`}`);
  return [`${result.image}  (recipe ${result.recipeDigest.slice(7, 19)}, ${result.seconds.toFixed(2)}s)`, `  base      ${result.base.description} (${result.base.how})`, ...layers].join('\n');
}

