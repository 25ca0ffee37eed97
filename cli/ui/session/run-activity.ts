import type { Emit, KilnEvent } from '../../../bake/events.js';
import type { Fault } from '../../../simulate/release/faults.js';
import { LogFile, logDirectory } from '../store/log-file.js';
import type { Session } from './session.js';
import type { Activity, ActivityKind } from './session-state.js';

export interface ActivityWork<T> {
  kind: ActivityKind;
  title: string;
  /** The log file's name; a release names it from its first event instead. */
  logName?: string;
  stepNames?: readonly string[];
  faults?: Fault[];
  run(emit: Emit, signal: AbortSignal): Promise<T>;
  /** How the result reads on screen. */
  describe(result: T): Pick<Activity, 'outcome' | 'result'> & Partial<Pick<Activity, 'title' | 'summary'>>;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

/**
 * Run one engine call as the session's activity: fresh event state, a log file, an AbortController,
 * and its result or error on screen. Resolves once it is over and its log is on disk.
 */
export async function runActivity<T>(session: Session, work: ActivityWork<T>): Promise<T | undefined> {
  if (session.busy) {
    session.update({ message: `${session.state.activity!.title} is still running` });
    return undefined;
  }
  const logFile = new LogFile(logDirectory(session.project.dir));
  const controller = new AbortController();
  session.controller = controller;
  session.logFile = logFile;
  if (work.logName) logFile.open(work.logName);
  const sink: Emit = (event: KilnEvent) => {
    if (event.type === 'release' && !logFile.path) {
      logFile.open(event.release);
      session.patchActivity({ title: `release ${event.release}`, logPath: logFile.shown(session.project.dir) });
    }
    logFile.emit(event);
  };
  session.events.reset(work.stepNames, sink);
  session.events.setTicking(true);
  const started = Date.now();
  session.update({
    screen: 'activity', prompt: undefined, keysOpen: false, message: undefined, logPane: { scroll: 0 },
    activity: { kind: work.kind, title: work.title, state: 'running', startedAt: started, result: [], faults: work.faults ?? [], logPath: logFile.shown(session.project.dir) },
  });
  let result: T | undefined;
  try {
    result = await work.run(session.events.emit, controller.signal);
    session.patchActivity(work.describe(result));
  } catch (error) {
    const err = error as Error & { hint?: string };
    session.patchActivity({ outcome: controller.signal.aborted ? 'aborted' : 'error', result: [], error: { message: err.message, hint: err.hint } });
  } finally {
    session.events.setTicking(false);
    session.events.flush();
    session.events.detachSink();
    logFile.close(`${work.kind}-${stamp()}`);
    session.controller = undefined;
    session.patchActivity({ state: 'finished', seconds: (Date.now() - started) / 1000, logPath: logFile.shown(session.project.dir) });
  }
  if (session.exitWhenIdle) session.exit(session.exitWhenIdle);
  else void session.refreshHome();
  return result;
}

/** A log name for actions that are not releases: `bake-2026-01-02T03-04-05`. */
export function actionLogName(kind: ActivityKind, suffix = ''): string {
  return `${kind}${suffix ? `-${suffix}` : ''}-${stamp()}`;
}
