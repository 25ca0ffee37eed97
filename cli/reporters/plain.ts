import type { Emit, KilnEvent } from '../../bake/events.js';
import { redact } from '../../bake/secrets/redact.js';

const shortHex = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/** Human progress on stderr, one line per event; safe for pipes and CI logs. */
export function plainReporter(write: (text: string) => void = (text) => process.stderr.write(text), options: { logs?: boolean } = {}): Emit {
  const showLogs = options.logs ?? true;
  return (event: KilnEvent) => {
    const line = format(event, showLogs);
    if (line !== undefined) write(`${redact(line)}\n`);
  };
}

function format(event: KilnEvent, showLogs: boolean): string | undefined {
  switch (event.type) {
    case 'phase':
      if (event.status === 'start') return `» ${event.phase}`;
      return `${event.status === 'done' ? '✓' : event.status === 'skipped' ? '–' : '✗'} ${event.phase}${event.seconds !== undefined ? ` (${event.seconds.toFixed(2)}s)` : ''}${event.detail ? `: ${event.detail}` : ''}`;
    case 'layer':
      if (event.status === 'building') return `» layer ${event.layer} ${shortHex(event.digest)}: building`;
      return `${event.status === 'failed' ? '✗' : '✓'} layer ${event.layer} ${shortHex(event.digest)}: ${event.status}${event.seconds ? ` (${event.seconds.toFixed(2)}s)` : ''}`;
    case 'log':
      return showLogs ? `  │ ${event.source}: ${event.line}` : undefined;
    case 'notice':
      return `${event.level === 'warn' ? '! ' : '· '}${event.message}`;
    case 'step': {
      const mark = { running: '»', done: '✓', failed: '✗', skipped: '–', 'rolled-back': '↺' }[event.status];
      const label = `${String(event.n).padStart(2)}. ${event.name}`;
      if (event.status === 'running') return `${mark} ${label}`;
      return `${mark} ${label} ${event.status}${event.seconds !== undefined ? ` (${event.seconds.toFixed(2)}s)` : ''}${event.detail ? `: ${event.detail}` : ''}`;
    }
    case 'release':
      return `━━ release ${event.release} ${event.status}${event.url ? ` at ${event.url}` : ''}`;
  }
}
