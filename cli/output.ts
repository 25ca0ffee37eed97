import { redact } from '../bake/secrets/redact.js';
import type { GlobalOptions } from './global-options.js';

/** Results go to stdout: the JSON object with --json, readable text otherwise. Secret values never leave. */
export function printResult(global: GlobalOptions, json: unknown, text: () => string): void {
  process.stdout.write(`${redact(global.json ? JSON.stringify(json) : text())}\n`);
}

/** One NDJSON line per engine event (release --json). */
export function printEvent(event: unknown): void {
  process.stdout.write(`${redact(JSON.stringify(event))}\n`);
}
