import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../bake/config/load.js';
import type { Project } from '../../bake/config/project.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { KilnEvent } from '../../bake/events.js';
import { AwsApi } from '../../simulate/aws/api.js';
import { awsTarget } from '../../simulate/aws/aws-target.js';
import { ec2, ssm, type AwsRequest } from '../../simulate/aws/requests.js';
import { awaitInvocation, runTestsOverSsm, testCommandLine } from '../../simulate/aws/run-command.js';
import { waitSsmOnline } from '../../simulate/aws/ssm-online.js';
import { Journal } from '../../simulate/journal/journal.js';
import type { LaunchSpec } from '../../simulate/journal/record.js';

// The shared moto: never reset here; everything this file makes carries a unique name or tag.
const MOTO = process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005';
const unique = `rc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const api = new AwsApi({ target: 'moto', endpoint: MOTO, region: 'us-east-1', emulated: true });
const ssmClient = new SSMClient({ endpoint: MOTO, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** One IAM call to moto. There is no IAM client in kiln's dependencies; moto reads the query API unsigned. */
async function iam(action: string, params: Record<string, string>): Promise<void> {
  const response = await fetch(`${MOTO}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' },
    body: new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }),
  });
  if (!response.ok) throw new Error(`moto refused ${action}: ${response.status} ${await response.text()}`);
}

function events() {
  const seen: KilnEvent[] = [];
  return { seen, emit: (event: KilnEvent) => void seen.push(event), messages: () => seen.map((event) => (event as { message: string }).message.replace(/\(\d+\.\d\ds\)/, '(Ns)')) };
}

