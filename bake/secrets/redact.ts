/** Secret values known to this process. Output sinks pass their text through `redact`, so no call site has to remember. */
const known = new Set<string>();

export const REDACTED = '‹redacted›';

/** Remember a value so every sink hides it. Very short values would blank out ordinary text, so they are refused upstream. */
export function registerSecret(value: string): void {
  if (value) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}

/** Redact every string inside a JSON-shaped value. */
export function redactDeep<T>(value: T): T {
  if (known.size === 0) return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
