import type { Project } from '../../../bake/config/project.js';
import type { Fault } from '../../../simulate/release/faults.js';
import { EventStore } from '../store/event-store.js';
import type { LogFile } from '../store/log-file.js';
import { realEngine, type UiEngine } from './engine.js';
import type { Activity, ExitReason, Prompt, SessionState } from './session-state.js';

export interface SessionOptions {
  project: Project;
  env: string;
  /** --yes: no prompts at all; the engine's own defaults answer. */
  yes: boolean;
  faults: Fault[];
  onExit: (reason: ExitReason) => void;
  engine?: UiEngine;
  events?: EventStore;
}

/**
 * The UI's state outside React: what is on screen, the running activity and its AbortController,
 * and the answer a prompt is waiting for. Components read it through `subscribe`/`getSnapshot`;
 * keys call the flows (release-flow, rollback-flow, interrupt), which change it through `update`.
 */
export class Session {
  state: SessionState;
  readonly events: EventStore;
  readonly engine: UiEngine;
  readonly project: Project;
  readonly options: SessionOptions;
  controller: AbortController | undefined;
  logFile: LogFile | undefined;
  /** Resolves the engine's pending `decide` call. */
  cutoverAnswer: ((yes: boolean) => void) | undefined;
  /** The prompt an interrupt prompt covers, shown again on "keep going". */
  coveredPrompt: Prompt | undefined;
  /** Set by SIGTERM: leave once the aborted activity has cleaned up. */
  exitWhenIdle: ExitReason | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(options: SessionOptions) {
    this.options = options;
    this.project = options.project;
    this.engine = options.engine ?? realEngine;
    this.events = options.events ?? new EventStore();
    this.state = {
      project: options.project.project, env: options.env, screen: 'home', home: { history: null, status: null },
      keysOpen: false, logPane: { scroll: 0 }, armedFaults: options.faults,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionState => this.state;

  update(change: Partial<SessionState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  patchActivity(change: Partial<Activity>): void {
    if (this.state.activity) this.update({ activity: { ...this.state.activity, ...change } });
  }

  /** An activity is running (or cleaning up after an abort). */
  get busy(): boolean {
    return this.state.activity !== undefined && this.state.activity.state !== 'finished';
  }

  /** Reload what is live and the release history; the history needs no Docker, so it comes first. */
  async refreshHome(): Promise<void> {
    const { project, engine } = this;
    const env = this.options.env;
    await Promise.all([
      engine.history(project, env).then(
        (history) => this.update({ home: { ...this.state.home, history: [...history].reverse(), historyError: undefined } }),
        (error: unknown) => this.update({ home: { ...this.state.home, history: [], historyError: (error as Error).message } }),
      ),
      engine.status(project, env).then(
        (status) => this.update({ home: { ...this.state.home, status, statusError: undefined } }),
        (error: unknown) => this.update({ home: { ...this.state.home, statusError: (error as Error).message.split('\n')[0] } }),
      ),
    ]);
  }

  goHome(): void {
    if (this.busy) return this.update({ message: 'an activity is running: Ctrl-C stops it' });
    this.update({ screen: 'home', prompt: undefined, message: undefined, logPane: { scroll: 0 } });
  }

  openHistory(): void {
    this.update({ screen: 'history', message: undefined });
  }

  toggleKeys(): void {
    this.update({ keysOpen: !this.state.keysOpen });
  }

  /** Scroll the log pane up (positive) or down; clamped when drawn. */
  scrollLog(lines: number): void {
    this.update({ logPane: { ...this.state.logPane, scroll: Math.max(0, this.state.logPane.scroll + lines) } });
  }

  followLog(): void {
    this.update({ logPane: { file: undefined, scroll: 0 } });
  }

  promptAgain(prompt: Prompt): void {
    this.update({ prompt });
  }

  dismissPrompt(): void {
    this.update({ prompt: undefined });
  }

  exit(reason: ExitReason): void {
    this.options.onExit(reason);
  }

  dispose(): void {
    this.events.dispose();
    this.listeners.clear();
  }
}
