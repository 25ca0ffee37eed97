import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { ConfigError, loadProject, parseProject } from '../../bake/config/load.js';
import type { Project, TestSpec } from '../../bake/config/project.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { KilnEvent } from '../../bake/events.js';
import type { AwsApi } from '../../simulate/aws/api.js';
import { planAwsRelease } from '../../simulate/aws/plan.js';
import { ec2, ssm, type AwsRequest } from '../../simulate/aws/requests.js';
import { abortableSleep, pollUntil } from '../../simulate/aws/poll-until.js';
import { awaitInvocation, commandWaitSeconds, imageTestRequests, interpretInvocation, probeVerdict, requireInstanceProfile, runImageTestsOverSsm, runShellOverSsm, testCommandLine, type InvocationAnswer } from '../../simulate/aws/run-command.js';
import { pingStatus, registrationSeconds } from '../../simulate/aws/ssm-online.js';

const FILE = join(process.cwd(), 'fixture', 'kiln.yaml');
const project = (extra = '', aws = '  instance_profile: kiln-ssm\n'): Project => parseProject(`project: demo
os:
  image: debian:bookworm-slim
app:
  artifact: dist
roles:
  web:
    command: node server.mjs
    port: 8080
  worker:
    command: sleep infinity
release:
  timeout: 45
aws:
${aws}${extra}`, FILE);
const withTests = (tests: string, aws?: string) => project(`tests:\n  image:\n${tests}`, aws);
const http = (path: string, extra: Partial<TestSpec> = {}): TestSpec => ({ name: `GET ${path}`, http: path, status: 200, ...extra });

