import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, parseProject } from '../../bake/config/load.js';
import { KILN_ROOT } from '../../bake/kiln-root.js';

// parseProject shows the file relative to the working directory.
const FILE = join(process.cwd(), 'fixture', 'kiln.yaml');
const SHOWN = 'fixture/kiln.yaml';

const MINIMAL = `project: demo
os:
  image: debian:bookworm-slim
app:
  artifact: dist
roles:
  web:
    command: node server.mjs
    port: 8080
`;

function configError(text: string): ConfigError {
  try {
    parseProject(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProject', () => {
  test('the bundled examples/hello/kiln.yaml parses, with defaults filled in', () => {
    const file = join(KILN_ROOT, 'examples', 'hello', 'kiln.yaml');
    const text = readFileSync(file, 'utf8');
    const project = parseProject(text, file);
    expect(project.project).toBe('hello');
    expect(project.dir).toBe(join(KILN_ROOT, 'examples', 'hello'));
    expect(project.os).toMatchObject({ source: 'auto', image: 'debian:bookworm-slim', bootstrap: { suite: 'bookworm', variant: 'minbase', include: [] } });
    expect(project.os.bootstrap?.mirror).toBeUndefined();
    expect(project.packages.apt).toEqual(['nodejs']);
    expect(project.roles.worker).toEqual({ command: 'node /opt/app/worker.mjs', count: 1, configure: 'configure/service' });
    expect(project.roles.web).toMatchObject({ port: 8080, health: '/health', count: 2 });
    expect(project.tests.image.map((spec) => spec.status)).toEqual([200, 200]);
    expect(project.tests.production[0]).toEqual({ name: 'health through the load balancer', http: '/health', status: 200 });
    expect(project.verify.timeout).toBe(30);
    const portLine = text.split('\n').findIndex((line) => line.startsWith('    port: 8080')) + 1;
    expect(project.positionOf('roles.web.port')).toEqual({ line: portLine, col: 11 });
  });

  test('a minimal file gets every default', () => {
    const project = parseProject(MINIMAL, FILE);
    expect(project.os).toEqual({ source: 'auto', image: 'debian:bookworm-slim', template: 'os/debian', files: [] });
    expect(project.packages).toEqual({ apt: [], template: 'packages/apt', scripts: [], files: [] });
    expect(project.app).toEqual({ artifact: 'dist', install_dir: '/opt/app', template: 'app/install', network: false });
    expect(project.roles).toEqual({ web: { command: 'node server.mjs', port: 8080, count: 1, configure: 'configure/service' } });
    expect(project.tests).toEqual({ image: [], production: [] });
    expect(project.vars).toEqual({});
    expect(project.verify).toEqual({ timeout: 30 });
  });

  test('malformed YAML is a ConfigError with file:line:col', () => {
    const error = configError('project: hello\nproject: again\n');
    expect(error.issues[0]).toMatchObject({ field: '(yaml)', line: 2, col: 1 });
    expect(error.message).toMatch(new RegExp(`^  ${SHOWN}:2:1: \\(yaml\\): `, 'm'));
  });

  test('a wrong field type names the field and its line', () => {
    const error = configError(MINIMAL.replace('port: 8080', 'port: eighty'));
    expect(error.issues).toEqual([{ field: 'roles.web.port', line: 9, col: 11, message: 'expected an integer, got string "eighty"' }]);
    expect(error.message).toContain(`${SHOWN}:9:11: roles.web.port: expected an integer`);
  });

  test('an unknown key suggests the right one', () => {
    const error = configError(`${MINIMAL}pakages:\n  apt: [curl]\n`);
    expect(error.issues).toEqual([{ field: 'pakages', line: 10, col: 1, message: expect.stringContaining('did you mean `packages`?') }]);
  });

  test('a missing required project is named', () => {
    const error = configError(MINIMAL.replace('project: demo\n', ''));
    expect(error.issues).toEqual([{ field: 'project', line: 1, col: 1, message: expect.stringMatching(/^is required/) }]);
    expect(error.message).toContain(`${SHOWN}:1:1: project: is required`);
  });

  test('roles: {} is an error at the empty mapping', () => {
    const error = configError(MINIMAL.replace(/roles:[^]*$/, 'roles: {}\n'));
    expect(error.issues).toEqual([{ field: 'roles', line: 6, col: 8, message: expect.stringContaining('define at least one role') }]);
  });

  test('a test naming a role that does not exist is an error at that role', () => {
    const error = configError(`${MINIMAL}tests:\n  image:\n    - name: db answers\n      run: pg_isready\n      role: db\n`);
    expect(error.issues).toEqual([{ field: 'tests.image[0].role', line: 14, col: 13, message: 'no role named "db" (roles: web)' }]);
  });

  test('a role name that is not a safe word is refused', () => {
    const error = configError(MINIMAL.replace('  web:', '  web;touch /tmp/x:'));
    expect(error.issues).toEqual([{ field: 'roles.web;touch /tmp/x', line: 7, col: 3, message: expect.stringContaining('is not a valid name') }]);
  });

  test('an enum typo suggests the right value', () => {
    const error = configError(MINIMAL.replace('os:\n', 'os:\n  source: imag\n'));
    expect(error.issues).toEqual([{ field: 'os.source', line: 3, col: 11, message: expect.stringContaining('(did you mean `image`?)') }]);
  });

  test('every problem is listed, not just the first', () => {
    const error = configError(MINIMAL.replace('port: 8080', 'port: 0').replace('  artifact: dist\n', '  artifact: dist\n  install_dir: opt/app\n'));
    expect(error.issues.map((issue) => [issue.field, issue.line, issue.col])).toEqual([['app.install_dir', 6, 16], ['roles.web.port', 10, 11]]);
    expect(error.issues[1]?.message).toBe('must be between 1 and 65535, got 0');
  });
});