// moto runs nothing: it answers Success with empty output for every command, and 5.2.5 has no DescribeInstanceInformation
// or CancelCommand. So these tests prove the calls kiln makes and their shapes as AWS's API reads them; how kiln behaves on
// each answer SSM can give (waits, deadlines, cancels, failures) is proven by the scripted tests in test/unit/run-command.test.ts.
describe('image tests over SSM Run Command, against moto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-rc-'));
  const profile = `kiln-${unique}`;
  const specId = `i-spec-${unique}`;
  let project: Project;
  let instanceId: string;

  const GROUPS = '  security_groups: [sg-0123456789abcdef0]\n';
  const projectWith = (tests: string, aws = `  instance_profile: ${profile}\n${GROUPS}`) => {
    const text = `project: rc
os:
  image: debian:bookworm-slim
app:
  artifact: dist
roles:
  web:
    command: node server.mjs
    port: 8080
    health: /health
tests:
  image:
${tests}aws:
  endpoint: ${MOTO}
  region: us-east-1
${aws}`;
    writeFileSync(join(dir, 'kiln.yaml'), text);
    return parseProject(text, join(dir, 'kiln.yaml'));
  };

  beforeAll(async () => {
    const answers = await fetch(`${MOTO}/moto-api/`).then((response) => response.ok, () => false);
    if (!answers) throw new Error(`moto is not running at ${MOTO}: bash scripts/start-emulators.sh`);
    project = projectWith(`    - name: app installed ${unique}\n      run: test -f /opt/app/server.mjs\n    - name: url set ${unique}\n      run: test -n "$KILN_URL"\n`);
    await iam('CreateInstanceProfile', { InstanceProfileName: profile });
    const images = await api.send<{ Images?: { ImageId?: string }[] }>({ service: 'ec2', action: 'DescribeImages', reversible: true, input: { Owners: ['amazon'] } });
    const run = await api.send<{ Instances?: { InstanceId?: string }[] }>(ec2.runInstance({
      imageId: images.Images![0]!.ImageId!, instanceType: 't3.micro', userData: '#!/bin/sh\n', clientToken: unique, instanceProfile: profile,
      tags: { 'kiln:managed': 'true', 'kiln:project': 'rc', 'kiln:env': unique, 'kiln:release': 'rc-r1', 'kiln:role': 'web', 'kiln:spec-id': specId },
    }));
    instanceId = run.Instances![0]!.InstanceId!;
  });
  afterAll(async () => {
    if (instanceId) await api.send(ec2.terminateInstances([instanceId])).catch(() => {});
    await iam('DeleteInstanceProfile', { InstanceProfileName: profile }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('RunInstances with aws.instance_profile: moto holds the profile and attaches it to the instance', async () => {
    const described = await api.send<{ Reservations?: { Instances?: { IamInstanceProfile?: { Arn?: string } }[] }[] }>({ service: 'ec2', action: 'DescribeInstances', reversible: true, input: { InstanceIds: [instanceId] } });
    expect(described.Reservations?.[0]?.Instances?.[0]?.IamInstanceProfile?.Arn).toMatch(new RegExp(`:instance-profile/${profile}$`));
  });

  it('each run test is one AWS-RunShellScript command moto records; its Success answers pass with the Docker path\'s results and notices', async () => {
    const { emit, messages } = events();
    const before = api.sent.length;
    const results = await runTestsOverSsm(api, instanceId, project, 'web', emit, { timeoutSeconds: 30, pollMs: 200 });
    expect(results.map(({ name, kind, passed }) => ({ name, kind, passed }))).toEqual([
      { name: `app installed ${unique}`, kind: 'run', passed: true },
      { name: `url set ${unique}`, kind: 'run', passed: true },
    ]);
    expect(messages()).toEqual([`image test "app installed ${unique}": passed (Ns)`, `image test "url set ${unique}": passed (Ns)`]);
    // moto answers Success at once: one poll per command.
    expect(api.sent.slice(before).map((request) => request.action)).toEqual(['SendCommand', 'GetCommandInvocation', 'SendCommand', 'GetCommandInvocation']);

    const recorded = (await ssmClient.send(new ListCommandsCommand({ InstanceId: instanceId }))).Commands ?? [];
    const mine = project.tests.image.map((test) => recorded.find((command) => command.Comment === `kiln image test: ${test.name}`));
    expect(mine.map((command) => ({ document: command?.DocumentName, commands: command?.Parameters?.commands, instance: command?.InstanceIds?.includes(instanceId) }))).toEqual(
      project.tests.image.map((test) => ({ document: 'AWS-RunShellScript', commands: [testCommandLine(test, 8080)], instance: true })),
    );
    expect(mine[1]?.Parameters?.commands?.[0]).toBe(`env KILN_URL=http://127.0.0.1:8080 KILN_PORT=8080 sh -c 'test -n "$KILN_URL"'`);
  });

  it('an http test fails on moto, which runs nothing and so returns no output: the first failure throws, with a warn notice', async () => {
    const { emit, seen, messages } = events();
    const httpProject = projectWith(`    - name: version ${unique}\n      http: /version\n    - name: never sent ${unique}\n      run: 'true'\n`);
    const error = await runTestsOverSsm(api, instanceId, httpProject, 'web', emit, { timeoutSeconds: 30, pollMs: 200 }).catch((caught: unknown) => caught) as ExternalError;
    expect(error).toBeInstanceOf(ExternalError);
    expect(error.message).toBe(`image test "version ${unique}" failed: GET /version got no HTTP response`);
    expect(error.command).toBe('GET /version');
    expect(messages()).toEqual([`image test "version ${unique}": failed (Ns)`]);
    expect((seen[0] as { level: string }).level).toBe('warn');
    const recorded = (await ssmClient.send(new ListCommandsCommand({ InstanceId: instanceId }))).Commands ?? [];
    expect(recorded.find((command) => command.Comment === `kiln image test: version ${unique}`)?.Parameters?.commands).toEqual(['curl -sS -i --max-time 10 http://127.0.0.1:8080/version']);
    expect(recorded.some((command) => command.Comment === `kiln image test: never sent ${unique}`)).toBe(false);
  });

  it('moto\'s InvocationDoesNotExist is polled through until the deadline, then CancelCommand is sent; its InvalidCommandId is an error at once', async () => {
    const sent = await api.send<{ Command?: { CommandId?: string } }>(ssm.sendCommand(instanceId, 'true', { timeoutSeconds: 30, comment: `kiln ${unique}` }));
    const commandId = sent.Command!.CommandId!;
    // An instance the command was not sent to: moto answers InvocationDoesNotExist, as AWS does just after SendCommand.
    const elsewhere = 'i-0000000000000dead';
    const before = api.sent.length;
    const outcome = await awaitInvocation(api, commandId, elsewhere, { waitSeconds: 1, pollMs: 200 });
    expect(outcome).toEqual({ state: 'not-run', status: 'kiln stopped waiting after 1s (last status: not delivered yet) and asked SSM to cancel it', stdout: '', stderr: '' });
    expect(api.sent.slice(before).filter((request: AwsRequest) => request.action === 'GetCommandInvocation').length).toBeGreaterThan(2);
    // The cancel goes through the SDK (its input is valid for CancelCommand); moto refusing it does not change the outcome.
    expect(api.sent.at(-1)).toEqual(ssm.cancelCommand(commandId, elsewhere));

    const started = Date.now();
    await expect(awaitInvocation(api, '00000000-0000-0000-0000-000000000000', instanceId, { waitSeconds: 30, pollMs: 200 })).rejects.toThrow(/GetCommandInvocation failed .*InvalidCommandId/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('waiting for SSM registration never hides an error in its retry loop (moto 5.2.5 does not implement DescribeInstanceInformation)', async () => {
    const started = Date.now();
    const error = await waitSsmOnline(api, instanceId, { timeoutSeconds: 30, pollMs: 200 }).catch((caught: unknown) => caught);
    // A moto that implements the call would break this on purpose: scripts/start-emulators.sh pins 5.2.5.
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as Error).message).toMatch(/^ssm\.DescribeInstanceInformation failed/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe('through the aws target (--target aws, pointed at moto)', () => {
    const saved = { key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    // --target aws reads credentials from the SDK chain; moto accepts any.
    beforeAll(() => {
      process.env.AWS_ACCESS_KEY_ID ??= 'test';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    });
    afterAll(() => {
      if (saved.key === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    });
    const spec = { instanceId: specId, name: `kiln-rc-${unique}-web`, role: 'web' } as LaunchSpec;
    const testsOnly = `    - name: app installed ${unique}\n      run: test -f /opt/app/server.mjs\n`;

    it('without aws.instance_profile, a release with image tests on EC2 stops before anything runs, saying to set it', async () => {
      const bare = projectWith(testsOnly, GROUPS);
      const error = await awsTarget(bare, new Journal(dir, unique, 'rc'), 'aws').catch((caught: unknown) => caught) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain('aws.instance_profile');
      expect(error.message).toMatch(/kiln\.yaml(:\d+:\d+)?: aws/);
    });

    it('without aws.security_groups, a release on EC2 stops before anything runs: the default group admits nothing from outside', async () => {
      const open = projectWith(testsOnly, `  instance_profile: ${profile}\n`);
      const error = await awsTarget(open, new Journal(dir, unique, 'rc'), 'aws').catch((caught: unknown) => caught) as UserError;
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toMatch(/kiln\.yaml(:\d+:\d+)?: aws: on AWS, kiln\.yaml must name aws\.security_groups/);
    });

    it('step 8 with a profile goes through SSM: it finds the instance by its spec tag and asks SSM whether it is online', async () => {
      const target = await awsTarget(project, new Journal(dir, unique, 'rc'), 'aws');
      const started = Date.now();
      const error = await target.imageTests(spec, project, 'web', () => {}).catch((caught: unknown) => caught);
      // Not "no EC2 instance found": the spec tag led to the instance, and the first SSM call went out and was refused by moto
      // 5.2.5 at once, not retried through the registration wait.
      expect(error).toBeInstanceOf(ExternalError);
      expect((error as Error).message).toMatch(/^ssm\.DescribeInstanceInformation failed/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
});