/** Run a built command line with the local /bin/sh, as AWS-RunShellScript would on the instance. */
function sh(line: string) {
  const result = spawnSync('sh', ['-c', line], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking the event loop: for lines that talk to a server in this process. */
function shAsync(line: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', line], { env: { PATH: process.env.PATH } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ exitCode: code ?? -1, stdout, stderr })));
}

/** A stand-in for AwsApi that answers from a script of responses, recording what it was sent. */
function scriptedApi(answer: (request: AwsRequest, count: number) => unknown) {
  const sent: AwsRequest[] = [];
  const api = {
    sent,
    async send(request: AwsRequest) {
      sent.push(request);
      const reply = answer(request, sent.filter((r) => r.action === request.action).length);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
  return api as unknown as AwsApi & { sent: AwsRequest[] };
}
// How AwsApi wraps an SDK error: the SDK's error, with its name, is the cause.
const awsError = (name: string) => Object.assign(new ExternalError(`ssm failed: ${name}`), { cause: Object.assign(new Error(name), { name }) });
const events = () => {
  const seen: KilnEvent[] = [];
  return { seen, emit: (event: KilnEvent) => void seen.push(event) };
};

describe('SSM request builders', () => {
  test('SendCommand runs one line with AWS-RunShellScript, bounded in delivery and in execution', () => {
    expect(ssm.sendCommand('i-0abc', 'echo hi', { timeoutSeconds: 45, comment: 'kiln image test: x' })).toEqual({
      service: 'ssm', action: 'SendCommand', reversible: true, undo: 'none: the instance it ran on is terminated if the release fails',
      input: { InstanceIds: ['i-0abc'], DocumentName: 'AWS-RunShellScript', Comment: 'kiln image test: x', TimeoutSeconds: 45, Parameters: { commands: ['echo hi'], executionTimeout: ['45'] } },
    });
  });

  test('SendCommand keeps within AWS limits: delivery timeout at least 30 s, comment at most 100 characters', () => {
    const input = ssm.sendCommand('i-0abc', 'true', { timeoutSeconds: 5, comment: 'c'.repeat(150) }).input as { TimeoutSeconds: number; Comment: string; Parameters: { executionTimeout: string[] } };
    expect(input.TimeoutSeconds).toBe(30);
    expect(input.Parameters.executionTimeout).toEqual(['5']);
    expect(input.Comment).toHaveLength(100);
  });

  test('CancelCommand names the command and the one instance kiln stopped watching it on', () => {
    expect(ssm.cancelCommand('cmd-1', 'i-0abc')).toEqual({ service: 'ssm', action: 'CancelCommand', reversible: false, input: { CommandId: 'cmd-1', InstanceIds: ['i-0abc'] } });
  });

  test('GetCommandInvocation and DescribeInstanceInformation name exactly one instance', () => {
    expect(ssm.getCommandInvocation('cmd-1', 'i-0abc')).toEqual({ service: 'ssm', action: 'GetCommandInvocation', reversible: true, input: { CommandId: 'cmd-1', InstanceId: 'i-0abc' } });
    expect(ssm.describeInstanceInformation('i-0abc')).toEqual({ service: 'ssm', action: 'DescribeInstanceInformation', reversible: true, input: { Filters: [{ Key: 'InstanceIds', Values: ['i-0abc'] }] } });
  });

  test('RunInstances carries IamInstanceProfile only when a profile is given', () => {
    const base = { imageId: 'ami-1', instanceType: 't3.micro', userData: '#!/bin/sh', clientToken: 't', tags: {} };
    expect(ec2.runInstance({ ...base, instanceProfile: 'kiln-ssm' }).input.IamInstanceProfile).toEqual({ Name: 'kiln-ssm' });
    expect(ec2.runInstance(base).input).not.toHaveProperty('IamInstanceProfile');
  });
});

describe('aws.instance_profile', () => {
  test('is an optional IAM instance profile name', () => {
    expect(project().aws.instance_profile).toBe('kiln-ssm');
    expect(project('', '  region: us-east-1\n').aws.instance_profile).toBeUndefined();
    expect(() => project('', '  instance_profile: "no spaces allowed"\n')).toThrow(ConfigError);
  });

  test('missing, image tests on AWS stop with a user error that says what to set', () => {
    const error = (() => { try { requireInstanceProfile(project('', '  region: us-east-1\n')); } catch (caught) { return caught; } })() as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('aws.instance_profile');
    expect(error.hint).toContain('AmazonSSMManagedInstanceCore');
    expect(() => requireInstanceProfile(project())).not.toThrow();
  });
});

describe('testCommandLine', () => {
  test('a run test gets KILN_URL and KILN_PORT, and its exit status is the line\'s', () => {
    const line = testCommandLine({ name: 'env', run: 'echo "$KILN_URL $KILN_PORT"; exit 3', status: 200 }, 8080);
    expect(line).toBe(`env KILN_URL=http://127.0.0.1:8080 KILN_PORT=8080 sh -c 'echo "$KILN_URL $KILN_PORT"; exit 3'`);
    expect(sh(line)).toMatchObject({ exitCode: 3, stdout: 'http://127.0.0.1:8080 8080\n' });
  });

  test('a role without a port runs the script with no KILN_ variables', () => {
    expect(testCommandLine({ name: 'file', run: 'test -f /etc/hostname', status: 200 }, undefined)).toBe(`sh -c 'test -f /etc/hostname'`);
  });

  test('hostile text in a script or a path stays one inert word', () => {
    const run = testCommandLine({ name: 'quote', run: `printf '%s' "it's"`, status: 200 }, undefined);
    expect(sh(run).stdout).toBe("it's");
    const probe = testCommandLine(http("/x'$(touch /tmp/kiln-pwned)"), 9);
    expect(probe).toBe(`curl -sS -i --max-time 10 'http://127.0.0.1:9/x'\\''$(touch /tmp/kiln-pwned)'`);
  });
});

describe('the http probe, run with the local curl against a local server', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/version') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.0.0"}\nsecond line');
      response.writeHead(404).end('no such page');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const probe = async (test: TestSpec) => {
    const result = await shAsync(testCommandLine(test, port));
    return probeVerdict(test, result.exitCode, result.stdout, result.stderr);
  };

  test('passes on the expected status and text', async () => {
    expect(await probe(http('/version', { contains: '"version":"1.0.0"' }))).toBeUndefined();
    expect(await probe(http('/missing', { status: 404 }))).toBeUndefined();
  });

  test('fails on another status, or text the body lacks, showing the body', async () => {
    expect(await probe(http('/missing'))).toEqual({ message: 'GET /missing answered 404, expected 200', output: ['no such page'] });
    expect(await probe(http('/version', { contains: '2.0.0' }))).toEqual({ message: 'GET /version body does not contain "2.0.0"', output: ['{"version":"1.0.0"}', 'second line'] });
  });

  test('nothing listening: no HTTP response, with curl\'s reason', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const free = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const test = http('/version');
    const result = await shAsync(testCommandLine(test, free));
    expect(probeVerdict(test, result.exitCode, result.stdout, result.stderr)).toMatchObject({ message: 'GET /version got no HTTP response', output: [expect.stringMatching(/^curl: \(7\)/)] });
  });
});

describe('probeVerdict', () => {
  const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\nworld';
  test('reads curl -i output, with or without carriage returns', () => {
    expect(probeVerdict(http('/', { contains: 'world' }), 0, raw, '')).toBeUndefined();
    expect(probeVerdict(http('/', { contains: 'world' }), 0, raw.replace(/\r/g, ''), '')).toBeUndefined();
    expect(probeVerdict(http('/', { contains: 'Content-Type' }), 0, raw, '')?.message).toBe('GET / body does not contain "Content-Type"');
  });

  test('no response: curl\'s complaint is the output; a missing curl is named', () => {
    expect(probeVerdict(http('/'), 7, '', 'curl: (7) Failed to connect to 127.0.0.1 port 8080\n')).toEqual({ message: 'GET / got no HTTP response', output: ['curl: (7) Failed to connect to 127.0.0.1 port 8080'] });
    expect(probeVerdict(http('/'), 127, '', 'sh: 1: curl: not found\n')?.message).toContain('needs curl on the instance');
  });
});

describe('interpretInvocation', () => {
  const answer = (fields: InvocationAnswer) => interpretInvocation({ StandardOutputContent: 'out\n', StandardErrorContent: 'err\n', ...fields });
  test('no invocation yet (InvocationDoesNotExist) and Pending, InProgress, Delayed, Cancelling keep waiting', () => {
    expect(interpretInvocation(undefined)).toEqual({ state: 'waiting', status: 'not delivered yet' });
    for (const status of ['Pending', 'InProgress', 'Delayed', 'Cancelling']) expect(answer({ Status: status })).toEqual({ state: 'waiting', status });
  });

  test('Success finishes with code 0; Failed with a positive code is the script\'s exit status', () => {
    expect(answer({ Status: 'Success', ResponseCode: 0 })).toEqual({ state: 'finished', exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(answer({ Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 2 })).toEqual({ state: 'finished', exitCode: 2, stdout: 'out\n', stderr: 'err\n' });
  });

  test('TimedOut, Cancelled, and Failed without an exit status never ran to completion', () => {
    expect(answer({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 })).toMatchObject({ state: 'not-run', status: 'TimedOut (ExecutionTimedOut)' });
    expect(answer({ Status: 'Cancelled', StatusDetails: 'Cancelled' })).toMatchObject({ state: 'not-run', status: 'Cancelled' });
    expect(answer({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1 })).toMatchObject({ state: 'not-run', status: 'Failed (Undeliverable)' });
  });
});

describe('pingStatus', () => {
  test('is the named instance\'s status, or undefined until its agent registers', () => {
    expect(pingStatus({ InstanceInformationList: [{ InstanceId: 'i-2', PingStatus: 'Online' }, { InstanceId: 'i-1', PingStatus: 'ConnectionLost' }] }, 'i-1')).toBe('ConnectionLost');
    expect(pingStatus({ InstanceInformationList: [] }, 'i-1')).toBeUndefined();
    expect(pingStatus({}, 'i-1')).toBeUndefined();
  });
});

describe('runImageTestsOverSsm (scripted SSM answers)', () => {
  const tests = `    - name: version
      http: /version
      contains: '1.0.0'
    - name: file
      run: test -f /opt/app/server.mjs
    - name: worker alive
      role: worker
      run: pgrep sleep
`;
  const fast = { timeoutSeconds: 5, pollMs: 1, onlinePollMs: 1 };

  test('waits for SSM, sends one command per test of the role, polls past InvocationDoesNotExist, and reports like the Docker path', async () => {
    const api = scriptedApi((request, count) => {
      if (request.action === 'DescribeInstanceInformation') return { InstanceInformationList: count < 2 ? [] : [{ InstanceId: 'i-web', PingStatus: 'Online' }] };
      if (request.action === 'SendCommand') return { Command: { CommandId: `cmd-${count}` } };
      const id = (request.input as { CommandId: string }).CommandId;
      const polls = api.sent.filter((sent) => sent.action === 'GetCommandInvocation' && (sent.input as { CommandId: string }).CommandId === id).length;
      if (polls === 1) return awsError('InvocationDoesNotExist');
      if (polls === 2) return { Status: 'InProgress' };
      return id === 'cmd-1' ? { Status: 'Success', ResponseCode: 0, StandardOutputContent: 'HTTP/1.1 200 OK\r\n\r\n{"version":"1.0.0"}' } : { Status: 'Success', ResponseCode: 0 };
    });
    const { seen, emit } = events();
    const results = await runImageTestsOverSsm(api, 'i-web', withTests(tests), 'web', emit, fast);
    expect(results.map(({ name, kind, passed }) => ({ name, kind, passed }))).toEqual([{ name: 'version', kind: 'http', passed: true }, { name: 'file', kind: 'run', passed: true }]);
    expect(seen.map((event) => (event as { message: string }).message.replace(/\(\d+\.\d\ds\)/, '(Ns)'))).toEqual(['image test "version": passed (Ns)', 'image test "file": passed (Ns)']);
    expect(api.sent.map((request) => request.action)).toEqual(['DescribeInstanceInformation', 'DescribeInstanceInformation', 'SendCommand', 'GetCommandInvocation', 'GetCommandInvocation', 'GetCommandInvocation', 'SendCommand', 'GetCommandInvocation', 'GetCommandInvocation', 'GetCommandInvocation']);
    expect(api.sent.filter((request) => request.action === 'SendCommand').map((request) => (request.input as { Parameters: { commands: string[] } }).Parameters.commands[0])).toEqual([
      `curl -sS -i --max-time 10 http://127.0.0.1:8080/version`,
      `env KILN_URL=http://127.0.0.1:8080 KILN_PORT=8080 sh -c 'test -f /opt/app/server.mjs'`,
    ]);
  });

  test('the first failing test throws an ExternalError with its output tail, and later tests do not run', async () => {
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeInstanceInformation') return { InstanceInformationList: [{ InstanceId: 'i-web', PingStatus: 'Online' }] };
      if (request.action === 'SendCommand') return { Command: { CommandId: 'cmd' } };
      return { Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 1, StandardOutputContent: 'line 1\nline 2\n', StandardErrorContent: 'no such file\n' };
    });
    const { seen, emit } = events();
    const failing = withTests(`    - name: file\n      run: test -f /nope\n    - name: never\n      run: 'true'\n`);
    const error = await runImageTestsOverSsm(api, 'i-web', failing, 'web', emit, fast).catch((caught: unknown) => caught) as ExternalError;
    expect(error).toBeInstanceOf(ExternalError);
    expect(error.message).toBe('image test "file" failed: `test -f /nope` exited with status 1');
    expect(error.tail).toEqual(['line 1', 'line 2', 'no such file']);
    expect(seen).toHaveLength(1);
    expect((seen[0] as { level: string }).level).toBe('warn');
    expect(api.sent.filter((request) => request.action === 'SendCommand')).toHaveLength(1);
  });

  test('a command that times out on the instance fails its test, naming the status', async () => {
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeInstanceInformation') return { InstanceInformationList: [{ InstanceId: 'i-web', PingStatus: 'Online' }] };
      if (request.action === 'SendCommand') return { Command: { CommandId: 'cmd' } };
      return { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1, StandardOutputContent: 'partial' };
    });
    const error = await runImageTestsOverSsm(api, 'i-web', withTests(`    - name: slow\n      run: sleep 100\n`), 'web', events().emit, fast).catch((caught: unknown) => caught) as ExternalError;
    expect(error.message).toBe('image test "slow" failed: SSM Run Command on i-web: TimedOut (ExecutionTimedOut)');
    expect(error.tail).toEqual(['partial']);
  });


  test('no instance profile fails before any call; a role without tests makes none', async () => {
    const api = scriptedApi(() => ({}));
    await expect(runImageTestsOverSsm(api, 'i-web', withTests(`    - name: file\n      run: 'true'\n`, '  region: us-east-1\n'), 'web', events().emit, fast)).rejects.toThrow(/aws\.instance_profile/);
    expect(await runImageTestsOverSsm(api, 'i-web', project(), 'web', events().emit, fast)).toEqual([]);
    expect(api.sent).toEqual([]);
  });

  test('an invocation that never appears stops at the deadline as not run, and kiln cancels it; other AWS errors are not swallowed', async () => {
    const missing = scriptedApi(() => awsError('InvocationDoesNotExist'));
    expect(await awaitInvocation(missing, 'cmd', 'i-web', { waitSeconds: 0.05, pollMs: 10 })).toEqual({ state: 'not-run', status: 'kiln stopped waiting after 0.05s (last status: not delivered yet) and asked SSM to cancel it', stdout: '', stderr: '' });
    expect(missing.sent.at(-1)).toEqual(ssm.cancelCommand('cmd', 'i-web'));
    // The cancel fails too (denied): it is best effort, and the error shown is the one that stopped kiln.
    const denied = scriptedApi(() => awsError('AccessDeniedException'));
    await expect(awaitInvocation(denied, 'cmd', 'i-web', { waitSeconds: 5, pollMs: 10 })).rejects.toThrow(/AccessDeniedException/);
    expect(denied.sent.map((request) => request.action)).toEqual(['GetCommandInvocation', 'CancelCommand']);
  });

  test('an abort stops the wait at once and cancels the command', async () => {
    const controller = new AbortController();
    const api = scriptedApi(() => ({ Status: 'InProgress' }));
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(awaitInvocation(api, 'cmd', 'i-web', { waitSeconds: 60, pollMs: 10_000, signal: controller.signal })).rejects.toThrow(/interrupted/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(api.sent.at(-1)).toEqual(ssm.cancelCommand('cmd', 'i-web'));
  });

  test('a command that settles is never cancelled', async () => {
    const api = scriptedApi(() => ({ Status: 'Success', ResponseCode: 0 }));
    expect(await awaitInvocation(api, 'cmd', 'i-web', { waitSeconds: 5, pollMs: 10 })).toMatchObject({ state: 'finished', exitCode: 0 });
    expect(api.sent.map((request) => request.action)).toEqual(['GetCommandInvocation']);
  });
});

