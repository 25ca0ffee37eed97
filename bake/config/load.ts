import { readFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { UserError } from '../errors.js';
import type { Project } from './project.js';
import { kilnSchema } from './schema.js';
import { validateDocument, type ConfigIssue } from './validate.js';

export const CONFIG_NAME = 'kiln.yaml';

/** A config file that does not validate; lists every problem with file:line:col. */
export class ConfigError extends UserError {
  constructor(readonly file: string, readonly issues: ConfigIssue[]) {
    const shown = relative(process.cwd(), file) || file;
    super(
      `${shown} is not valid:\n` + issues.map((issue) => `  ${shown}:${issue.line}:${issue.col}: ${issue.field}: ${issue.message}`).join('\n'),
      `fix the field${issues.length > 1 ? 's' : ''} above; examples/hello/kiln.yaml documents every field`,
    );
  }
}

/** Find kiln.yaml for a project directory (or a path to the file itself). */
export function locateConfig(path = '.'): string {
  const full = resolve(path);
  const file = existsSync(full) && statSync(full).isDirectory() ? join(full, CONFIG_NAME) : full;
  if (!existsSync(file)) {
    throw new UserError(`no ${CONFIG_NAME} in ${relative(process.cwd(), full) || '.'}`, 'run `kiln init` to create one, or pass -C <project dir>');
  }
  return file;
}

/** Read and validate kiln.yaml; nothing else happens until this passes. */
export async function loadProject(path = '.'): Promise<Project> {
  const file = locateConfig(path);
  return parseProject(await readFile(file, 'utf8'), file);
}

/** Parse and validate config text; pure apart from the path it is told. */
export function parseProject(text: string, file: string): Project {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((error) => {
      const at = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      return { field: '(yaml)', line: at.line, col: at.col, message: error.message.split('\n')[0]! };
    }));
  }
  if (doc.contents === null) throw new ConfigError(file, [{ field: '(top level)', line: 1, col: 1, message: 'the file is empty' }]);
  const { value, issues } = validateDocument(doc, lines, kilnSchema);
  const positionOf = (field: string) => {
    const node = findNode(doc.contents as Node, field.replace(/\[(\d+)\]/g, '.$1').split('.'));
    return node?.range ? lines.linePos(node.range[0]) : undefined;
  };
  const project = { ...(value as object), file: resolve(file), dir: resolve(file, '..'), positionOf } as Project;
  if (issues.length === 0) issues.push(...semanticIssues(project));
  if (issues.length > 0) throw new ConfigError(file, issues);
  return project;
}

/** Rules that span sections: they run only once every field has the right shape. */
function semanticIssues(project: Project): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (field: string, message: string) => {
    const position = project.positionOf(field) ?? { line: 1, col: 1 };
    issues.push({ field, ...position, message });
  };
  const roles = Object.keys(project.roles);
  if (roles.length === 0) at('roles', 'define at least one role, e.g. `web:` with a `command`');
  const lbRole = project.release.role;
  if (lbRole !== undefined && !project.roles[lbRole]) at('release.role', `no role named ${JSON.stringify(lbRole)} (roles: ${roles.join(', ')})`);
  else if (lbRole !== undefined && (project.roles[lbRole]!.port === undefined || project.roles[lbRole]!.health === undefined)) at('release.role', `role ${lbRole} needs a \`port\` and a \`health\` path to sit behind the load balancer`);
  if (!project.release.tag.includes('{n}')) at('release.tag', 'the tag pattern must contain {n} so every release gets its own tag');
  for (const kind of ['image', 'production'] as const) {
    project.tests[kind].forEach((test, index) => {
      const field = `tests.${kind}[${index}]`;
      if (test.role !== undefined && !project.roles[test.role]) {
        at(`${field}.role`, `no role named ${JSON.stringify(test.role)} (roles: ${roles.join(', ')})`);
      }
      const role = test.role ?? roles.find((name) => project.roles[name]?.port !== undefined);
      if (test.http !== undefined && (role === undefined || project.roles[role]?.port === undefined)) {
        at(field, 'an http test needs a role with a `port`');
      }
    });
  }
  return issues;
}

function findNode(node: Node | null, path: string[]): Node | undefined {
  let current: Node | null | undefined = node;
  for (const part of path) {
    if (current && isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === part);
      current = (pair?.value ?? pair?.key) as Node | undefined;
    } else if (current && 'items' in current && Array.isArray((current as { items: unknown[] }).items)) {
      current = (current as unknown as { items: Node[] }).items[Number(part)];
    } else {
      return undefined;
    }
  }
  return current ?? undefined;
}
