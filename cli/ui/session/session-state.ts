import type { Fault } from '../../../simulate/release/faults.js';
import type { EnvironmentStatus, HistoryEntry } from '../../../simulate/release/status.js';
import type { ReleaseSummary } from '../../../simulate/release/summary.js';

export type Screen = 'home' | 'activity' | 'history';
export type ActivityKind = 'bake' | 'verify' | 'release' | 'rollback';

/** What the home screen shows; null while it loads. */
export interface HomeData {
  history: HistoryEntry[] | null;
  status: EnvironmentStatus | null;
  historyError?: string;
  statusError?: string;
}

/** The one engine call the UI runs at a time (bake, verify, a release, a rollback) and how it ended. */
export interface Activity {
  kind: ActivityKind;
  title: string;
  state: 'running' | 'aborting' | 'finished';
  /** Wall-clock ms. */
  startedAt: number;
  seconds?: number;
  outcome?: 'done' | 'live' | 'rolled-back' | 'failed' | 'aborted' | 'error';
  /** What it produced, one line each. */
  result: string[];
  error?: { message: string; hint?: string };
  /** The full log, relative to the project. */
  logPath?: string;
  summary?: ReleaseSummary;
  faults: Fault[];
}

/** A question on screen; the engine or the session waits for the answer. */
export type Prompt =
  | { kind: 'cutover'; release: string; facts: string[] }
  | { kind: 'failure'; title: string; detail?: string; step?: { n: number; name: string } }
  | { kind: 'rollback'; lines: string[]; from?: string; to?: string }
  | { kind: 'interrupt'; release?: string; step?: string; aborting: boolean };

export interface LogPaneState {
  /** A log file opened in the pane instead of the live stream. */
  file?: { path: string; title: string; lines: string[] };
  /** Lines scrolled up from the newest; 0 follows the stream. */
  scroll: number;
}

export interface SessionState {
  project: string;
  env: string;
  screen: Screen;
  home: HomeData;
  activity?: Activity;
  prompt?: Prompt;
  keysOpen: boolean;
  logPane: LogPaneState;
  /** Faults from --inject, used by the next release only. */
  armedFaults: Fault[];
  /** A one-line note in the footer, e.g. why a key did nothing. */
  message?: string;
}

export type ExitReason =
  | { kind: 'quit' }
  | { kind: 'detached'; release?: string; env: string; step?: string }
  | { kind: 'terminated' };
