import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { takeLock } from '../journal/lock.js';
import type { EnvState, Outcome, ReleaseRecord, TargetName } from '../journal/record.js';
import type { ReleaseContext } from './context.js';
import { openEnvironment, releaseContext, type ContextOptions, type Environment } from './environment.js';
import type { Fault } from './faults.js';
import { checkTagName, tagCommit, tagName } from './git-release.js';
import { runSteps, unwind } from './runner.js';
import { STEPS } from './steps/index.js';
import { summarize, type ReleaseSummary } from './summary.js';

export interface ReleaseOptions extends ContextOptions {
  env: string;
  /** Where to release (default: the environment's target, else local). */
  target?: TargetName;
  /** Promotion: ship this existing tag, rehearsed as `promotedFrom`. */
  promote?: { tag: string; from: NonNullable<ReleaseRecord['promotedFrom']> };
  faults?: Fault[];
  keepOld?: boolean;
}

/** Run the twelve steps for the committed HEAD. Step failures end in a summary (rolled-back, failed, aborted), not a throw. */
export async function release(project: Project, options: ReleaseOptions): Promise<ReleaseSummary> {
  const environment = await openEnvironment(project, options.env, options.target);
  const { journal } = environment;
  const state = await journal.state();
  const { n, tag } = options.promote ? await promotionTag(environment, state, options.promote.tag) : await nextTag(project, environment, state);
  const unlock = await takeLock(journal.lockFile, tag);
  try {
    const record: ReleaseRecord = {
      schema: 1, id: tag, project: project.project, env: options.env, target: environment.target.kind, n, tag, commit: '', previous: state.live,
      specs: [], instances: [], steps: STEPS.map((step) => ({ n: step.n, name: step.name, status: 'pending' })),
      faults: options.faults ?? [], keepOld: options.keepOld ?? false, outcome: 'running', startedAt: new Date().toISOString(), pid: process.pid,
      ...(options.promote ? { promotedFrom: options.promote.from } : {}),
    };
    await journal.save(record);
    return await drive(releaseContext(environment, record, options), 'started');
  } finally {
    await unlock();
  }
}

type InterruptedOptions = Omit<ReleaseOptions, 'faults' | 'keepOld'>;

/** Continue the interrupted release from its first step not done. */
export function resumeRelease(project: Project, options: InterruptedOptions): Promise<ReleaseSummary> {
  return withInterrupted(project, options, (context) => {
    context.record.pid = process.pid;
    return drive(context, 'resumed');
  });
}

/** Undo the interrupted release: every step that ran is cleaned up, newest first. */
export function abortRelease(project: Project, options: InterruptedOptions): Promise<ReleaseSummary> {
  return withInterrupted(project, options, async (context) => {
    const { record } = context;
    const last = record.steps.map((step) => step.status).lastIndexOf('done');
    const running = record.steps.findIndex((step) => step.status === 'running' || step.status === 'failed');
    await unwind(context, STEPS, Math.max(last, running));
    await finish(context, 'aborted', 'aborted by kiln release --abort');
    return summarize(record, (await context.journal.state()).lb?.url ?? null);
  });
}

/** Take over the lock of the interrupted release (its owner is gone) and hand its context to `work`. */
async function withInterrupted(project: Project, options: InterruptedOptions, work: (context: ReleaseContext) => Promise<ReleaseSummary>): Promise<ReleaseSummary> {
  const environment = await openEnvironment(project, options.env);
  const record = await interrupted(environment);
  const unlock = await takeLock(environment.journal.lockFile, record.id, { takeOver: true });
  try {
    return await work(releaseContext(environment, record, options));
  } finally {
    await unlock();
  }
}

async function drive(context: ReleaseContext, how: 'started' | 'resumed'): Promise<ReleaseSummary> {
  const { record, journal } = context;
  context.emit({ type: 'release', release: record.id, status: how });
  try {
    await runSteps(context, STEPS);
    await finish(context, 'live');
  } catch (error) {
    if (record.steps[0]!.status === 'failed') {
      // A refused freeze is not a release: leave no journal entry behind.
      await rm(journal.releaseFile(record.id), { force: true });
      throw error;
    }
    const outcome: Outcome = context.signal.aborted || (error instanceof UserError && /declined/.test(error.message)) ? 'aborted' : record.steps[9]!.status === 'rolled-back' ? 'rolled-back' : 'failed';
    await finish(context, outcome, (error as Error).message);
  }
  const url = (await journal.state()).lb?.url ?? null;
  context.emit({ type: 'release', release: record.id, status: record.outcome === 'running' ? 'failed' : (record.outcome as 'live'), url: url ?? undefined });
  return summarize(record, url);
}

/** Record the outcome, update what is live, and drop the build export. */
async function finish(context: ReleaseContext, outcome: Outcome, error?: string): Promise<void> {
  const { record, journal } = context;
  record.outcome = outcome;
  record.error = error;
  record.finishedAt = new Date().toISOString();
  await context.save();
  const state = await journal.state();
  state.releaseCount = Math.max(state.releaseCount, record.n);
  if (outcome === 'live') {
    if (record.previous && record.keepOld) state.standby = [...new Set([...state.standby, record.previous])];
    else state.standby = state.standby.filter((id) => id !== record.previous);
    state.live = record.id;
  }
  state.events.push({ at: record.finishedAt, kind: outcome === 'aborted' ? 'abort' : 'release', release: record.id, detail: error ? `${outcome}: ${error.split('\n')[0]}` : outcome });
  await journal.saveState(state);
  if (record.workdir) await rm(record.workdir, { recursive: true, force: true });
}

async function interrupted(environment: Environment): Promise<ReleaseRecord> {
  const running = (await environment.journal.list()).filter((record) => record.outcome === 'running');
  if (running.length === 0) throw new UserError(`no interrupted release in environment ${environment.env}`, 'kiln status shows what is live; kiln release starts a new one');
  return running[running.length - 1]!;
}

/** A promotion keeps the rehearsed tag as its id; promoting the same tag twice into one environment is refused. */
async function promotionTag(environment: Environment, state: EnvState, tag: string): Promise<{ n: number; tag: string }> {
  if (existsSync(environment.journal.releaseFile(tag))) {
    const earlier = await environment.journal.load(tag);
    throw new UserError(`${tag} was already promoted to ${environment.env} (${earlier.outcome})`, 'kiln history --env shows it; rehearse a new release to promote again');
  }
  return { n: state.releaseCount + 1, tag };
}

/** The next release number whose tag is free in git and in the journal. */
async function nextTag(project: Project, environment: Environment, state: EnvState): Promise<{ n: number; tag: string }> {
  for (let n = state.releaseCount + 1; ; n++) {
    const tag = tagName(project.release.tag, project.project, n);
    await checkTagName(project.dir, tag);
    if (!(await tagCommit(project.dir, tag)) && !existsSync(environment.journal.releaseFile(tag))) return { n, tag };
  }
}
