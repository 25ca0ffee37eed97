import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { AwsApi } from '../../simulate/aws/api.js';
import { ec2 as requests } from '../../simulate/aws/requests.js';
import { Journal } from '../../simulate/journal/journal.js';
import { release } from '../../simulate/release/release.js';
import { commitAll, kiln, recorder } from './fixtures.js';
import { edit, releaseProject } from './release-fixtures.js';

const MOTO = process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005';
const ec2 = new EC2Client({ endpoint: MOTO, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const NO_CREDENTIALS = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_CONFIG_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'us-east-1' };

async function instances(filters: Record<string, string>, states = ['pending', 'running', 'stopping', 'stopped']) {
  const found = await ec2.send(new DescribeInstancesCommand({ Filters: [...Object.entries(filters).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })), { Name: 'instance-state-name', Values: states }] }));
  return (found.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

/** A real HTTP proxy in front of moto that answers the first `count` requests (or all, with Infinity) with EC2's throttling error. */
async function throttlingProxy(count: number): Promise<{ url: string; throttled: () => number; close: () => Promise<void> }> {
  let throttled = 0;
  const target = new URL(MOTO);
  const server: Server = createServer((incoming, outgoing) => {
    if (throttled < count) {
      throttled++;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'text/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>kiln-test</RequestID></Response>');
      return;
    }
    const forward = request({ host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, throttled: () => throttled, close: () => new Promise((done) => server.close(() => done())) };
}

describe('bad input on the aws targets: a clear error, and nothing left behind', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  const options = (env: string, faults: ('builder:hang')[] = []) => ({ env, target: 'moto' as const, emit: recorder().emit, signal: new AbortController().signal, faults });
  /** Commit a kiln.yaml with this aws section appended. */
  const withAws = async (section: string) => {
    await edit(fixture.dir, 'kiln.yaml', (text) => `${text.replace(/\naws:\n[\s\S]*$/, '\n')}aws:\n${section}`);
    await commitAll(fixture.dir, 'aws settings');
  };

  beforeAll(async () => {
    const answers = await fetch(`${MOTO}/moto-api/`).then((response) => response.ok, () => false);
    if (!answers) throw new Error(`moto is not running at ${MOTO}: bash scripts/start-emulators.sh`);
    fixture = await releaseProject('it-aws-bad');
  });
  afterAll(async () => {
    const { destroyEnvironment } = await import('../../simulate/release/destroy.js');
    for (const env of ['it-bad-ami', 'it-bad-subnet', 'it-bad-region', 'it-hang']) await destroyEnvironment(await fixture.project(), env).catch(() => {});
    await fixture.cleanup();
  });

  it('no credentials: says where credentials come from, and journals nothing', async () => {
    const result = await kiln(['release', '--target', 'aws', '--env', 'it-no-creds', '--yes', '--json', '-C', fixture.dir], { env: { ...NO_CREDENTIALS, AWS_ENDPOINT_URL: MOTO } });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('no AWS credentials found');
    expect(result.stderr).toMatch(/AWS_PROFILE|aws configure/);
    expect(await new Journal(fixture.dir, 'it-no-creds', 'hello').list()).toEqual([]);
  });

  it('a region the endpoint does not have, and a malformed one, are named before anything runs', async () => {
    await withAws('  region: eu-middle-7\n');
    await expect(release(await fixture.project(), options('it-bad-region'))).rejects.toThrow(/moto has no EC2 in region eu-middle-7/);
    expect(await new Journal(fixture.dir, 'it-bad-region', 'hello').list()).toEqual([]);
    await withAws('  instance_type: t3.micro\n');
    const result = await kiln(['release', '--target', 'moto', '--env', 'it-bad-region', '--yes', '-C', fixture.dir], { env: { AWS_REGION: 'Frankfurt' } });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('AWS_REGION: "Frankfurt" is not an AWS region name');
  });

  it('a base AMI that does not exist: the error points at aws.base_ami in kiln.yaml, and no builder is launched', async () => {
    await withAws('  base_ami: ami-0123456789abcdef0\n');
    const summary = await release(await fixture.project(), options('it-bad-ami'));
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toMatch(/kiln\.yaml:\d+:\d+: aws\.base_ami: base AMI ami-0123456789abcdef0 does not exist in moto/);
    expect(await instances({ 'kiln:purpose': 'builder', 'kiln:recipe-digest': summary.recipeDigest ?? 'none' })).toEqual([]);
    expect((await new Journal(fixture.dir, 'it-bad-ami', 'hello').load(summary.release)).outcome).toBe('failed');
  });

  it('a subnet that does not exist is named with its line in kiln.yaml', async () => {
    await withAws('  subnets: [subnet-0000deadbeef0000, subnet-0000deadbeef0001]\n');
    const summary = await release(await fixture.project(), options('it-bad-subnet'));
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toMatch(/kiln\.yaml:\d+:\d+: aws\.subnets: subnet-0000deadbeef000[01]\b.* not found in moto/);
    expect(await instances({ 'kiln:env': 'it-bad-subnet' })).toEqual([]);
  });

  it('a builder that never powers off is terminated at aws.builder_timeout, and no AMI is made', async () => {
    await withAws('  builder_timeout: 2\n');
    // A recipe no earlier bake made, so the AMI cache cannot answer.
    await appendFile(join(fixture.dir, 'src', 'server.mjs'), `\n// hang ${Date.now()}-${Math.random()}\n`);
    await commitAll(fixture.dir, 'a recipe of its own');
    const { emit, events } = recorder();
    const summary = await release(await fixture.project(), { ...options('it-hang', ['builder:hang']), emit });
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toMatch(/AMI builder i-\S+ did not power off within 2s \(aws\.builder_timeout\); it was terminated/);
    const launched = events.flatMap((event) => (event.type === 'log' ? /builder (i-\S+) launched/.exec(event.line)?.[1] ?? [] : []));
    expect(launched.length).toBe(1);
    const builder = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: launched }))).Reservations![0]!.Instances![0]!;
    expect(builder.State?.Name).toBe('terminated');
    const digest = builder.Tags!.find((tag) => tag.Key === 'kiln:recipe-digest')!.Value!;
    expect((await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [digest] }] }))).Images).toEqual([]);
  });
});

describe('throttling', () => {
  const api = (url: string, maxAttempts?: number) => new AwsApi({ target: 'moto', endpoint: url, region: 'us-east-1', emulated: true }, { maxAttempts });

  it('is retried with backoff until AWS answers', async () => {
    const proxy = await throttlingProxy(2);
    try {
      const answer = await api(proxy.url).send<{ Regions?: unknown[] }>(requests.describeRegions());
      expect(answer.Regions?.length).toBeGreaterThan(0);
      expect(proxy.throttled()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('that never lets up ends in an error that says so and what to do', async () => {
    const proxy = await throttlingProxy(Infinity);
    try {
      const failure = await api(proxy.url, 2).send(requests.describeRegions()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UserError);
      expect((failure as UserError).message).toMatch(/is throttling kiln \(ec2\.DescribeRegions: RequestLimitExceeded\), still after 2 attempts/);
      expect((failure as UserError).hint).toContain('KILN_AWS_MAX_ATTEMPTS');
      expect(proxy.throttled()).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});
