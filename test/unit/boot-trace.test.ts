import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startScript, TRACE_PREFIX } from '../../bake/boot/boot-files.js';
import { parseHttpResponse } from '../../bake/docker/exec-in.js';
import { ExternalError } from '../../bake/errors.js';
import { bootTrace, explainBootFailure } from '../../bake/verify/boot-trace.js';

const ORIGIN = 'kiln:templates/configure/service.sh.hbs';
const lines = (text: string) => text.split('\n').filter(Boolean);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-boot-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Run a configure script the way the boot script does (PS4 trace, set -x) and return its output lines as verify sees them. */
function bootConfigure(script: string): string[] {
  writeFileSync(join(dir, 'user-data'), `set -eu\n${script}`);
  const result = spawnSync('sh', ['-c', `set -x; . ${join(dir, 'user-data')}`], { env: { ...process.env, PS4: `${TRACE_PREFIX}configure: ` }, encoding: 'utf8' });
  return [...lines(result.stdout), ...lines(result.stderr), ...(result.status === 0 ? [] : ['kiln-boot: configure failed'])];
}

describe('bootTrace', () => {
  test('keeps traced commands with their phase and drops everything else', () => {
    const output = [
      'kiln-boot: configure',
      `${TRACE_PREFIX}configure: . /run/kiln/user-data`,
      `${TRACE_PREFIX}configure: mkdir -p /etc/kiln`,
      'configured i-123 as web',
      `${TRACE_PREFIX}start: node /opt/app/server.mjs`,
      `${TRACE_PREFIX}bogus: nope`,
    ];
    expect(bootTrace(output)).toEqual([
      { phase: 'configure', command: 'mkdir -p /etc/kiln' },
      { phase: 'start', command: 'node /opt/app/server.mjs' },
    ]);
  });

  test('reads a real sh -x trace', () => {
    const trace = bootTrace(bootConfigure('mkdir -p "$0.d"\necho configured\n'));
    expect(trace.map((step) => step.command)).toEqual(expect.arrayContaining(['mkdir -p sh.d', 'echo configured']));
  });
});

describe('explainBootFailure', () => {
  test('names the network command a configure script reached for', () => {
    const output = ['kiln-boot: configure', `${TRACE_PREFIX}configure: apt-get install -y curl`, 'E: Could not resolve deb.debian.org', 'kiln-boot: configure failed'];
    const error = explainBootFailure('web', 97, output, ORIGIN);
    expect(error).toBeInstanceOf(ExternalError);
    expect(error.message).toContain('role web reached for the network at boot');
    expect(error.message).toContain('`apt-get install -y curl`');
    expect(error.command).toBe('apt-get install -y curl');
    expect(error.hint).toContain(ORIGIN);
    expect(error.tail).toEqual(['kiln-boot: configure', 'E: Could not resolve deb.debian.org', 'kiln-boot: configure failed']);
  });

  test('names a network command from a real failing boot', () => {
    const output = bootConfigure('curl() { return 7; }\necho before\ncurl -fsS http://127.0.0.1:9/x\necho never\n');
    const error = explainBootFailure('web', 97, output, ORIGIN);
    expect(error.command).toBe('curl -fsS http://127.0.0.1:9/x');
  });

  test('otherwise names the last configure command, from a real failing boot', () => {
    const output = bootConfigure(`echo one\ncat ${join(dir, 'missing')}\necho never\n`);
    const error = explainBootFailure('worker', 97, output, ORIGIN);
    expect(error.message).toBe(`the configure script for role worker failed at \`cat ${join(dir, 'missing')}\``);
    expect(error.hint).toContain(ORIGIN);
  });

  test('a role that exits after configure names its start command and status', () => {
    const output = [`${TRACE_PREFIX}configure: mkdir -p /etc/kiln`, 'kiln-boot: start', `${TRACE_PREFIX}start: node /opt/app/server.mjs`, 'Error: Cannot find module'];
    const error = explainBootFailure('web', 1, output, ORIGIN);
    expect(error.message).toBe('role web exited with status 1 before turning healthy (command: `node /opt/app/server.mjs`)');
    expect(error.tail).toEqual(['kiln-boot: start', 'Error: Cannot find module']);
  });
});

describe('startScript', () => {
  const run = (command: string) => spawnSync('sh', ['-c', `${startScript(command)}echo after-exec`], { cwd: dir, encoding: 'utf8' });

  test('execs a simple command and traces it exactly', () => {
    const command = `printf '%s=%s' "it's" 'a  b'`;
    const result = run(command);
    expect(result.stdout).toBe("it's=a  b");
    expect(bootTrace(lines(result.stderr))).toEqual([{ phase: 'start', command }]);
  });

  test.each(['true && echo second', 'echo $HOME', 'echo a | cat', 'if true; then echo yes; fi', 'echo a > out.txt'])('does not exec compound %j', (command) => {
    expect(startScript(command)).not.toMatch(/^exec /m);
    expect(run(command).stdout).toMatch(/after-exec\n$/);
  });
});

describe('parseHttpResponse', () => {
  test('splits status and body', () => {
    expect(parseHttpResponse('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"version":"1.0.0"}\r\n\r\nmore')).toEqual({ status: 200, body: '{"version":"1.0.0"}\r\n\r\nmore' });
    expect(parseHttpResponse('HTTP/1.1 503 Service Unavailable\r\n\r\n')).toEqual({ status: 503, body: '' });
  });

  test('a response without a body separator has an empty body; garbage is undefined', () => {
    expect(parseHttpResponse('HTTP/1.1 404 Not Found\r\nX: y')).toEqual({ status: 404, body: '' });
    expect(parseHttpResponse('')).toBeUndefined();
    expect(parseHttpResponse('SSH-2.0-OpenSSH_9.2\r\n')).toBeUndefined();
  });
});
