import type { Emit, KilnEvent } from '../../../bake/events.js';
import { LogRing } from './log-ring.js';
import { applyEvent, copyViewState, emptyViewState, type ViewState } from './view-state.js';

/** What a render sees: the state as of the last flush, and the ring to read the log window from. */
export interface ViewSnapshot extends ViewState {
  log: LogRing;
}

export interface EventStoreOptions {
  /** Publish at most this often, however fast events arrive (ms). */
  flushMs?: number;
  /** Lines the log ring keeps. */
  capacity?: number;
  clock?: () => number;
}

/**
 * The UI's consumer of the engine's events, as the plain and JSON reporters are. `emit` only folds the
 * event into mutable state and arms a timer: React hears about it once per flush, never once per event.
 */
export class EventStore {
  private state: ViewState = emptyViewState();
  private snapshot: ViewSnapshot;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private sink: Emit | undefined;
  readonly ring: LogRing;
  private readonly flushMs: number;
  private readonly clock: () => number;

  constructor(options: EventStoreOptions = {}) {
    this.flushMs = options.flushMs ?? 80;
    this.clock = options.clock ?? (() => performance.now());
    this.ring = new LogRing(options.capacity);
    this.snapshot = { ...copyViewState(this.state), log: this.ring };
  }

  readonly emit: Emit = (event: KilnEvent) => {
    if (event.type === 'log' || event.type === 'notice') this.ring.push(event);
    applyEvent(this.state, event, this.clock());
    this.sink?.(event);
    if (this.timer === undefined) this.timer = setTimeout(this.flush, this.flushMs);
  };

  /** Start a new activity: empty state, the given steps pending, and where its events are also written. */
  reset(stepNames: readonly string[] = [], sink?: Emit): void {
    this.state = emptyViewState(stepNames);
    this.ring.clear();
    this.sink = sink;
    this.flush();
  }

  /** Stop copying events to the activity's sink (its log file is closed). */
  detachSink(): void {
    this.sink = undefined;
  }

  readonly flush = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.snapshot = { ...copyViewState(this.state), log: this.ring };
    for (const listener of this.listeners) listener();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ViewSnapshot => this.snapshot;

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
