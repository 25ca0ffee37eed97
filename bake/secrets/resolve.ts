import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../config/project.js';
import { UserError } from '../errors.js';
import { registerSecret } from './redact.js';

export const MIN_SECRET_LENGTH = 4;

/** Where file-held secrets live: $KILN_SECRETS_DIR, else .kiln/secrets/ in the project (kept out of git). */
export function secretsDir(project: Project): string {
  return process.env.KILN_SECRETS_DIR ?? join(project.dir, '.kiln', 'secrets');
}

/**
 * Read each declared secret from the environment variable of the same name, else from a file of that
 * name in the secrets directory. Every value found is registered for redaction before it is returned.
 */
export function resolveSecrets(project: Project, options: { required: boolean }): Map<string, string> {
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const name of project.secrets) {
    const file = join(secretsDir(project), name);
    const value = process.env[name] ?? (existsSync(file) ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : undefined);
    if (value === undefined || value === '') {
      missing.push(name);
      continue;
    }
    if (value.length < MIN_SECRET_LENGTH) throw new UserError(`secret ${name} is shorter than ${MIN_SECRET_LENGTH} characters`, 'kiln cannot redact a value that short without blanking ordinary text; use a real secret');
    registerSecret(value);
    values.set(name, value);
  }
  if (missing.length && options.required) {
    throw new UserError(`secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no value`, `export ${missing[0]}=…, or write it to ${join(secretsDir(project), missing[0]!)}`);
  }
  return values;
}