describe('step 8\'s waits on real EC2 (fake clock)', () => {
  afterEach(() => void vi.useRealTimers());
  const clock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  /** Whether a promise has settled yet, without awaiting it. */
  const watch = <T>(promise: Promise<T>) => {
    const state = { done: false, value: undefined as T | undefined, error: undefined as unknown };
    promise.then((value) => Object.assign(state, { done: true, value }), (error: unknown) => Object.assign(state, { done: true, error }));
    return state;
  };

  test('SSM registration gets max(release.timeout, 300 s): a fresh instance often needs more than a minute', () => {
    expect(registrationSeconds(45)).toBe(300);
    expect(registrationSeconds(60)).toBe(300);
    expect(registrationSeconds(900)).toBe(900);
  });

  test('with release.timeout 45, kiln still waits for registration at 299 s and gives up at 300 s, naming the ping status', async () => {
    clock();
    const api = scriptedApi(() => ({ InstanceInformationList: [{ InstanceId: 'i-web', PingStatus: 'ConnectionLost' }] }));
    const run = watch(runImageTestsOverSsm(api, 'i-web', withTests(`    - name: file\n      run: 'true'\n`), 'web', events().emit, { timeoutSeconds: 45 }));
    await vi.advanceTimersByTimeAsync(299_000);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run.error).toBeInstanceOf(UserError);
    expect((run.error as UserError).message).toMatch(/within 300s \(ping status ConnectionLost\)/);
    expect(api.sent.every((request) => request.action === 'DescribeInstanceInformation')).toBe(true);
  });

  test('an instance that registers after 90 s (beyond release.timeout) still gets its tests run', async () => {
    clock();
    const started = Date.now();
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeInstanceInformation') return { InstanceInformationList: Date.now() - started >= 90_000 ? [{ InstanceId: 'i-web', PingStatus: 'Online' }] : [] };
      if (request.action === 'SendCommand') return { Command: { CommandId: 'cmd' } };
      return { Status: 'Success', ResponseCode: 0 };
    });
    const run = watch(runImageTestsOverSsm(api, 'i-web', withTests(`    - name: file\n      run: 'true'\n`), 'web', events().emit, { timeoutSeconds: 45 }));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(run.error).toBeUndefined();
    expect(run.value?.map((result) => result.passed)).toEqual([true]);
  });

  test('a command\'s wait is its delivery timeout + execution timeout + 60 s, as sent to SSM', () => {
    expect(commandWaitSeconds(ssm.sendCommand('i-web', 'true', { timeoutSeconds: 45, comment: 'c' }))).toBe(45 + 45 + 60);
    // Delivery is never under 30 s, so a short release.timeout still leaves SSM its full delivery window.
    expect(commandWaitSeconds(ssm.sendCommand('i-web', 'true', { timeoutSeconds: 5, comment: 'c' }))).toBe(30 + 5 + 60);
  });

  test('kiln does not give up right before SSM reports: an outcome at 140 s is read, with no cancel', async () => {
    clock();
    const started = Date.now();
    const api = scriptedApi((request) => {
      if (request.action === 'SendCommand') return { Command: { CommandId: 'cmd' } };
      return Date.now() - started >= 140_000 ? { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 } : { Status: 'InProgress' };
    });
    const run = watch(runShellOverSsm(api, 'i-web', 'sleep 100', 'c', { timeoutSeconds: 45 }));
    await vi.advanceTimersByTimeAsync(145_000);
    expect(run.value).toMatchObject({ state: 'not-run', status: 'TimedOut (ExecutionTimedOut)' });
    expect(api.sent.some((request) => request.action === 'CancelCommand')).toBe(false);
  });

  test('no outcome by 150 s (45 + 45 + 60): not run, and CancelCommand is sent once', async () => {
    clock();
    const api = scriptedApi((request) => (request.action === 'SendCommand' ? { Command: { CommandId: 'cmd' } } : { Status: 'InProgress' }));
    const run = watch(runShellOverSsm(api, 'i-web', 'sleep 1000', 'c', { timeoutSeconds: 45 }));
    await vi.advanceTimersByTimeAsync(149_000);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run.value).toEqual({ state: 'not-run', status: 'kiln stopped waiting after 150s (last status: InProgress) and asked SSM to cancel it', stdout: '', stderr: '' });
    expect(api.sent.filter((request) => request.action === 'CancelCommand')).toEqual([ssm.cancelCommand('cmd', 'i-web')]);
  });

  test('a CancelCommand that never answers holds kiln up 10 s at most', async () => {
    clock();
    const api = scriptedApi((request) => (request.action === 'CancelCommand' ? new Promise(() => {}) : { Status: 'InProgress' }));
    const run = watch(awaitInvocation(api, 'cmd', 'i-web', { waitSeconds: 1, pollMs: 500 }));
    await vi.advanceTimersByTimeAsync(1_000 + 9_000);
    expect(run.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(run.value).toMatchObject({ state: 'not-run' });
  });
});

