import { loadProject } from '../../bake/config/load.js';
import { heal } from '../../simulate/release/heal.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { interruptSignal } from '../signals.js';

export async function run(_args: string[], flags: { env: string; watch?: boolean; interval: string }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const emit = plainReporter(undefined, { logs: !global.quiet });
  const signal = interruptSignal();
  const once = async () => {
    const result = await heal(project, { env: flags.env, emit, signal });
    printResult(global, result, () => (result.replaced.length === 0 ? `${result.release}: every instance healthy` : result.replaced.map((entry) => `replaced ${entry.role} ${entry.old} (${entry.why}) with ${entry.new}`).join('\n')));
  };
  await once();
  // Watch mode: the same pass, again and again, until Ctrl-C.
  while (flags.watch && !signal.aborted) {
    await new Promise((done) => setTimeout(done, Number(flags.interval) * 1000));
    if (!signal.aborted) await once();
  }
  return 0;
}
