import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { renderScript } from '../../bake/template/render.js';
import { shellQuote, shellWords } from '../../bake/template/shell-quote.js';
import type { TemplateSource } from '../../bake/template/locate.js';

const template = (text: string): TemplateSource => ({ name: 'test/hostile', origin: 'templates/test/hostile.sh.hbs', path: '/nowhere/hostile.sh.hbs', text });

/** Render `text` with `context`, write it to dir and run it with sh there; returns stdout. */
function runRendered(dir: string, text: string, context: Record<string, unknown>): string {
  const script = join(dir, 'script.sh');
  writeFileSync(script, renderScript(template(text), context).text);
  return execFileSync('sh', [script], { cwd: dir, encoding: 'utf8' });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-shq-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile values rendered into a real script stay inert', () => {
  const hostile = (pwned: string) => [
    `$(touch ${pwned})`,
    `'; touch ${pwned} #`,
    `\`touch ${pwned}\``,
    `"; touch ${pwned}; echo "`,
    '"$HOME"',
    '$HOME ${HOME} $0 $$ * ?',
    `line one\ntouch ${pwned}\nline three`,
    `a & touch ${pwned} | cat > x; < y`,
    'héllo wörld ✓ 日本語 🔥',
    "it's",
    '',
    '-n',
  ];

  test.each(hostile('PWNED_ABS'))('printf prints %j literally and runs nothing', (shape) => {
    const pwned = join(dir, 'pwned');
    const value = shape.replaceAll('PWNED_ABS', pwned);
    const out = runRendered(dir, "printf '%s\\n' {{value}}\nset -- {{value}}\nprintf 'words=%s\\n' \"$#\"\n", { value });
    expect(out).toBe(`${value}\nwords=1\n`);
    expect(existsSync(pwned)).toBe(false);
  });

  test.each(hostile('pwned').filter((value) => value !== '' && !value.startsWith('-')))('touch %j creates exactly that one file', (value) => {
    runRendered(dir, 'touch {{value}}\n', { value });
    expect(readdirSync(dir).sort()).toEqual([value, 'script.sh'].sort());
  });
});

describe('shellQuote', () => {
  test('for any string without NUL, sh prints back exactly that string', () => {
    const seed = Number(process.env.KILN_FC_SEED ?? 424242);
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
    try {
      fc.assert(
        fc.property(text, (value) => {
          expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
        }),
        { seed, numRuns: 300 },
      );
    } catch (error) {
      throw new Error(`property failed with seed ${seed} (rerun with KILN_FC_SEED=${seed})`, { cause: error });
    }
  });

  test('leaves plain words bare and quotes everything else', () => {
    expect(shellQuote('debian:bookworm-slim')).toBe('debian:bookworm-slim');
    expect(shellQuote('/opt/app')).toBe('/opt/app');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote(8080)).toBe('8080');
  });

  test('a NUL byte is a UserError, directly and through a template', () => {
    expect(() => shellQuote('a\0b')).toThrow(UserError);
    expect(() => renderScript(template('echo {{x}}\n'), { x: 'a\0b' })).toThrow(/NUL/);
  });

  test('a list or a mapping in {{x}} is a UserError that says what to do', () => {
    expect(() => renderScript(template('echo {{x}}\n'), { x: ['a', 'b'] })).toThrow(UserError);
    expect(() => renderScript(template('echo {{x}}\n'), { x: ['a', 'b'] })).toThrow(/list; use \{\{words x\}\}/);
    expect(() => renderScript(template('echo {{x}}\n'), { x: { a: 1 } })).toThrow(UserError);
    expect(() => renderScript(template('echo {{x}}\n'), { x: { a: 1 } })).toThrow(/mapping/);
  });
});

describe('words', () => {
  test('quotes each element as its own shell word', () => {
    const xs = ['a b', "c'd", '$(touch pwned)', 'plain'];
    const out = runRendered(dir, "set -- {{words xs}}\nprintf '%s\\n' \"$#\" \"$@\"\n", { xs });
    expect(out).toBe(`4\n${xs.join('\n')}\n`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  test('an empty list is no words, and a nested list is refused', () => {
    expect(shellWords([])).toBe('');
    expect(() => shellWords([['a']])).toThrow(UserError);
  });
});