describe('pollUntil and its sleep, on abort', () => {
  test('an abort that lands while a check is in flight ends the poll without sleeping an interval', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const poll = pollUntil(async () => {
      controller.abort();
      return undefined;
    }, { deadline: Date.now() + 60_000, everyMs: 30_000, signal: controller.signal, interrupted: 'stopped' });
    await expect(poll).rejects.toThrow('stopped');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a sleep on a signal already aborted returns at once; an abort mid-sleep ends it', async () => {
    const aborted = AbortSignal.abort();
    let started = Date.now();
    await abortableSleep(30_000, aborted);
    expect(Date.now() - started).toBeLessThan(1000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    started = Date.now();
    await abortableSleep(30_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('imageTestRequests (the plan\'s step 8)', () => {
  test('per tested role: wait for SSM, then a SendCommand and a GetCommandInvocation per test, as the driver builds them', () => {
    const requests = imageTestRequests(withTests(`    - name: version\n      http: /version\n    - name: worker\n      role: worker\n      run: pgrep sleep\n`), (role) => `<${role}-1 instance>`);
    expect(requests.map((request) => `${request.action} ${JSON.stringify(request.input)}`)).toEqual([
      'DescribeInstanceInformation {"Filters":[{"Key":"InstanceIds","Values":["<web-1 instance>"]}]}',
      `SendCommand ${JSON.stringify(ssm.sendCommand('<web-1 instance>', 'curl -sS -i --max-time 10 http://127.0.0.1:8080/version', { timeoutSeconds: 45, comment: 'kiln image test: version' }).input)}`,
      'GetCommandInvocation {"CommandId":"<command-id>","InstanceId":"<web-1 instance>"}',
      'DescribeInstanceInformation {"Filters":[{"Key":"InstanceIds","Values":["<worker-1 instance>"]}]}',
      `SendCommand ${JSON.stringify(ssm.sendCommand('<worker-1 instance>', `sh -c 'pgrep sleep'`, { timeoutSeconds: 45, comment: 'kiln image test: worker' }).input)}`,
      'GetCommandInvocation {"CommandId":"<command-id>","InstanceId":"<worker-1 instance>"}',
    ]);
  });

  test('none without image tests', () => {
    expect(imageTestRequests(project(), (role) => role)).toEqual([]);
  });
});

describe('planAwsRelease', () => {
  test('step 8 sits between launch and start services, and release instances carry the instance profile', async () => {
    const hello = await loadProject(join(process.cwd(), 'examples', 'hello'));
    hello.aws.instance_profile = 'kiln-ssm';
    const calls = await planAwsRelease(hello, 'prod');
    const steps = calls.map((call) => call.step).filter((step) => /^[789] /.test(step));
    expect(steps.indexOf('8 test')).toBeGreaterThan(steps.lastIndexOf('7 launch'));
    expect(steps.lastIndexOf('8 test')).toBeLessThan(steps.indexOf('9 start services'));
    expect(calls.filter((call) => call.step === '8 test').map((call) => `${call.service}.${call.action}`)).toEqual(
      imageTestRequests(hello, (role) => `<${role}-1 instance>`).map((request) => `${request.service}.${request.action}`),
    );
    const launches = calls.filter((call) => call.action === 'RunInstances' && call.step !== '5 image');
    expect(launches.map((call) => call.input.IamInstanceProfile)).toEqual(launches.map(() => ({ Name: 'kiln-ssm' })));
    expect(calls.find((call) => call.step === '5 image' && call.action === 'RunInstances')?.input).not.toHaveProperty('IamInstanceProfile');
  });

  test('no image tests, no step 8', async () => {
    const hello = await loadProject(join(process.cwd(), 'examples', 'hello'));
    hello.tests.image = [];
    expect((await planAwsRelease(hello, 'prod')).some((call) => call.step === '8 test')).toBe(false);
  });
});
