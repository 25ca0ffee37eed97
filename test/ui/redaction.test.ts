import { expect, test } from 'vitest';
import { registerSecret, REDACTED } from '../../bake/secrets/redact.js';
import { EventStore } from '../../cli/ui/store/event-store.js';

test('the UI store never keeps a secret value, in log lines or notices', () => {
  registerSecret('ui-secret-value-123');
  const store = new EventStore({ flushMs: 1 });
  store.emit({ type: 'log', source: 'web', line: 'token=ui-secret-value-123' });
  store.emit({ type: 'notice', level: 'info', message: 'configured with ui-secret-value-123' });
  const kept = JSON.stringify(store.ring.window(10, 10));
  expect(kept).not.toContain('ui-secret-value-123');
  expect(kept).toContain(REDACTED);
});
