import { loadProject } from '../../bake/config/load.js';
import { UserError } from '../../bake/errors.js';
import type { TargetName } from '../../simulate/journal/record.js';
import { promote } from '../../simulate/release/promote.js';
import type { GlobalOptions } from '../global-options.js';
import { printEvent, printResult } from '../output.js';
import { askOnTerminal } from '../prompt.js';
import { plainReporter } from '../reporters/plain.js';
import { EXIT } from '../render-error.js';
import { interruptSignal } from '../signals.js';

export async function run(args: string[], flags: { to: TargetName; from: string; env?: string; yes?: boolean }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const interactive = Boolean(process.stdin.isTTY) && process.env.CI !== 'true' && !global.json;
  if (!flags.yes && !interactive) throw new UserError('kiln promote asks before cutover, and cannot ask here', 'pass --yes');
  const summary = await promote(project, {
    release: args[0]!, fromEnv: flags.from, to: flags.to, env: flags.env,
    emit: global.json ? printEvent : plainReporter(undefined, { logs: !global.quiet }),
    signal: interruptSignal(), decide: flags.yes ? undefined : askOnTerminal,
  });
  printResult(global, summary, () => `promoted ${args[0]} to ${flags.to}: ${summary.outcome}${summary.url ? ` — ${summary.url}` : ''}${summary.error ? `\n  error: ${summary.error}` : ''}`);
  return summary.outcome === 'live' ? EXIT.ok : EXIT.failure;
}
