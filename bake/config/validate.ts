import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { Schema } from './schema-types.js';

/** One problem in a config file, with where it is. */
export interface ConfigIssue {
  field: string;
  line: number;
  col: number;
  message: string;
}

interface Context {
  doc: Document;
  lines: LineCounter;
  issues: ConfigIssue[];
}

/** Validate a parsed YAML document against a schema; returns the value with defaults filled in. */
export function validateDocument(doc: Document, lines: LineCounter, schema: Schema): { value: unknown; issues: ConfigIssue[] } {
  const context: Context = { doc, lines, issues: [] };
  const value = check(doc.contents as Node | null, schema, '', context, doc.contents as Node | null);
  return { value, issues: context.issues };
}

function report(context: Context, node: Node | null | undefined, field: string, message: string): void {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = context.lines.linePos(offset);
  context.issues.push({ field: field || '(top level)', line, col, message });
}

function describe(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'something else';
}

function isEmpty(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function check(raw: Node | null, schema: Schema, field: string, context: Context, parent: Node | null): unknown {
  const node = raw !== null && isAlias(raw) ? (raw.resolve(context.doc) as Node | undefined) ?? null : raw;
  const where = node ?? parent;
  // An empty section (`bootstrap:`) means "all defaults", even where absence means "none".
  if (isEmpty(node)) {
    if (schema.type === 'object') {
      for (const [key, fieldSchema] of Object.entries(schema.fields)) {
        if (fieldSchema.required) report(context, where, field ? `${field}.${key}` : key, `is required: ${fieldSchema.doc}`);
      }
    }
    return defaultOf(schema);
  }
  switch (schema.type) {
    case 'any':
      return (node as Node).toJSON();
    case 'string': {
      if (!isScalar(node) || typeof node.value !== 'string') {
        return report(context, where, field, `expected ${schema.enum ? `one of ${schema.enum.join(', ')}` : 'a string'}, got ${describe(node)}`);
      }
      const text = node.value;
      if (schema.enum && !schema.enum.includes(text)) {
        const guess = didYouMean(text, schema.enum);
        return report(context, where, field, `must be one of ${schema.enum.join(', ')}, got ${JSON.stringify(text)}${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
      }
      if (schema.pattern && !schema.pattern.test(text)) {
        return report(context, where, field, `${JSON.stringify(text)} is not valid: expected ${schema.patternHint ?? schema.pattern.source}`);
      }
      return text;
    }
    case 'integer': {
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
        return report(context, where, field, `expected an integer, got ${describe(node)}`);
      }
      const number = node.value;
      if ((schema.min !== undefined && number < schema.min) || (schema.max !== undefined && number > schema.max)) {
        return report(context, where, field, `must be between ${schema.min ?? '-∞'} and ${schema.max ?? '∞'}, got ${number}`);
      }
      return number;
    }
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') return report(context, where, field, `expected true or false, got ${describe(node)}`);
      return node.value;
    case 'list': {
      if (!isSeq(node)) return report(context, where, field, `expected a list, got ${describe(node)}`);
      return node.items.map((item, index) => check(item as Node, schema.of, `${field}[${index}]`, context, node));
    }
    case 'map': {
      if (!isMap(node)) return report(context, where, field, `expected a mapping, got ${describe(node)}`);
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const path = field ? `${field}.${key}` : key;
        if (!schema.key.test(key)) {
          report(context, pair.key as Node, path, `${JSON.stringify(key)} is not a valid name: expected ${schema.keyHint}`);
          continue;
        }
        out[key] = check(pair.value as Node | null, schema.of, path, context, pair.key as Node);
      }
      return out;
    }
    case 'object': {
      if (!isMap(node)) return report(context, where, field, `expected a mapping, got ${describe(node)}`);
      const out: Record<string, unknown> = {};
      const known = Object.keys(schema.fields);
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const path = field ? `${field}.${key}` : key;
        const fieldSchema = schema.fields[key];
        if (!fieldSchema) {
          const guess = didYouMean(key, known);
          report(context, pair.key as Node, path, `unknown field${guess ? `: did you mean \`${guess}\`?` : ''} (known: ${known.join(', ')})`);
          continue;
        }
        seen.set(key, pair.key as Node);
        out[key] = check(pair.value as Node | null, fieldSchema, path, context, pair.key as Node);
      }
      for (const [key, fieldSchema] of Object.entries(schema.fields)) {
        if (out[key] !== undefined || (seen.has(key) && !isEmpty(findValue(node, key)))) continue;
        if (fieldSchema.required && !seen.has(key)) report(context, node, field ? `${field}.${key}` : key, `is required: ${fieldSchema.doc}`);
        else if (fieldSchema.required) report(context, seen.get(key), field ? `${field}.${key}` : key, `must not be empty: ${fieldSchema.doc}`);
        const fallback = fieldSchema.type === 'object' && fieldSchema.presenceMatters ? undefined : defaultOf(fieldSchema);
        if (fallback !== undefined) out[key] = fallback;
      }
      const problem = schema.check?.(out);
      if (problem) {
        const at = problem.field ? (node.items.find((pair) => isScalar(pair.key) && pair.key.value === problem.field)?.key as Node | undefined) ?? node : node;
        report(context, at, problem.field ? (field ? `${field}.${problem.field}` : problem.field) : field, problem.message);
      }
      return out;
    }
  }
}

function findValue(map: Node, key: string): Node | null | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key)?.value as Node | null | undefined;
}

function defaultOf(schema: Schema): unknown {
  switch (schema.type) {
    case 'list':
      return [];
    case 'map':
      return {};
    case 'object':
      // An absent optional section still gets its nested defaults.
      return Object.fromEntries(
        Object.entries(schema.fields).flatMap(([key, field]) => {
          const value = defaultOf(field);
          return value === undefined || (field.type === 'object' && field.presenceMatters) ? [] : [[key, value]];
        }),
      );
    case 'any':
      return undefined;
    default:
      return schema.default;
  }
}
