import { render, type Instance } from 'ink';
import type { Project } from '../../bake/config/project.js';
import type { Fault } from '../../simulate/release/faults.js';
import { EXIT } from '../render-error.js';
import { App } from './components/App.js';
import { resultTexts } from './components/ResultLines.js';
import { interrupt, terminate } from './session/interrupt.js';
import { Session } from './session/session.js';
import type { ExitReason } from './session/session-state.js';
import { enterAltScreen } from './terminal/alt-screen.js';
import { killDescendants } from './terminal/kill-descendants.js';

export interface UiOptions {
  env: string;
  yes: boolean;
  faults: Fault[];
}

/** What stays on the terminal after a detach: what was left, and how to finish it. */
export function detachMessage(reason: Extract<ExitReason, { kind: 'detached' }>, killed: number): string {
  const what = reason.release ? `release ${reason.release}` : 'the release';
  return [
    `kiln: detached from ${what}${reason.step ? ` during step ${reason.step}` : ''}; nothing was undone${killed ? ` (stopped ${killed} child process${killed === 1 ? '' : 'es'})` : ''}.`,
    '  the old stack keeps serving; the release waits in the journal:',
    `  finish it:  kiln release --resume --env ${reason.env}`,
    `  undo it:    kiln release --abort --env ${reason.env}`,
  ].join('\n');
}

/** Run the full-screen UI until the user quits; resolves with the exit code. */
export async function startUi(project: Project, options: UiOptions): Promise<number> {
  const leaveAltScreen = enterAltScreen(process.stdout);
  let reason: ExitReason = { kind: 'quit' };
  let instance: Instance | undefined;
  const session = new Session({
    project, ...options,
    onExit: (why) => {
      reason = why;
      if (why.kind === 'detached') detachNow(why);
      else instance?.unmount();
    },
  });
  // Detaching leaves at once: no cleanup runs, and the journal keeps the release for --resume or --abort.
  const detachNow = (why: Extract<ExitReason, { kind: 'detached' }>) => {
    session.logFile?.write(`kiln: detached; finish with kiln release --resume --env ${why.env}\n`);
    session.logFile?.flush();
    instance?.unmount();
    leaveAltScreen();
    const killed = killDescendants();
    process.stderr.write(`${detachMessage(why, killed.length)}\n`);
    process.exit(EXIT.failure);
  };
  // Raw mode turns Ctrl-C into a key; a SIGINT can still come from `kill`, and SIGTERM/SIGHUP abort cleanly.
  const onInterrupt = () => interrupt(session);
  const onTerminate = () => terminate(session);
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  process.on('SIGHUP', onTerminate);
  try {
    instance = render(<App session={session} />, { exitOnCtrlC: false });
    void session.refreshHome();
    await instance.waitUntilExit();
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerminate);
    process.off('SIGHUP', onTerminate);
    leaveAltScreen();
    session.dispose();
  }
  const last = session.state.activity;
  if (last?.state === 'finished') process.stderr.write(`kiln: last: ${last.title}\n${resultTexts(last).map((line) => `  ${line.text}\n`).join('')}`);
  return (reason as ExitReason).kind === 'terminated' ? EXIT.failure : EXIT.ok;
}
