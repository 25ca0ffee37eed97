import { loadProject } from '../../bake/config/load.js';
import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import { parseFaults } from '../../simulate/release/faults.js';
import { abortRelease, release, resumeRelease } from '../../simulate/release/release.js';
import type { ReleaseSummary } from '../../simulate/release/summary.js';
import type { GlobalOptions } from '../global-options.js';
import type { TargetName } from '../../simulate/journal/record.js';
import { askOnTerminal } from '../prompt.js';
import { printEvent, printResult } from '../output.js';
import { plainReporter } from '../reporters/plain.js';
import { EXIT } from '../render-error.js';
import { interruptSignal } from '../signals.js';

interface ReleaseFlags {
  yes?: boolean;
  env?: string;
  target?: TargetName;
  plan?: boolean;
  inject: string[];
  keepOld?: boolean;
  resume?: boolean;
  abort?: boolean;
}

export async function run(_args: string[], flags: ReleaseFlags, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  if (flags.plan) return printPlan(project, flags, global);
  if (flags.resume && flags.abort) throw new UserError('--resume and --abort exclude each other');
  const faults = parseFaults(flags.inject);
  const interactive = Boolean(process.stdin.isTTY) && process.env.CI !== 'true' && !global.json;
  if (!flags.yes && !flags.abort && !interactive) {
    throw new UserError('kiln release asks before cutover, and cannot ask here (no terminal, CI=true or --json)', 'pass --yes to answer yes to every question');
  }
  // --json streams NDJSON events on stdout; otherwise progress goes to stderr.
  const emit: Emit = global.json ? printEvent : plainReporter(undefined, { logs: !global.quiet });
  const signal = interruptSignal(() => process.stderr.write('kiln: interrupted; cleaning up (the old stack keeps serving)…\n'));
  // An environment named after its target by default: `--target moto` releases into env "moto".
  const env = flags.env ?? flags.target ?? 'local';
  const options = { env, target: flags.target, emit, signal, decide: flags.yes ? undefined : askOnTerminal };
  const summary = flags.abort
    ? await abortRelease(project, options)
    : flags.resume
      ? await resumeRelease(project, options)
      : await release(project, { ...options, faults, keepOld: flags.keepOld });
  printResult(global, summary, () => text(summary));
  return summary.outcome === 'live' ? EXIT.ok : EXIT.failure;
}

/** --plan: every AWS call the release would make, nothing sent, nothing tagged. */
async function printPlan(project: Project, flags: ReleaseFlags, global: GlobalOptions): Promise<number> {
  if (!flags.target || flags.target === 'local') throw new UserError('--plan lists AWS calls; use it with --target aws (or moto, localstack)');
  const { planAwsRelease, formatPlan } = await import('../../simulate/aws/plan.js');
  const calls = await planAwsRelease(project, flags.env ?? flags.target);
  printResult(global, { target: flags.target, calls }, () => `${calls.length} AWS calls a release on ${flags.target} would make (nothing was sent):\n${formatPlan(calls)}`);
  return EXIT.ok;
}

function text(summary: ReleaseSummary): string {
  const lines = [`release ${summary.release}: ${summary.outcome}${summary.url ? ` — ${summary.url}` : ''} (${summary.seconds.toFixed(1)}s)`];
  for (const step of summary.steps) lines.push(`  ${String(step.n).padStart(2)}. ${step.name.padEnd(20)} ${step.status.padEnd(11)} ${step.seconds !== null ? `${step.seconds.toFixed(2)}s` : ''}`);
  if (summary.error) lines.push(`  error: ${summary.error}`);
  return lines.join('\n');
}
