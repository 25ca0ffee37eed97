/** A tiny declarative schema: it validates kiln.yaml and documents every field. */
export type Schema = StringSchema | IntegerSchema | BooleanSchema | ListSchema | ObjectSchema | MapSchema | AnySchema;

interface Common {
  doc: string;
  required?: boolean;
}
export interface StringSchema extends Common {
  type: 'string';
  default?: string;
  enum?: readonly string[];
  pattern?: RegExp;
  /** Says in words what `pattern` accepts. */
  patternHint?: string;
}
export interface IntegerSchema extends Common {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}
export interface BooleanSchema extends Common {
  type: 'boolean';
  default?: boolean;
}
export interface ListSchema extends Common {
  type: 'list';
  of: Schema;
}
export interface ObjectSchema extends Common {
  type: 'object';
  fields: Record<string, Schema>;
  /** When absent, the section stays absent instead of taking its fields' defaults. */
  presenceMatters?: boolean;
  /** Cross-field rules; returns a message naming the field at fault, or nothing. */
  check?: (value: Record<string, unknown>) => { field?: string; message: string } | undefined;
}
export interface MapSchema extends Common {
  type: 'map';
  key: RegExp;
  keyHint: string;
  of: Schema;
}
export interface AnySchema extends Common {
  type: 'any';
}
