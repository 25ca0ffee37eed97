import { describe, expect, test } from 'vitest';
import { networkUse, networkUseInScript } from '../../bake/lint/network-commands.js';

describe('networkUse', () => {
  test.each([
    'apt-get install -y curl',
    'apt-get -q update',
    'apt update',
    'curl -fsS http://127.0.0.1:9/x',
    'wget -qO- https://example.com/setup.sh | sh',
    'npm install',
    'npm ci --omit=dev',
    'pip install requests',
    'python3 -m pip install requests',
    'git clone https://github.com/example/repo.git',
    'cd /opt && git pull',
    'docker pull debian',
    'apk add curl',
  ])('flags %j', (line) => {
    expect(networkUse(line)?.command).toBe(line);
  });

  test.each([
    'echo hi',
    'mkdir -p /etc/kiln',
    'cat file',
    'echo "KILN_ROLE=$role" > /etc/kiln/env',
    'apt-cache policy nodejs',
    'echo curly braces',
    'node /opt/app/server.mjs',
    '# apt-get install -y curl',
    '   # curl http://example.com',
    '',
  ])('ignores %j', (line) => {
    expect(networkUse(line)).toBeUndefined();
  });

  test('a trailing comment is not code, but the code before it still counts', () => {
    expect(networkUse('echo done # then curl it')).toBeUndefined();
    expect(networkUse('curl -fsS http://x/ # fetch')?.command).toBe('curl -fsS http://x/');
  });

  test('says why', () => {
    expect(networkUse('apt-get install -y curl')?.why).toMatch(/apt/);
    expect(networkUse('git clone x')?.why).toMatch(/remote repository/);
  });
});

describe('networkUseInScript', () => {
  test('reports each offending line with its 1-based line number', () => {
    const script = ['# set up', 'mkdir -p /etc/kiln', 'apt-get update', 'echo ok', 'curl -o /tmp/x http://h/x'].join('\n');
    expect(networkUseInScript(script).map(({ line, command }) => [line, command])).toEqual([
      [3, 'apt-get update'],
      [5, 'curl -o /tmp/x http://h/x'],
    ]);
  });
});
