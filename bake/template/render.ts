import Handlebars from 'handlebars';
import { UserError } from '../errors.js';
import { shellQuote, shellWords } from './shell-quote.js';
import type { TemplateSource } from './locate.js';

/** A shell script rendered from a template, ready to run or hash. */
export interface RenderedScript {
  template: TemplateSource;
  /** The full script, header included. */
  text: string;
  /** Lines kiln put above the template's first line. */
  headerLines: number;
}

type AST = hbs.AST.Program;
type Mustache = hbs.AST.MustacheStatement;

// Helpers whose output is already shell-safe; every other {{expression}} is wrapped in `shq`.
const SAFE_HELPERS = new Set(['shq', 'words', 'raw', 'meta', 'secret']);

const engine = Handlebars.create();
/** A value a template cannot use, found while rendering; renderScript adds the template's name. */
class TemplateValueError extends Error {
  constructor(readonly variable: string, readonly line: number | undefined, readonly missing: boolean, message: string, cause?: unknown) {
    super(message, { cause });
  }
}

engine.registerHelper('shq', (value: unknown, options: Handlebars.HelperOptions) => {
  const name = String(options.hash.name ?? 'value');
  const line = typeof options.hash.line === 'number' ? options.hash.line : undefined;
  // Strict mode does not check helper arguments, so an undefined value is caught here.
  if (value === undefined) throw new TemplateValueError(name, line, true, `template variable ${JSON.stringify(name)} is not defined`);
  try {
    return shellQuote(value, name);
  } catch (error) {
    throw new TemplateValueError(name, line, false, (error as Error).message, error);
  }
});
engine.registerHelper('words', (value: unknown, options: Handlebars.HelperOptions) => shellWords(defined(value, options), String(options.hash.name)));
engine.registerHelper('raw', (value: unknown, options: Handlebars.HelperOptions) => String(defined(value, options) ?? ''));

// A secret is read from the instance's tmpfs at boot; its value never enters a script, a layer or a log.
engine.registerHelper('secret', (name: unknown, options: Handlebars.HelperOptions) => {
  const policy = (options.data as { kiln?: SecretPolicy }).kiln ?? { declared: [], allowed: false };
  const line = options.hash.line as number | undefined;
  if (typeof name !== 'string' || !policy.declared.includes(name)) {
    throw new TemplateValueError(String(name), line, false, `secret ${JSON.stringify(name)} is not declared (declared: ${policy.declared.join(', ') || 'none'}); add it under \`secrets:\` in kiln.yaml`);
  }
  if (!policy.allowed) {
    throw new TemplateValueError(name, line, false, `secret ${name} is used in a layer template: a layer is baked into the image, so the secret would ship with it; read secrets only in configure templates, at boot`);
  }
  return `"$(kiln_secret ${shellQuote(name, 'secret name')})"`;
});

/** Helper arguments escape strict mode's checks; every helper that takes a variable checks it here. */
function defined(value: unknown, options: Handlebars.HelperOptions): unknown {
  if (value === undefined) {
    const name = String(options.hash.name ?? 'value');
    throw new TemplateValueError(name, options.hash.line as number | undefined, true, `template variable ${JSON.stringify(name)} is not defined`);
  }
  return value;
}
// Boot-time metadata is read on the instance, never baked: emits a quoted command substitution.
engine.registerHelper('meta', (key: unknown) => `"$(kiln_meta ${shellQuote(key, 'meta key')})"`);

/** Render a template into a script that starts with `set -eu`; `{{x}}` is always shell-quoted. */
/** Which secrets a template may name, and whether it may use them at all (only configure templates run at boot). */
export interface SecretPolicy {
  declared: readonly string[];
  allowed: boolean;
}

