import { UserError } from '../errors.js';

/** Quote one value as a single inert shell word: '...' with embedded quotes closed and escaped. */
export function shellQuote(value: unknown, what = 'value'): string {
  const text = scalarText(value, what);
  if (text.includes('\0')) throw new UserError(`${what} contains a NUL byte, which no shell word can hold`);
  // Plain words need no quotes; everything else is single-quoted, the one form with no expansions.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quote each element and join with spaces: several shell words. */
export function shellWords(values: unknown, what = 'value'): string {
  if (!Array.isArray(values)) return shellQuote(values, what);
  return values.map((value, index) => shellQuote(value, `${what}[${index}]`)).join(' ');
}

function scalarText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) throw new UserError(`${what} is a list; use {{words ${what}}} or {{#each}} to put it in a script`);
  if (value === null || value === undefined) throw new UserError(`${what} has no value`);
  throw new UserError(`${what} is a mapping; name one of its fields, e.g. {{${what}.name}}`);
}
