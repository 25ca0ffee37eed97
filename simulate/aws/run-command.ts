import type { Project, TestSpec } from '../../bake/config/project.js';
import { parseHttpResponse } from '../../bake/docker/exec-in.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import { shellQuote } from '../../bake/template/shell-quote.js';
import { imageTestsFor, rolesWithImageTests, runTestsInOrder, testEnvironment, type TestResult } from '../../bake/verify/image-test-runner.js';
import { httpVerdict, runVerdict, type TestFailure } from '../../bake/verify/image-test-verdict.js';
import { AwsApi } from './api.js';
import { abortableSleep, pollUntil } from './poll-until.js';
import { ssm, type AwsRequest } from './requests.js';
import { registrationSeconds, waitSsmOnline } from './ssm-online.js';

export interface RunCommandOptions {
  /** release.timeout: bounds each test's delivery and its run on the instance; the SSM registration wait is at least 300 s. */
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

/** An invocation kiln has stopped waiting for. */
export type Settled = Exclude<Invocation, { state: 'waiting' }>;

/** Image tests on a real EC2 instance, through SSM Run Command: the same results, notices and errors as the Docker path. */
export async function runImageTestsOverSsm(api: AwsApi, instanceId: string, project: Project, role: string, emit: Emit, options: RunCommandOptions): Promise<TestResult[]> {
  const tests = imageTestsFor(project, role);
  if (tests.length === 0) return [];
  requireInstanceProfile(project);
  await waitSsmOnline(api, instanceId, { timeoutSeconds: registrationSeconds(options.timeoutSeconds), signal: options.signal, pollMs: options.onlinePollMs });
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

/** Send one shell line with AWS-RunShellScript and wait for its invocation to settle, as long as SSM may take to report it. */
export async function runShellOverSsm(api: AwsApi, instanceId: string, command: string, comment: string, options: RunCommandOptions): Promise<Settled> {
  const request = ssm.sendCommand(instanceId, command, { timeoutSeconds: options.timeoutSeconds, comment });
  const sent = await api.send<{ Command?: { CommandId?: string } }>(request);
  const commandId = sent.Command?.CommandId;
  if (!commandId) throw new ExternalError(`ssm.SendCommand to ${instanceId} answered without a CommandId`, 'ssm.SendCommand');
  return awaitInvocation(api, commandId, instanceId, { waitSeconds: commandWaitSeconds(request), pollMs: options.pollMs, signal: options.signal });
}

// After both SendCommand timeouts run out SSM still has to mark the outcome (TimedOut at worst) and kiln to read it.
export const REPORT_SLACK_SECONDS = 60;

/** How long kiln waits for one command: the delivery and execution timeouts SendCommand gave SSM, plus slack for the report. */
export function commandWaitSeconds(sendCommand: AwsRequest): number {
  const input = sendCommand.input as { TimeoutSeconds: number; Parameters: { executionTimeout: string[] } };
  return input.TimeoutSeconds + Number(input.Parameters.executionTimeout[0]) + REPORT_SLACK_SECONDS;
}

export interface InvocationWait {
  waitSeconds: number;
  /** How often GetCommandInvocation is asked (default 2 s). */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Poll GetCommandInvocation until the invocation settles. Still waiting at the deadline counts as not run; whenever
 * kiln stops waiting without an outcome (deadline, abort, an AWS error) it asks SSM to cancel the command.
 */
export async function awaitInvocation(api: AwsApi, commandId: string, instanceId: string, options: InvocationWait): Promise<Settled> {
  let last = interpretInvocation(undefined);
  let settled: Settled | undefined;
  try {
    settled = await pollUntil(async () => {
      const answer = await api.send<InvocationAnswer>(ssm.getCommandInvocation(commandId, instanceId)).catch((error: unknown) => {
        if (AwsApi.code(error) === 'InvocationDoesNotExist') return undefined;
        throw error;
      });
      last = interpretInvocation(answer);
      return last.state === 'waiting' ? undefined : last;
    }, { deadline: Date.now() + options.waitSeconds * 1000, everyMs: options.pollMs ?? 2000, signal: options.signal, interrupted: `interrupted while waiting for SSM command ${commandId} on ${instanceId}` });
  } finally {
    if (!settled) await cancelCommand(api, commandId, instanceId);
  }
  return settled ?? { state: 'not-run', status: `kiln stopped waiting after ${options.waitSeconds}s (last status: ${last.state === 'waiting' ? last.status : 'unknown'}) and asked SSM to cancel it`, stdout: '', stderr: '' };
}

// Best effort, and bounded: a cancel that fails or hangs must not hide why kiln stopped, nor hold up an abort.
const CANCEL_WAIT_MS = 10_000;

/** Ask SSM to cancel a command kiln no longer watches; any failure is ignored. */
export async function cancelCommand(api: AwsApi, commandId: string, instanceId: string): Promise<void> {
  const bound = new AbortController();
  await Promise.race([api.send(ssm.cancelCommand(commandId, instanceId)).catch(() => undefined), abortableSleep(CANCEL_WAIT_MS, bound.signal)]);
  bound.abort();
}