export function renderScript(template: TemplateSource, context: Record<string, unknown>, prelude: string[] = [], secrets: SecretPolicy = { declared: [], allowed: false }): RenderedScript {
  const where = template.origin;
  let ast: AST;
  try {
    ast = Handlebars.parse(template.text.replace(/^#!.*/, '')); // keep the line, so line numbers match the file
  } catch (error) {
    const line = /on line (\d+)/.exec(String((error as Error).message))?.[1];
    const detail = String((error as Error).message).split('\n').slice(-1)[0];
    throw new UserError(`${where}${line ? `:${line}` : ''}: template does not compile: ${detail}`, 'check the {{ }} syntax near that line', { cause: error });
  }
  quoteEveryExpression(ast, where);
  let body: string;
  try {
    body = engine.compile(ast as unknown as string, { strict: true, noEscape: false })(context, { data: { kiln: secrets } });
  } catch (error) {
    if (error instanceof TemplateValueError) {
      throw new UserError(`${where}${error.line ? `:${error.line}` : ''}: ${error.message}`, error.missing ? `available: ${Object.keys(context).join(', ')}; define your own under \`vars:\` in kiln.yaml and use {{vars.NAME}}` : (error.cause as UserError | undefined)?.hint);
    }
    if (error instanceof UserError) throw error;
    const at = error as { lineNumber?: number; message: string };
    const missing = /^"([^"]+)" not defined/.exec(at.message)?.[1];
    const place = `${where}${at.lineNumber ? `:${at.lineNumber}` : ''}`;
    if (missing) {
      throw new UserError(`${place}: template variable ${JSON.stringify(missing)} is not defined`, `available: ${Object.keys(context).join(', ')}; define your own under \`vars:\` in kiln.yaml and use {{vars.NAME}}`, { cause: error });
    }
    throw new UserError(`${place}: template failed: ${at.message}`, undefined, { cause: error });
  }
  const header = ['#!/bin/sh', `# rendered by kiln from ${where}; edit the template, not this file`, 'set -eu', ...prelude];
  return { template, text: `${header.join('\n')}\n${body.endsWith('\n') ? body : `${body}\n`}`, headerLines: header.length };
}

/** Rewrite the AST so `{{x}}` becomes `{{shq x}}`; `{{{x}}}` is refused in favour of the visible `{{raw x}}`. */
function quoteEveryExpression(node: unknown, where: string): void {
  if (Array.isArray(node)) return node.forEach((child) => quoteEveryExpression(child, where));
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.type === 'MustacheStatement') return quoteMustache(record as unknown as Mustache, where);
  for (const key of ['body', 'program', 'inverse']) quoteEveryExpression(record[key], where);
}

function quoteMustache(mustache: Mustache, where: string): void {
  const line = mustache.loc?.start.line;
  const path = mustache.path as hbs.AST.PathExpression;
  if (!mustache.escaped) {
    throw new UserError(`${where}:${line}: {{{${path.original ?? '…'}}}} would insert raw text into a shell script`, `use {{raw ${path.original ?? 'x'}}} if you really mean unquoted text; plain {{x}} is shell-quoted`);
  }
  mustache.escaped = false;
  if (path.type === 'PathExpression' && SAFE_HELPERS.has(path.original)) {
    const first = mustache.params[0];
    mustache.hash = locationHash(first?.type === 'PathExpression' ? (first as hbs.AST.PathExpression).original : 'value', line ?? 0, mustache.loc);
    return;
  }
  const inner: hbs.AST.Expression =
    mustache.params.length === 0 && !mustache.hash
      ? mustache.path
      : ({ type: 'SubExpression', path: mustache.path, params: mustache.params, hash: mustache.hash, loc: mustache.loc } as hbs.AST.SubExpression);
  const name = path.type === 'PathExpression' ? path.original : 'value';
  mustache.path = { type: 'PathExpression', data: false, depth: 0, parts: ['shq'], original: 'shq', loc: mustache.loc } as hbs.AST.PathExpression;
  mustache.params = [inner];
  mustache.hash = locationHash(name, line ?? 0, mustache.loc);
}

/** name="…" line=N, so helpers can say which variable on which line is at fault. */
function locationHash(name: string, line: number, loc: hbs.AST.SourceLocation): hbs.AST.Hash {
  return {
    type: 'Hash',
    loc,
    pairs: [
      { type: 'HashPair', key: 'name', value: { type: 'StringLiteral', value: name, original: name, loc }, loc } as hbs.AST.HashPair,
      { type: 'HashPair', key: 'line', value: { type: 'NumberLiteral', value: line, original: line, loc }, loc } as hbs.AST.HashPair,
    ],
  };
}
