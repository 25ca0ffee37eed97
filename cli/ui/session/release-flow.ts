import { isAbsolute, join } from 'node:path';
import type { Decision } from '../../../simulate/release/context.js';
import type { ReleaseSummary } from '../../../simulate/release/summary.js';
import { formatSeconds } from '../text/time-text.js';
import { runActivity } from './run-activity.js';
import type { Session } from './session.js';
import { readStepLog } from './step-log.js';

/** Run the twelve steps. Faults from --inject apply to this release only, so a retry is a clean attempt. */
export async function startRelease(session: Session): Promise<void> {
  if (session.busy) return session.update({ message: `${session.state.activity!.title} is still running` });
  const faults = session.state.armedFaults;
  const stepNames = await session.engine.stepNames();
  const yes = session.options.yes;
  session.update({ armedFaults: [] });
  await runActivity(session, {
    kind: 'release', title: 'release', stepNames, faults,
    run: (emit, signal) => session.engine.release(session.project, {
      env: session.options.env, emit, signal, faults, decide: yes ? undefined : (decision) => askCutover(session, decision, signal),
    }),
    describe: (summary) => ({ outcome: summary.outcome === 'running' ? 'failed' : summary.outcome, summary, title: `release ${summary.release}`, result: resultLines(summary) }),
  });
  const activity = session.state.activity;
  if (!yes && !session.exitWhenIdle && activity && activity.outcome !== 'live' && activity.outcome !== 'aborted') showFailure(session);
}

/** The engine's `decide` hook: show the new instances' health and wait for y or n. An abort answers no. */
function askCutover(session: Session, decision: Decision, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const answer = (yes: boolean) => {
      signal.removeEventListener('abort', onAbort);
      session.cutoverAnswer = undefined;
      if (session.state.prompt?.kind === 'cutover') session.update({ prompt: undefined });
      resolve(yes);
    };
    const onAbort = () => answer(false);
    signal.addEventListener('abort', onAbort, { once: true });
    session.cutoverAnswer = answer;
    // Publish the steps so far first, so the question never sits under a stale screen.
    session.events.flush();
    session.update({ prompt: { kind: 'cutover', release: decision.release, facts: decision.facts } });
  });
}

export function answerCutover(session: Session, yes: boolean): void {
  session.cutoverAnswer?.(yes);
}

/** Offer what a human can do after a release that did not go live: roll back, retry, or read the step's log. */
export function showFailure(session: Session): void {
  const activity = session.state.activity;
  if (!activity || activity.kind !== 'release') return;
  const summary = activity.summary;
  const failed = summary?.steps.find((step) => step.status === 'failed');
  const title = summary
    ? `${summary.release} ${summary.outcome}${failed ? ` at step ${failed.n} (${failed.name})` : ''}`
    : 'the release did not start';
  session.update({ prompt: { kind: 'failure', title, detail: summary?.error ?? activity.error?.message, step: failed && { n: failed.n, name: failed.name } } });
}

/** Show the failed step's part of the release log in the log pane. */
export async function openStepLog(session: Session): Promise<void> {
  const activity = session.state.activity;
  const prompt = session.state.prompt;
  const step = prompt?.kind === 'failure' ? prompt.step : undefined;
  if (!activity?.logPath) return session.update({ message: 'this release wrote no log (it stopped before its first step)' });
  const path = isAbsolute(activity.logPath) ? activity.logPath : join(session.project.dir, activity.logPath);
  try {
    const lines = await readStepLog(path, step?.n);
    const title = `${activity.logPath}${step ? ` · step ${step.n} ${step.name}` : ''}`;
    session.update({ prompt: undefined, logPane: { file: { path, title, lines }, scroll: 0 }, message: 'f: the failure choices again · End: back to the live log' });
  } catch (error) {
    session.update({ message: `cannot read ${activity.logPath}: ${(error as Error).message}` });
  }
}

/** What a finished release reads as, one line each. */
export function resultLines(summary: ReleaseSummary): string[] {
  const lines = [`${summary.release} ${summary.outcome}${summary.url ? ` at ${summary.url}` : ''} after ${formatSeconds(summary.seconds)}`];
  if (summary.error) lines.push(`error: ${summary.error.split('\n')[0]}`);
  return lines;
}
