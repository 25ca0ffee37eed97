import { describe, expect, test } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { renderScript } from '../../bake/template/render.js';
import type { TemplateSource } from '../../bake/template/locate.js';

const ORIGIN = 'templates/app/custom.sh.hbs';
const template = (text: string): TemplateSource => ({ name: 'app/custom', origin: ORIGIN, path: '/nowhere/custom.sh.hbs', text });
const body = (text: string, context: Record<string, unknown> = {}) => {
  const rendered = renderScript(template(text), context);
  return rendered.text.split('\n').slice(rendered.headerLines).join('\n');
};
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
};

describe('renderScript', () => {
  test('{{x}} is shell-quoted by default', () => {
    expect(body('echo {{x}}\n', { x: 'a b; rm -rf /' })).toBe("echo 'a b; rm -rf /'\n");
    expect(body('echo {{vars.name}}\n', { vars: { name: "it's" } })).toBe("echo 'it'\\''s'\n");
  });

  test('{{{x}}} is refused with a UserError naming origin and line', () => {
    const error = thrown(() => renderScript(template('echo one\necho two\necho {{{x}}}\n'), { x: 'y' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`${ORIGIN}:3:`);
    expect((error as UserError).hint).toContain('{{raw x}}');
  });

  test('{{raw x}} inserts the text unquoted', () => {
    expect(body('{{raw cmd}}\n', { cmd: 'echo a b' })).toBe('echo a b\n');
  });

  test('a missing variable is a UserError naming origin, line and variable', () => {
    const error = thrown(() => renderScript(template('echo ok\n\necho {{vars.missing}}\n'), { vars: {}, project: 'p' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`${ORIGIN}:3: template variable "vars.missing" is not defined`);
    expect((error as UserError).hint).toContain('available: vars, project');
  });

  test('a value that cannot be quoted is a UserError naming origin and line', () => {
    const error = thrown(() => renderScript(template('echo ok\n{{#if on}}\necho {{xs}}\n{{/if}}\n'), { on: true, xs: ['a'] }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`${ORIGIN}:3: xs is a list`);
  });

  test('an unknown helper is a UserError naming origin, line and name', () => {
    const error = thrown(() => renderScript(template('echo ok\necho {{nohelper x}}\n'), { x: 1 }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`${ORIGIN}:2:`);
    expect(error.message).toContain('"nohelper"');
  });

  test('a template that does not compile is a UserError naming origin:line', () => {
    const error = thrown(() => renderScript(template('echo one\necho two\necho {{x y=}}\necho four\n'), { x: 1 }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`${ORIGIN}:3: template does not compile`);
  });

  test('the script starts with #!/bin/sh and has set -eu before the body', () => {
    const rendered = renderScript(template('echo body\n'), {}, ['prelude_fn() { :; }']);
    const lines = rendered.text.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines.indexOf('set -eu')).toBeGreaterThan(0);
    expect(lines.indexOf('set -eu')).toBeLessThan(lines.indexOf('prelude_fn() { :; }'));
    expect(lines.indexOf('prelude_fn() { :; }')).toBeLessThan(lines.indexOf('echo body'));
    expect(lines[rendered.headerLines]).toBe('echo body');
    expect(rendered.text.endsWith('\n')).toBe(true);
  });

  test('a shebang in the template is not repeated', () => {
    const text = renderScript(template('#!/bin/bash\necho body\n'), {}).text;
    expect(text.match(/^#!/gm)).toHaveLength(1);
  });

  test('expressions inside nested {{#each}} and {{#if}} bodies are quoted too', () => {
    const context = { items: [{ on: true, name: 'a b' }, { on: false, name: 'skip me' }, { on: true, name: '$(x)' }] };
    const text = body('{{#each items}}\n{{#if on}}\necho {{name}}\n{{else}}\necho off {{name}}\n{{/if}}\n{{/each}}\n', context);
    expect(text).toBe("echo 'a b'\necho off 'skip me'\necho '$(x)'\n");
  });

  test('the meta helper reads metadata at boot, quoted', () => {
    expect(body('id={{meta "instance-id"}}\n')).toBe('id="$(kiln_meta instance-id)"\n');
    expect(body('x={{meta "odd key"}}\n')).toBe(`x="$(kiln_meta 'odd key')"\n`);
  });
});
