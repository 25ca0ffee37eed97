import type { Emit, KilnEvent } from '../../../bake/events.js';
import { LogRing, isLogEntry } from './log-ring.js';
import { redactDeep } from '../../../bake/secrets/redact.js';
import { applyEvent, copyViewState, emptyViewState, type ViewState } from './view-state.js';

/** What a render sees: the state as of the last flush, and the ring to read the log window from. */
export interface ViewSnapshot extends ViewState {
  log: LogRing;
}

export interface EventStoreOptions {
  /** Publish at most this often, however fast events arrive (ms). */
  flushMs?: number;
  /** While `ticking`, publish this often even without events, so spinners and elapsed times move (ms). */
  tickMs?: number;
  /** Keep the UI under this share of the main thread: a publish that cost 10 ms waits 10 / share ms before the next. */
  budget?: number;
  /** Lines the log ring keeps. */
  capacity?: number;
  clock?: () => number;
}

/**
 * The UI's consumer of the engine's events, as the plain and JSON reporters are. `emit` only folds the
 * event into mutable state and arms a timer: React hears about it once per flush, never once per event.
 * Flushes are paced by what the last one cost (the render it caused), so a flood of output cannot
 * spend more than `budget` of the thread the engine runs on.
 */
export class EventStore {
  private state: ViewState = emptyViewState();
  private snapshot: ViewSnapshot;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private sink: Emit | undefined;
  private ticking = false;
  private lastCost = 0;
  readonly ring: LogRing;
  private readonly flushMs: number;
  private readonly tickMs: number;
  private readonly budget: number;
  private readonly clock: () => number;

  constructor(options: EventStoreOptions = {}) {
    this.flushMs = options.flushMs ?? 100;
    this.tickMs = options.tickMs ?? 250;
    this.budget = options.budget ?? 0.04;
    this.clock = options.clock ?? (() => performance.now());
    this.ring = new LogRing(options.capacity);
    this.snapshot = { ...copyViewState(this.state), log: this.ring };
  }

  readonly emit: Emit = (raw: KilnEvent) => {
    // The screen is an output sink like any other: secret values never reach it.
    const event = redactDeep(raw);
    if (isLogEntry(event)) {
      this.ring.push(event);
      this.state.logCount++;
    }
    applyEvent(this.state, event, this.clock());
    this.sink?.(event);
    this.schedule(this.flushMs);
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

  /** While an activity runs, publish on a heartbeat too. */
  setTicking(ticking: boolean): void {
    this.ticking = ticking;
    if (ticking) this.schedule(this.tickMs);
  }

  /** The wait before the next publish: never sooner than `base`, nor than the last publish's cost allows. */
  private schedule(base: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(this.flush, Math.min(1000, Math.max(base, this.lastCost / this.budget)));
  }

  readonly flush = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const started = performance.now();
    this.snapshot = { ...copyViewState(this.state), log: this.ring };
    for (const listener of this.listeners) listener();
    // Listeners render synchronously (ink's legacy root), so this is the cost of showing the update.
    this.lastCost = performance.now() - started;
    if (this.ticking) this.schedule(this.tickMs);
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ViewSnapshot => this.snapshot;

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.ticking = false;
    this.listeners.clear();
  }
}
