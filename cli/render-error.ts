import { ExternalError, UserError } from '../bake/errors.js';
import { redact } from '../bake/secrets/redact.js';

/** Exit codes: 0 ok, 1 failure, 2 user error. */
export const EXIT = { ok: 0, failure: 1, user: 2 } as const;

/** The one place errors become text (stderr) or a JSON object (stdout with --json). */
export function renderError(error: unknown, options: { json: boolean; verbose: boolean }): number {
  const kind = error instanceof UserError ? 'user' : error instanceof ExternalError ? 'external' : 'bug';
  const err = error as Error & { hint?: string; tail?: string[]; command?: string };
  const code = kind === 'user' ? EXIT.user : EXIT.failure;
  if (options.json) {
    process.stdout.write(`${redact(JSON.stringify({ error: { kind, message: err.message, hint: err.hint, tail: err.tail } }))}\n`);
  }
  const lines = [`kiln: ${kind === 'bug' ? 'internal error: ' : 'error: '}${err?.message ?? String(error)}`];
  if (err.tail?.length) lines.push('  last output:', ...err.tail.map((line) => `    ${line}`));
  if (err.hint) lines.push(`  try: ${err.hint}`);
  if (kind === 'bug') lines.push('  this is a bug in kiln; please report it with the output of --verbose');
  if (options.verbose && err?.stack) lines.push(err.stack, ...(err.cause ? [`cause: ${(err.cause as Error).stack ?? String(err.cause)}`] : []));
  process.stderr.write(`${redact(lines.join('\n'))}\n`);
  return code;
}
