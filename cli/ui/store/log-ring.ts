import type { KilnEvent } from '../../../bake/events.js';

/** What the log pane shows: output lines, notices, and a marker where each step starts, kept as the event objects themselves. */
export type LogEntry = Extract<KilnEvent, { type: 'log' }> | Extract<KilnEvent, { type: 'notice' }> | Extract<KilnEvent, { type: 'step' }>;

/** Whether an event belongs in the log pane. */
export function isLogEntry(event: KilnEvent): event is LogEntry {
  return event.type === 'log' || event.type === 'notice' || (event.type === 'step' && event.status === 'running');
}

/**
 * A fixed-size ring of the newest log entries. Lines are numbered from 0 as they arrive, so a
 * snapshot can ask for "the window ending at line N" even after more lines came in.
 */
export class LogRing {
  private readonly entries: (LogEntry | undefined)[];
  /** How many entries were ever pushed; the newest one is number total - 1. */
  total = 0;

  constructor(readonly capacity = 10_000) {
    this.entries = new Array<LogEntry | undefined>(capacity);
  }

  push(entry: LogEntry): void {
    this.entries[this.total % this.capacity] = entry;
    this.total++;
  }

  /** The oldest line number still held. */
  get first(): number {
    return Math.max(0, this.total - this.capacity);
  }

  /** Up to `count` entries ending before line `end` (exclusive), oldest first; never more than the ring holds. */
  window(end: number, count: number): LogEntry[] {
    const stop = Math.min(end, this.total);
    const start = Math.max(this.first, stop - Math.max(0, count));
    const out: LogEntry[] = [];
    for (let line = start; line < stop; line++) out.push(this.entries[line % this.capacity]!);
    return out;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.total = 0;
  }
}
