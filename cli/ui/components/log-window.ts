/**
 * Which lines of a log fit a pane of `rows` rows: only these are rendered, however long the log.
 * `scroll` counts lines up from the newest and is clamped so the pane never scrolls past the oldest line held.
 */
export function logWindow(first: number, end: number, rows: number, scroll: number): { start: number; end: number; scroll: number } {
  const held = Math.max(0, end - first);
  const clamped = Math.min(Math.max(0, scroll), Math.max(0, held - rows));
  const stop = end - clamped;
  return { start: Math.max(first, stop - Math.max(0, rows)), end: stop, scroll: clamped };
}
