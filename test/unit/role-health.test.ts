import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { roleHealthCommand } from '../../simulate/aws/role-health-over-ssm.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-role-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the command with stand-ins for curl (answers after `failures` refusals), sleep and cloud-init on PATH. */
function runWith(failures: number, timeoutSeconds: number): { status: number | null; stderr: string; calls: string[] } {
  const bin = join(dir, `bin-${failures}-${timeoutSeconds}`);
  mkdirSync(bin, { recursive: true });
  const log = join(bin, 'calls');
  writeFileSync(log, '');
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  stub('curl', `echo "curl $*" >> '${log}'; n=$(grep -c '^curl' '${log}'); [ "$n" -gt ${failures} ]`);
  stub('sleep', 'exit 0');
  stub('cloud-init', `echo "cloud-init $*" >> '${log}'`);
  const result = spawnSync('sh', ['-c', roleHealthCommand(8080, '/health', timeoutSeconds)], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, calls: readFileSync(log, 'utf8').trim().split('\n') };
}

describe('the role health check run on an EC2 instance over SSM', () => {
  it('waits for cloud-init, then asks the health path until it answers', () => {
    const result = runWith(3, 60);
    expect(result.status).toBe(0);
    expect(result.calls[0]).toBe('cloud-init status --wait');
    expect(result.calls.slice(1)).toEqual(Array(4).fill('curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8080/health'));
  });

  it('gives up after the timeout, saying so', () => {
    const result = runWith(1000, 6);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not healthy after 6s');
    expect(result.calls.filter((call) => call.startsWith('curl')).length).toBe(3);
  });

  it('is clean under shellcheck', () => {
    const file = join(dir, 'health.sh');
    writeFileSync(file, `#!/bin/sh\n${roleHealthCommand(8080, "/he alth'", 60)}\n`);
    execFileSync('shellcheck', ['-s', 'sh', '-S', 'warning', file]);
  });
});

describe('--plan with an instance role', () => {
  it('shows step 7 asking each instance over SSM whether its role is healthy', async () => {
    const { parseProject } = await import('../../bake/config/load.js');
    const { planAwsRelease } = await import('../../simulate/aws/plan.js');
    const yaml = (aws: string) => `project: demo\nos:\n  image: debian:bookworm-slim\napp:\n  artifact: dist\nroles:\n  web:\n    command: node server.mjs\n    port: 8080\n    health: /health\n${aws}`;
    const steps = async (aws: string) => (await planAwsRelease(parseProject(yaml(aws), join(dir, 'kiln.yaml')), 'prod')).filter((call) => call.step === '7 launch').map((call) => `${call.service}.${call.action}`);
    expect(await steps('aws:\n  instance_profile: kiln-ssm\n')).toEqual(['ec2.RunInstances', 'ssm.DescribeInstanceInformation', 'ssm.SendCommand', 'ssm.GetCommandInvocation']);
    expect(await steps('')).toEqual(['ec2.RunInstances']);
  });
});
