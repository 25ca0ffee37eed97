import type { GlobalOptions } from './global-options.js';

/** Results go to stdout: the JSON object with --json, readable text otherwise. */
export function printResult(global: GlobalOptions, json: unknown, text: () => string): void {
  process.stdout.write(`${global.json ? JSON.stringify(json) : text()}\n`);
}
