import type { Project, TestSpec } from '../../bake/config/project.js';
import { parseHttpResponse } from '../../bake/docker/exec-in.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import { shellQuote } from '../../bake/template/shell-quote.js';
import { httpVerdict, imageTestsFor, rolesWithImageTests, runTestsInOrder, runVerdict, testEnvironment, type TestFailure, type TestResult } from '../../bake/verify/image-test-verdict.js';
import { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { ssm, type AwsRequest } from './requests.js';
import { waitSsmOnline } from './ssm-online.js';

export interface RunCommandOptions {
  /** Bounds the wait for SSM registration, and each test's delivery and run. */
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** How often GetCommandInvocation is asked (default 2 s). */
  pollMs?: number;
  /** How often DescribeInstanceInformation is asked (default 5 s). */
  onlinePollMs?: number;
}

/** What GetCommandInvocation answers, as far as kiln reads it. */
export interface InvocationAnswer {
  Status?: string;
  StatusDetails?: string;
  ResponseCode?: number;
  StandardOutputContent?: string;
  StandardErrorContent?: string;
}

/** A command invocation as kiln sees it: still going, finished with an exit code, or never ran to completion. */
export type Invocation =
  | { state: 'waiting'; status: string }
  | { state: 'finished'; exitCode: number; stdout: string; stderr: string }
  | { state: 'not-run'; status: string; stdout: string; stderr: string };

/** Image tests on a real EC2 instance, through SSM Run Command: the same results, notices and errors as the Docker path. */
export async function runImageTestsOverSsm(api: AwsApi, instanceId: string, project: Project, role: string, emit: Emit, options: RunCommandOptions): Promise<TestResult[]> {
  const tests = imageTestsFor(project, role);
  if (tests.length === 0) return [];
  requireInstanceProfile(project);
  await waitSsmOnline(api, instanceId, { timeoutSeconds: options.timeoutSeconds, signal: options.signal, pollMs: options.onlinePollMs });
  return runTestsOverSsm(api, instanceId, project, role, emit, options);
}

/** The tests alone, one SendCommand each, on an instance already Online in SSM. */
export async function runTestsOverSsm(api: AwsApi, instanceId: string, project: Project, role: string, emit: Emit, options: RunCommandOptions): Promise<TestResult[]> {
  const port = project.roles[role]!.port;
  return runTestsInOrder(imageTestsFor(project, role), (test) => runOne(api, instanceId, test, port, options), emit);
}

/** The SSM calls step 8 makes, with <placeholders> for what AWS assigns: for `kiln release --plan`. */
export function imageTestRequests(project: Project, instanceOf: (role: string) => string): AwsRequest[] {
  const timeoutSeconds = project.release.timeout;
  return rolesWithImageTests(project).flatMap((role) => {
    const instanceId = instanceOf(role);
    return [
      ssm.describeInstanceInformation(instanceId),
      ...imageTestsFor(project, role).flatMap((test) => [
        ssm.sendCommand(instanceId, testCommandLine(test, project.roles[role]!.port), { timeoutSeconds, comment: commentFor(test) }),
        ssm.getCommandInvocation('<command-id>', instanceId),
      ]),
    ];
  });
}

/** Without an instance profile the instance's SSM agent cannot register, and the tests would wait for nothing. */
export function requireInstanceProfile(project: Project): void {
  if (project.aws.instance_profile) return;
  throw new UserError(
    'image tests on AWS run through SSM Run Command, and kiln.yaml sets no aws.instance_profile for the instances',
    'set aws.instance_profile to an IAM instance profile whose role has the AmazonSSMManagedInstanceCore policy, then release again',
  );
}

/** The shell line a test becomes on the instance; AWS-RunShellScript runs it as root with /bin/sh. */
export function testCommandLine(test: TestSpec, port: number | undefined): string {
  if (test.run !== undefined) {
    const env = Object.entries(testEnvironment(port)).map(([key, value]) => `${key}=${shellQuote(value)}`);
    return [...(env.length ? ['env', ...env] : []), 'sh', '-c', shellQuote(test.run)].join(' ');
  }
  // curl -i prints the status line, headers and body first to last: the raw response the Docker path's probe reads.
  return `curl -sS -i --max-time 10 ${shellQuote(`http://127.0.0.1:${port}${test.http}`)}`;
}

// SendCommand's Comment shows in the SSM console's command history.
const commentFor = (test: TestSpec) => `kiln image test: ${test.name}`;

/** Read GetCommandInvocation's answer; no answer means InvocationDoesNotExist, which follows SendCommand for a moment. */
export function interpretInvocation(answer: InvocationAnswer | undefined): Invocation {
  if (!answer) return { state: 'waiting', status: 'not delivered yet' };
  const status = answer.Status ?? 'Pending';
  const stdout = answer.StandardOutputContent ?? '';
  const stderr = answer.StandardErrorContent ?? '';
  if (['Pending', 'InProgress', 'Delayed', 'Cancelling'].includes(status)) return { state: 'waiting', status };
  if (status === 'Success') return { state: 'finished', exitCode: answer.ResponseCode ?? 0, stdout, stderr };
  // Failed with a positive code is the script's own exit status; -1 means it never ran (Undeliverable, Terminated).
  if (status === 'Failed' && (answer.ResponseCode ?? -1) > 0) return { state: 'finished', exitCode: answer.ResponseCode!, stdout, stderr };
  const details = answer.StatusDetails && answer.StatusDetails !== status ? ` (${answer.StatusDetails})` : '';
  return { state: 'not-run', status: `${status}${details}`, stdout, stderr };
}

/** How an http test's probe output reads: the response, or why there is none. */
export function probeVerdict(test: TestSpec, exitCode: number, stdout: string, stderr: string): TestFailure | undefined {
  const response = parseHttpResponse(stdout);
  if (!response && exitCode === 127) return { message: `GET ${test.http} needs curl on the instance, and it has none (add curl to packages.apt)`, output: stderr.trimEnd().split('\n').slice(-5) };
  return httpVerdict(test, response, stderr.trimEnd().split('\n').slice(-5));
}

async function runOne(api: AwsApi, instanceId: string, test: TestSpec, port: number | undefined, options: RunCommandOptions): Promise<TestFailure | undefined> {
  const outcome = await runShellOverSsm(api, instanceId, testCommandLine(test, port), commentFor(test), options);
  if (outcome.state === 'not-run') {
    return { message: `SSM Run Command on ${instanceId}: ${outcome.status}`, output: `${outcome.stdout}${outcome.stderr}`.trimEnd().split('\n').slice(-12) };
  }
  if (test.run !== undefined) return runVerdict(test.run, outcome.exitCode, outcome.stdout, outcome.stderr);
  return probeVerdict(test, outcome.exitCode, outcome.stdout, outcome.stderr);
}

/** Send one shell line with AWS-RunShellScript and wait for its invocation to settle. */
export async function runShellOverSsm(api: AwsApi, instanceId: string, command: string, comment: string, options: RunCommandOptions): Promise<Exclude<Invocation, { state: 'waiting' }>> {
  const sent = await api.send<{ Command?: { CommandId?: string } }>(ssm.sendCommand(instanceId, command, { timeoutSeconds: options.timeoutSeconds, comment }));
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new ExternalError(`ssm.SendCommand to ${instanceId} answered without a CommandId`, 'ssm.SendCommand');
  return awaitInvocation(api, commandId, instanceId, options);
}

/** Poll GetCommandInvocation until the invocation settles; still waiting at the deadline counts as not run. */
export async function awaitInvocation(api: AwsApi, commandId: string, instanceId: string, options: RunCommandOptions): Promise<Exclude<Invocation, { state: 'waiting' }>> {
  let last = interpretInvocation(undefined);
  const settled = await pollUntil(async () => {
    const answer = await api.send<InvocationAnswer>(ssm.getCommandInvocation(commandId, instanceId)).catch((error: unknown) => {
      if (AwsApi.code(error) === 'InvocationDoesNotExist') return undefined;
      throw error;
    });
    last = interpretInvocation(answer);
    return last.state === 'waiting' ? undefined : last;
  }, { deadline: Date.now() + options.timeoutSeconds * 1000, everyMs: options.pollMs ?? 2000, signal: options.signal, interrupted: `interrupted while waiting for SSM command ${commandId} on ${instanceId}` });
  return settled ?? { state: 'not-run', status: `kiln stopped waiting after ${options.timeoutSeconds}s (last status: ${last.state === 'waiting' ? last.status : 'unknown'})`, stdout: '', stderr: '' };
}
