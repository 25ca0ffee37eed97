import type { EnvironmentStatus, HistoryEntry } from '../../../simulate/release/status.js';
import { formatSeconds } from '../text/time-text.js';
import { actionLogName, runActivity } from './run-activity.js';
import type { Session } from './session.js';

/** The release `kiln rollback` would go back to: the newest one before the live one that went live itself. */
export function earlierLive(history: readonly HistoryEntry[], live: string | null): string | undefined {
  const index = history.findIndex((entry) => entry.release === live);
  return history.slice(0, Math.max(0, index)).filter((entry) => entry.outcome === 'live').at(-1)?.release;
}

/** After a failed release the engine has already undone it; say so before offering to go further back. */
function afterFailureLines(session: Session, status: EnvironmentStatus): string[] {
  const failed = session.state.activity?.summary?.release;
  if (!failed) return [];
  if (!status.live) return [`nothing is live in ${status.env}: ${failed} never served, so it needs no rollback.`];
  if (status.serving === status.live) return [`${status.live} serves at ${status.url}: kiln already undid ${failed} (steps marked ↺).`];
  return [`! ${status.live} should be live, but the load balancer serves ${status.serving ?? 'nothing'}: see kiln status, or kiln heal.`];
}

/**
 * Work out what a rollback would do and ask first (history is newest-first on the session; the
 * engine's is oldest-first). With --yes it starts at once.
 */
export async function planRollback(session: Session, options: { afterFailure: boolean }): Promise<void> {
  if (session.busy) return session.update({ message: `${session.state.activity!.title} is still running` });
  const { engine, project } = session;
  const env = session.options.env;
  let status: EnvironmentStatus;
  let history: HistoryEntry[];
  try {
    [status, history] = await Promise.all([engine.status(project, env), engine.history(project, env)]);
  } catch (error) {
    return session.update({ message: `cannot plan a rollback: ${(error as Error).message.split('\n')[0]}` });
  }
  const lines = options.afterFailure ? afterFailureLines(session, status) : [];
  const further = options.afterFailure ? 'further ' : '';
  if (!status.live) return session.update({ prompt: { kind: 'rollback', lines: [...lines, `nothing is live in ${env}, so there is nothing to roll back.`] } });
  const target = earlierLive(history, status.live);
  if (!target) return session.update({ prompt: { kind: 'rollback', lines: [...lines, `no release before ${status.live} went live, so there is nothing ${further}to roll back to.`] } });
  if (session.options.yes) return startRollback(session, status.live, target);
  session.update({ prompt: { kind: 'rollback', lines: [...lines, `roll back ${further}from ${status.live} to ${target}?`], from: status.live, to: target } });
}

/** Serve `to` again (switch to its stack, or relaunch its image); never rebuilds. */
export async function startRollback(session: Session, from: string, to: string): Promise<void> {
  await runActivity(session, {
    kind: 'rollback', title: `rollback ${from} → ${to}`, logName: actionLogName('rollback', to),
    run: (emit, signal) => session.engine.rollback(session.project, { env: session.options.env, to, emit, signal }),
    describe: (result) => ({
      outcome: 'done',
      result: [`rolled back ${result.from} → ${result.to}${result.relaunched ? ' (relaunched from its image)' : ''} in ${formatSeconds(result.seconds)}; serving at ${result.url}`],
    }),
  });
}

export function answerRollback(session: Session, yes: boolean): void {
  const prompt = session.state.prompt;
  session.dismissPrompt();
  if (yes && prompt?.kind === 'rollback' && prompt.from && prompt.to) void startRollback(session, prompt.from, prompt.to);
}
