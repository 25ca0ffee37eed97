import type { Session } from './session.js';

/**
 * Ctrl-C. Idle, it quits. During a release it asks: abort cleanly or detach (a second Ctrl-C aborts).
 * Other activities, and any activity under --yes, abort cleanly at once.
 */
export function interrupt(session: Session): void {
  const activity = session.state.activity;
  if (!session.busy || !activity) return session.exit({ kind: 'quit' });
  const prompt = session.state.prompt;
  if (prompt?.kind === 'interrupt') {
    if (!prompt.aborting) abortActivity(session);
    return;
  }
  if (activity.kind !== 'release' || (session.options.yes && activity.state === 'running')) return abortActivity(session);
  session.events.flush();
  const running = session.events.getSnapshot().running;
  session.coveredPrompt = prompt;
  session.update({
    prompt: { kind: 'interrupt', release: session.events.getSnapshot().release?.release, step: running && `${running.n} ${running.name}`, aborting: activity.state === 'aborting' },
  });
}

/** Abort the engine's AbortSignal: the running step stops and every step that ran is cleaned up, newest first. */
export function abortActivity(session: Session): void {
  session.coveredPrompt = undefined;
  if (!session.controller || session.state.activity?.state !== 'running') return session.dismissPrompt();
  session.patchActivity({ state: 'aborting' });
  session.update({ prompt: undefined, message: 'aborting: the engine is cleaning up…' });
  session.controller.abort(new Error('aborted from the terminal UI'));
}

/** Close the interrupt prompt and carry on (with the prompt it covered, e.g. the cutover question). */
export function keepGoing(session: Session): void {
  const covered = session.coveredPrompt;
  session.coveredPrompt = undefined;
  session.update({ prompt: covered });
}

/** Leave now without cleanup; the release stays in the journal for `kiln release --resume` or `--abort`. */
export function detach(session: Session): void {
  const view = session.events.getSnapshot();
  const running = view.running;
  session.exit({ kind: 'detached', release: view.release?.release, env: session.options.env, step: running && `${running.n} ${running.name}` });
}

/** SIGTERM or a closed terminal: abort cleanly, then leave. */
export function terminate(session: Session): void {
  if (!session.busy) return session.exit({ kind: 'terminated' });
  session.exitWhenIdle = { kind: 'terminated' };
  abortActivity(session);
}
