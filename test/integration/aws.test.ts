import { DescribeImagesCommand, DescribeInstancesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTagsCommand, DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { startLoad } from '../../simulate/load/load-generator.js';
import { Journal } from '../../simulate/journal/journal.js';
import { promote } from '../../simulate/release/promote.js';
import { release } from '../../simulate/release/release.js';
import { docker, kiln, recorder } from './fixtures.js';
import { commitVersion, releaseProject, servedVersion } from './release-fixtures.js';

const MOTO = process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005';
const LOCALSTACK = process.env.KILN_LOCALSTACK_ENDPOINT ?? 'http://127.0.0.1:4566';
const config = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const ec2 = new EC2Client(config(MOTO));
const elb = new ElasticLoadBalancingV2Client(config(MOTO));

async function instancesTagged(tags: Record<string, string>, states = ['pending', 'running', 'stopping', 'stopped']) {
  const found = await ec2.send(new DescribeInstancesCommand({ Filters: [...Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })), { Name: 'instance-state-name', Values: states }] }));
  return (found.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

/** The scripts in a builder user-data's embedded bundle, by path. */
async function bundleScripts(userData: string): Promise<Record<string, string>> {
  const { gunzipSync } = await import('node:zlib');
  const { extract } = await import('tar-stream');
  const encoded = /<<'KILN_BUNDLE'\n([\s\S]*?)\nKILN_BUNDLE/.exec(userData)![1]!;
  const files: Record<string, string> = {};
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer)).on('end', () => { if (header.name.startsWith('scripts/')) files[header.name] = Buffer.concat(chunks).toString(); next(); });
    });
    reader.on('finish', resolve).on('error', reject);
  });
  reader.end(gunzipSync(Buffer.from(encoded.replace(/\n/g, ''), 'base64')));
  await done;
  return files;
}

/** The port-80 listener's weighted forward: target group name → weight. */
async function listenerWeights(): Promise<Record<string, number>> {
  const groups = await elb.send(new DescribeTargetGroupsCommand({}));
  const balancer = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers?.[0];
  const listener = (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: balancer?.LoadBalancerArn }))).Listeners?.find((candidate) => candidate.Port === 80);
  const forward = listener?.DefaultActions?.find((action) => action.Type === 'forward');
  const weighted = forward?.ForwardConfig?.TargetGroups ?? (forward?.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
  const name = (arn: string | undefined) => groups.TargetGroups?.find((group) => group.TargetGroupArn === arn)?.TargetGroupName ?? `unknown ${arn}`;
  return Object.fromEntries(weighted.map((group) => [name(group.TargetGroupArn), group.Weight ?? 1]));
}

/** The target group that actually receives the ALB's traffic (weight above 0); exactly one must. */
async function listenerGroup(): Promise<string | undefined> {
  const serving = Object.entries(await listenerWeights()).filter(([, weight]) => weight > 0).map(([name]) => name);
  return serving.length === 1 ? serving[0] : `${serving.length} groups take traffic: ${serving.join(', ')}`;
}

describe('release on AWS emulators', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let url: string;
  const options = (env: string, target: 'moto' | 'localstack') => ({ env, target, emit: recorder().emit, signal: new AbortController().signal });

  beforeAll(async () => {
    const answers = await fetch(`${MOTO}/moto-api/`).then((response) => response.ok, () => false);
    if (!answers) throw new Error(`moto is not running at ${MOTO}: bash scripts/start-emulators.sh`);
    await fetch(`${MOTO}/moto-api/reset`, { method: 'POST' });
    fixture = await releaseProject('it-aws-local');
  });
  afterAll(async () => {
    for (const env of ['it-moto', 'it-localstack', 'it-promo', 'it-promo-2']) await (await import('../../simulate/release/destroy.js')).destroyEnvironment(await fixture.project(), env).catch(() => {});
    await fixture.cleanup();
  });

  it('--plan lists every AWS call with its reversibility, sending nothing', async () => {
    // Port 9 (discard) answers nothing: a plan that sent a single call would fail.
    const result = await kiln(['release', '--target', 'aws', '--plan', '--json', '-C', fixture.dir], { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as { calls: { step: string; service: string; action: string; reversible: boolean; note?: string; input: Record<string, unknown> }[] };
    // Calls made only on an environment's first release, or only on later ones, say so.
    const when = (note?: string) => (note?.startsWith('first release only') ? ' [first]' : note?.startsWith('later releases only') ? ' [later]' : '');
    expect(plan.calls.map((call) => `${call.step} ${call.service}.${call.action}${call.reversible ? '' : ' (not reversible)'}${when(call.note)}`)).toEqual([
      'preflight sts.GetCallerIdentity',
      'preflight ec2.DescribeRegions',
      '5 image ssm.GetParameter',
      '5 image ec2.DescribeImages',
      '5 image ec2.DescribeInstances',
      '5 image ec2.RunInstances',
      '5 image ec2.DescribeInstances',
      '5 image ec2.GetConsoleOutput',
      '5 image ec2.CreateImage',
      '5 image ec2.DescribeImages',
      '5 image ec2.TerminateInstances (not reversible)',
      '7 launch ec2.RunInstances',
      '7 launch ec2.RunInstances',
      '8 test ssm.DescribeInstanceInformation',
      '8 test ssm.SendCommand',
      '8 test ssm.GetCommandInvocation',
      '8 test ssm.SendCommand',
      '8 test ssm.GetCommandInvocation',
      '9 start services ec2.RunInstances',
      '10 cutover elbv2.DescribeLoadBalancers [first]',
      '10 cutover elbv2.CreateLoadBalancer [first]',
      '10 cutover elbv2.DescribeLoadBalancers [first]',
      '10 cutover elbv2.DescribeListeners [first]',
      '10 cutover elbv2.CreateTargetGroup',
      '10 cutover elbv2.ModifyTargetGroupAttributes',
      '10 cutover elbv2.RegisterTargets',
      '10 cutover elbv2.CreateListener [first]',
      '10 cutover elbv2.DescribeListeners [later]',
      '10 cutover elbv2.ModifyListener [later]',
      '10 cutover elbv2.DescribeTargetHealth',
      '10 cutover elbv2.DescribeTargetHealth [later]',
      '10 cutover elbv2.DescribeTargetHealth',
      '10 cutover elbv2.DescribeListeners',
      '10 cutover elbv2.ModifyListener [later]',
      '11 test in production (on failure) elbv2.DescribeListeners [later]',
      '11 test in production (on failure) elbv2.ModifyListener [later]',
      '11 test in production (on failure) elbv2.DescribeListeners',
      '11 test in production (on failure) elbv2.DeregisterTargets',
      '11 test in production (on failure) elbv2.ModifyListener [later]',
      '11 test in production (on failure) elbv2.DeleteTargetGroup (not reversible) [later]',
      '11 test in production (on failure) ec2.TerminateInstances (not reversible)',
      '12 shut down old stack elbv2.DescribeListeners',
      '12 shut down old stack elbv2.DeregisterTargets',
      '12 shut down old stack elbv2.ModifyListener',
      '12 shut down old stack elbv2.DeleteTargetGroup (not reversible)',
      '12 shut down old stack ec2.TerminateInstances (not reversible)',
    ]);
    // A later release's group joins the listener at weight 0 before its health is awaited, and only then takes the weight.
    const weights = (call: { input: Record<string, unknown> }) => (call.input.DefaultActions as { ForwardConfig: { TargetGroups: { TargetGroupArn: string; Weight: number }[] } }[])[0]!.ForwardConfig.TargetGroups.map((group) => `${group.TargetGroupArn}=${group.Weight}`);
    const cutover = plan.calls.filter((call) => call.step === '10 cutover');
    const modifies = cutover.filter((call) => call.action === 'ModifyListener').map(weights);
    expect(modifies).toEqual([['<previous target group>=1', '<target-group>=0'], ['<previous target group>=0', '<target-group>=1']]);
    expect(cutover.findIndex((call) => call.action === 'ModifyListener')).toBeLessThan(cutover.findIndex((call) => call.action === 'DescribeTargetHealth'));
    expect(cutover.find((call) => call.action === 'CreateTargetGroup')!.input).toMatchObject({ HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4 });
    // The builder's user-data carries the bundle: the same rendered layer scripts, in order.
    const builder = plan.calls.find((call) => call.action === 'RunInstances')!;
    const userData = Buffer.from(String(builder.input.UserData), 'base64').toString();
    const scripts = await bundleScripts(userData);
    expect(Object.keys(scripts)).toEqual(['scripts/01-os-1.sh', 'scripts/02-packages-1.sh', 'scripts/03-app-1.sh']);
    expect(scripts['scripts/02-packages-1.sh']).toContain('apt-get install -y --no-install-recommends nodejs');
  });

  it('--plan over 16 KB of inputs puts the bundle in S3 first, and takes it out after', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const { randomBytes } = await import('node:crypto');
    execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
    await writeFile(join(fixture.dir, 'dist', 'blob.bin'), randomBytes(40_000));
    try {
      const result = await kiln(['release', '--target', 'aws', '--plan', '--json', '-C', fixture.dir], { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' } });
      expect(result.exitCode, result.stderr).toBe(0);
      const calls = (JSON.parse(result.stdout) as { calls: { step: string; service: string; action: string; input: Record<string, unknown> }[] }).calls;
      const image = calls.filter((call) => call.step === '5 image').map((call) => `${call.service}.${call.action}`);
      expect(image).toEqual(['ssm.GetParameter', 'ec2.DescribeImages', 'ec2.DescribeInstances', 'sts.GetCallerIdentity', 's3.HeadBucket', 's3.CreateBucket', 's3.PutBucketLifecycleConfiguration', 's3.PutObject', 'ec2.RunInstances', 'ec2.DescribeInstances', 'ec2.GetConsoleOutput', 'ec2.CreateImage', 'ec2.DescribeImages', 'ec2.TerminateInstances', 's3.DeleteObject']);
      const put = calls.find((call) => call.action === 'PutObject')!;
      expect(put.input.Body).toMatch(/^<\d+ bytes, sha256 [0-9a-f]{64}>$/);
      const userData = Buffer.from(String(calls.find((call) => call.action === 'RunInstances')!.input.UserData), 'base64').toString();
      expect(userData).toContain("fetch '<presigned-url>' /kiln/bundle.tgz");
    } finally {
      execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
    }
  });

  it('bakes an AMI and releases v1 on moto: instances, a target group, a listener, and a proxy that serves it', async () => {
    const summary = await release(await fixture.project(), options('it-moto', 'moto'));
    expect(summary.outcome, summary.error ?? '').toBe('live');
    url = summary.url!;
    expect(await servedVersion(url)).toBe('1.0.0');
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [summary.recipeDigest!] }] }));
    const ami = images.Images![0]!;
    expect(await docker.getImage(`localstack-ec2/${ami.Name}:${ami.ImageId}`).inspect()).toBeTruthy();
    // The AMI says what it is made of: recipe, each layer's digest as journaled, commit and tag.
    const tags = Object.fromEntries((ami.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    const layers = (await new Journal(fixture.dir, 'it-moto', 'hello').load(summary.release)).layers!;
    expect(layers.map((layer) => layer.name)).toEqual(['os', 'packages', 'app']);
    expect(tags).toMatchObject({
      'kiln:recipe-digest': summary.recipeDigest, 'kiln:commit': summary.commit, 'kiln:release-tag': summary.tag, 'kiln:project': 'hello',
      ...Object.fromEntries(layers.map((layer) => [`kiln:layer:${layer.name}`, layer.digest])),
    });
    expect(await instancesTagged({ 'kiln:purpose': 'builder' })).toEqual([]);
    expect((await instancesTagged({ 'kiln:release': summary.release }, ['running'])).length).toBe(3);
    expect(await listenerGroup()).toContain(summary.release);
    // The ALB and the release's group carry their environment (kiln destroy finds them by it); the group checks within its interval and drains for release.grace.
    const group = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.find((candidate) => candidate.TargetGroupName!.endsWith(summary.release))!;
    expect(group.HealthCheckTimeoutSeconds).toBeLessThan(group.HealthCheckIntervalSeconds!);
    const balancer = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!.find((candidate) => candidate.LoadBalancerName!.endsWith('it-moto'))!;
    const described = (await elb.send(new DescribeTagsCommand({ ResourceArns: [balancer.LoadBalancerArn!, group.TargetGroupArn!] }))).TagDescriptions!;
    for (const entry of described) expect(Object.fromEntries(entry.Tags!.map((tag) => [tag.Key, tag.Value]))).toMatchObject({ 'kiln:managed': 'true', 'kiln:project': 'hello', 'kiln:env': 'it-moto' });
    const attributes = (await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.TargetGroupArn }))).Attributes!;
    expect(attributes.find((attribute) => attribute.Key === 'deregistration_delay.timeout_seconds')?.Value).toBe(String((await fixture.project()).release.grace));
  });

  it('releases v2 by moving the listener, without dropping a request, and retires v1 on EC2 too', async () => {
    await commitVersion(fixture.dir, '2.0.0');
    const load = startLoad(`${url}/version`, 20);
    const summary = await release(await fixture.project(), options('it-moto', 'moto'));
    const traffic = await load.stop();
    expect(summary.outcome, summary.error ?? '').toBe('live');
    expect({ errors: traffic.errors, bad: traffic.bad }).toEqual({ errors: 0, bad: {} });
    expect(await servedVersion(url)).toBe('2.0.0');
    expect(await listenerGroup()).toContain(summary.release);
    // The old group left the listener's forward before it was deleted: only the new one remains, with all the weight.
    expect(Object.entries(await listenerWeights()).map(([name, weight]) => [name.replace(/^k[0-9a-f]{6}-/, ''), weight])).toEqual([[summary.release, 1]]);
    expect(await instancesTagged({ 'kiln:release': 'hello-r1' })).toEqual([]);
    const groups = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.map((group) => group.TargetGroupName);
    expect(groups.some((name) => name!.endsWith('hello-r1'))).toBe(false);
  });

  it('reuses the AMI of an unchanged recipe, and a failed production test moves the listener back', async () => {
    const { emit, events } = recorder();
    const summary = await release(await fixture.project(), { ...options('it-moto', 'moto'), emit, faults: ['prod-test:fail'] });
    expect(summary.outcome).toBe('rolled-back');
    expect(events.some((event) => event.type === 'notice' && /already carries recipe .* reused/.test(event.message))).toBe(true);
    expect(await listenerGroup()).toContain('hello-r2');
    expect(await servedVersion(url)).toBe('2.0.0');
    expect(await instancesTagged({ 'kiln:release': summary.release })).toEqual([]);
    // The rolled-back release's group took the weight, gave it back, and is gone: off the listener and deleted.
    expect(Object.keys(await listenerWeights()).some((name) => name.endsWith(summary.release))).toBe(false);
    const groups = (await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.map((group) => group.TargetGroupName);
    expect(groups.some((name) => name!.endsWith(summary.release))).toBe(false);
  });

  it('kiln gc deregisters the AMI of a retired release, with its snapshots and its emulated image, and keeps the live one', async () => {
    const { gc } = await import('../../simulate/release/gc.js');
    const journal = new Journal(fixture.dir, 'it-moto', 'hello');
    const first = await journal.load('hello-r1');
    const live = await journal.load('hello-r2');
    expect(first.image!.id).not.toBe(live.image!.id);
    const result = await gc(await fixture.project(), { env: 'it-moto', keep: 1 });
    expect(result.removed.map((entry) => entry.release)).toEqual(['hello-r1']);
    expect((await ec2.send(new DescribeImagesCommand({ ImageIds: [first.image!.id] })).catch(() => ({ Images: [] }))).Images ?? []).toEqual([]);
    expect((await ec2.send(new DescribeImagesCommand({ ImageIds: [live.image!.id] }))).Images?.length).toBe(1);
    const emulated = (await docker.listImages({ filters: { reference: ['localstack-ec2/*'] } })).flatMap((image) => image.RepoTags ?? []);
    expect(emulated.some((tag) => tag.endsWith(`:${first.image!.id}`))).toBe(false);
    expect(emulated.some((tag) => tag.endsWith(`:${live.image!.id}`))).toBe(true);
  });

  it('kiln destroy terminates the environment\'s EC2 instances and deletes its load balancer', async () => {
    const { destroyEnvironment } = await import('../../simulate/release/destroy.js');
    const { DescribeLoadBalancersCommand: Describe } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    const { CreateTargetGroupCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
    expect((await instancesTagged({ 'kiln:env': 'it-moto' }, ['running'])).length).toBeGreaterThan(0);
    // A group made but never journaled (a crash between the two): found by its tags all the same.
    const vpc = (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers!.find((balancer) => balancer.LoadBalancerName!.endsWith('it-moto'))!.VpcId;
    await elb.send(new CreateTargetGroupCommand({ Name: 'kiln-unjournaled', Protocol: 'HTTP', Port: 8080, VpcId: vpc, Tags: [{ Key: 'kiln:project', Value: 'hello' }, { Key: 'kiln:env', Value: 'it-moto' }] }));
    const result = await destroyEnvironment(await fixture.project(), 'it-moto');
    expect(result.aws?.failures).toEqual([]);
    expect(result.aws?.loadBalancer).toBe(true);
    expect(result.aws?.targetGroups).toBe(2);
    expect((await elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.map((group) => group.TargetGroupName)).not.toContain('kiln-unjournaled');
    expect(result.aws?.instances.length).toBeGreaterThan(0);
    expect(result.aws?.network).toBe(true);
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['kiln-hello-it-moto'] }] }))).Vpcs).toEqual([]);
    expect(await instancesTagged({ 'kiln:env': 'it-moto' })).toEqual([]);
    const balancers = (await elb.send(new Describe({}))).LoadBalancers ?? [];
    expect(balancers.some((balancer) => balancer.LoadBalancerName?.endsWith('it-moto'))).toBe(false);
    expect(result.containers.some((name) => name.startsWith('localstack-ec2.'))).toBe(true);
  });

  it('says when an emulator is down, before anything runs', async () => {
    // Restored, not deleted: the later tests (and afterAll's destroy) must keep using the moto this run was given.
    const given = process.env.KILN_MOTO_ENDPOINT;
    process.env.KILN_MOTO_ENDPOINT = 'http://127.0.0.1:5999';
    try {
      await expect(release(await fixture.project(), options('it-moto-down', 'moto'))).rejects.toThrow(/moto is not answering at http:\/\/127\.0\.0\.1:5999/);
    } finally {
      if (given === undefined) delete process.env.KILN_MOTO_ENDPOINT;
      else process.env.KILN_MOTO_ENDPOINT = given;
    }
    expect(await new Journal(fixture.dir, 'it-moto-down', 'hello').list()).toEqual([]);
  });

  it('on LocalStack community, which has no ELBv2, the local proxy plays the ALB and kiln says so', async () => {
    const up = await fetch(`${LOCALSTACK}/_localstack/health`).then((response) => response.ok, () => false);
    expect(up, `LocalStack is not running at ${LOCALSTACK}; see .kiln-venv/localstack-error.log`).toBe(true);
    const { emit, events } = recorder();
    const summary = await release(await fixture.project(), { ...options('it-localstack', 'localstack'), emit });
    expect(summary.outcome, summary.error ?? '').toBe('live');
    expect(events.some((event) => event.type === 'notice' && /no ELBv2.*local proxy plays the ALB alone/.test(event.message))).toBe(true);
    expect((await new Journal(fixture.dir, 'it-localstack', 'hello').state()).aws?.mode).toBe('local-proxy-only');
    expect(await servedVersion(summary.url!)).toBe('2.0.0');
  });

  it('promotes a rehearsed local release to moto with the same recipe digest, linking both journals', async () => {
    const rehearsal = await fixture.release();
    expect(rehearsal.outcome).toBe('live');
    const promoted = await promote(await fixture.project(), { release: rehearsal.release, fromEnv: fixture.env, to: 'moto', env: 'it-promo', emit: recorder().emit, signal: new AbortController().signal });
    expect(promoted.outcome, promoted.error ?? '').toBe('live');
    expect(promoted.recipeDigest).toBe(rehearsal.recipeDigest);
    const shipped = await new Journal(fixture.dir, 'it-promo', 'hello').load(rehearsal.release);
    expect(shipped.promotedFrom).toMatchObject({ env: fixture.env, release: rehearsal.release });
    expect((await new Journal(fixture.dir, fixture.env, 'hello').load(rehearsal.release)).promotedTo?.[0]).toMatchObject({ env: 'it-promo', outcome: 'live' });
  });

  it('refuses to promote when the recipe differs from the rehearsal, naming the layer and the lines', async () => {
    const journal = new Journal(fixture.dir, fixture.env, 'hello');
    const rehearsal = (await journal.list()).at(-1)!;
    // A rehearsal made with an older template: its packages script said something else.
    const packages = rehearsal.recipe!.layers.find((layer) => layer.name === 'packages')!;
    packages.scripts[0]!.text = packages.scripts[0]!.text.replace('apt-get clean', 'apt-get autoclean');
    packages.digest = `sha256:${'0'.repeat(64)}`;
    rehearsal.recipeDigest = `sha256:${'1'.repeat(64)}`;
    await journal.save(rehearsal);
    const summary = await promote(await fixture.project(), { release: rehearsal.id, fromEnv: fixture.env, to: 'moto', env: 'it-promo-2', emit: recorder().emit, signal: new AbortController().signal });
    expect(summary.outcome).toBe('failed');
    expect(summary.error).toContain('layer packages');
    expect(summary.error).toContain('- apt-get autoclean');
    expect(summary.error).toContain('+ apt-get clean');
    expect(await instancesTagged({ 'kiln:env': 'it-promo-2' })).toEqual([]);
    await expect(promote(await fixture.project(), { release: 'hello-r999', fromEnv: fixture.env, to: 'moto', emit: recorder().emit, signal: new AbortController().signal })).rejects.toThrow(UserError);
  });
});

describe('AMI bake failure paths', () => {
  it('an interrupted bake terminates its builder and leaves no AMI for the recipe', async () => {
    const fixture = await releaseProject('it-ami-fail');
    try {
      const { appendFile } = await import('node:fs/promises');
      const { execFileSync } = await import('node:child_process');
      const { join } = await import('node:path');
      const { AwsApi } = await import('../../simulate/aws/api.js');
      const { bakeAmi } = await import('../../simulate/aws/ami-bake.js');
      const { resolveBaseAmi } = await import('../../simulate/aws/base-ami.js');
      // A recipe no earlier test baked, so there is no AMI to reuse.
      await appendFile(join(fixture.dir, 'src', 'server.mjs'), `\n// ${Date.now()}-${Math.random()}\n`);
      execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
      const api = new AwsApi({ target: 'moto', endpoint: MOTO, region: 'us-east-1', emulated: true });
      const project = await fixture.project();
      const stop = new AbortController();
      const emit = (event: { type: string; line?: string }) => {
        if (event.type === 'log' && /builder i-\S+ launched/.test(event.line ?? '')) stop.abort(new Error('interrupted by the test'));
      };
      const baseAmi = await resolveBaseAmi(api, docker, project, project.aws.base_ami, () => {});
      const failure = await bakeAmi(api, project, { emit: emit as never, signal: stop.signal, git: { commit: 'test', dirty: true }, stateDir: join(fixture.dir, '.kiln'), instanceType: 't3.micro', baseAmi, docker }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UserError);
      expect(stop.signal.aborted).toBe(true);
      const builders = await instancesTagged({ 'kiln:purpose': 'builder' });
      expect(builders).toEqual([]);
      const recipe = (api.sent.find((request) => request.action === 'DescribeImages' && JSON.stringify(request.input).includes('kiln:recipe-digest'))!.input.Filters as { Values: string[] }[])[0]!.Values[0]!;
      const left = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [recipe] }] }));
      expect(left.Images).toEqual([]);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('the AMI builder user-data', () => {
  it('carries the inputs and, run on the base, installs the app as the Docker bake does', async () => {
    const fixture = await releaseProject('it-userdata');
    try {
      const { readFile, writeFile } = await import('node:fs/promises');
      const { execFileSync } = await import('node:child_process');
      const { join } = await import('node:path');
      const { renderLayers } = await import('../../bake/recipe/recipe.js');
      const { resolveBase } = await import('../../bake/docker/base-image.js');
      const { builderUserData, BUILDER_DONE, USER_DATA_LIMIT } = await import('../../simulate/aws/user-data.js');
      const { builderBundle } = await import('../../simulate/aws/builder-bundle.js');
      const { extract } = await import('tar-stream');
      // No apt packages, so the builder needs no network: the test runs it with networking off.
      await writeFile(join(fixture.dir, 'kiln.yaml'), (await readFile(join(fixture.dir, 'kiln.yaml'), 'utf8')).replace('apt: [nodejs]', 'apt: []'));
      execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
      const project = await fixture.project();
      const layers = await renderLayers(project);
      const userData = builderUserData({ embedded: (await builderBundle(layers)).archive });
      expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_LIMIT);
      const base = await resolveBase(docker, project.os, () => {});
      // A stand-in for poweroff: in a container the builder's last command just reports.
      const script = `printf '#!/bin/sh\\necho powered off\\n' > /usr/local/sbin/poweroff && chmod +x /usr/local/sbin/poweroff\n${userData}`;
      const container = await docker.createContainer({ Image: base.ref, Entrypoint: ['/bin/sh', '-c'], Cmd: [script], NetworkDisabled: true, HostConfig: { NetworkMode: 'none' }, Labels: { 'kiln.managed': 'true' } });
      try {
        await container.start();
        expect((await container.wait()).StatusCode).toBe(0);
        const logs = (await container.logs({ stdout: true, stderr: true })).toString();
        expect(logs).toContain(BUILDER_DONE);
        // The layers ran in their order: os, then packages, then app.
        expect([...logs.matchAll(/running \d+-(\w+)-\d+\.sh/g)].map((match) => match[1])).toEqual(['os', 'packages', 'app']);
        const archive = (await container.getArchive({ path: '/opt/app/version.json' })) as unknown as NodeJS.ReadableStream;
        const content = await new Promise<string>((done, fail) => {
          const reader = extract();
          reader.on('entry', (_header, stream, next) => {
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer)).on('end', () => { done(Buffer.concat(chunks).toString()); next(); });
          });
          reader.on('error', fail);
          archive.pipe(reader);
        });
        expect(JSON.parse(content)).toEqual({ version: '1.0.0' });
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('a builder whose layer script fails', () => {
  it('runs no later script, says FAILED on its console, and still powers off', async () => {
    const fixture = await releaseProject('it-userdata-fail');
    try {
      const { execFileSync } = await import('node:child_process');
      const { renderLayers } = await import('../../bake/recipe/recipe.js');
      const { resolveBase } = await import('../../bake/docker/base-image.js');
      const { builderBundle } = await import('../../simulate/aws/builder-bundle.js');
      const { builderUserData, builderVerdict, BUILDER_DONE } = await import('../../simulate/aws/user-data.js');
      execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
      const project = await fixture.project();
      const layers = await renderLayers(project, { withInputs: false });
      // The os layer's script fails as a broken template would; packages and app must not run after it.
      layers[0]!.scripts[0]!.text = '#!/bin/sh\necho "E: Unable to locate package nodjs" >&2\nexit 100\n';
      const userData = builderUserData({ embedded: (await builderBundle(layers)).archive });
      const base = await resolveBase(docker, project.os, () => {});
      const script = `printf '#!/bin/sh\\necho powered off\\n' > /usr/local/sbin/poweroff && chmod +x /usr/local/sbin/poweroff\n${userData}`;
      const container = await docker.createContainer({ Image: base.ref, Entrypoint: ['/bin/sh', '-c'], Cmd: [script], HostConfig: { NetworkMode: 'none' }, Labels: { 'kiln.managed': 'true' } });
      try {
        await container.start();
        await container.wait();
        const logs = (await container.logs({ stdout: true, stderr: true })).toString();
        expect(builderVerdict(logs)).toBe('failed');
        expect(logs).not.toContain(BUILDER_DONE);
        expect(logs).toContain('powered off');
        expect(logs).toContain('running 01-os-1.sh');
        expect(logs).not.toContain('running 02-packages-1.sh');
      } finally {
        await container.remove({ force: true });
      }
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('builder bundles over 16 KB', () => {
  it('are staged in S3: the builder fetches the bundle by a presigned URL, checks its sha256, installs the app; the bake deletes it after', async () => {
    const fixture = await releaseProject('it-staging');
    try {
      const { readFile, writeFile } = await import('node:fs/promises');
      const { execFileSync } = await import('node:child_process');
      const { createHash, randomBytes } = await import('node:crypto');
      const { join } = await import('node:path');
      const { renderLayers } = await import('../../bake/recipe/recipe.js');
      const { resolveBase } = await import('../../bake/docker/base-image.js');
      const { AwsApi } = await import('../../simulate/aws/api.js');
      const { bakeAmi } = await import('../../simulate/aws/ami-bake.js');
      const { resolveBaseAmi } = await import('../../simulate/aws/base-ami.js');
      const { builderBundle } = await import('../../simulate/aws/builder-bundle.js');
      const { stageBundle, unstageBundle } = await import('../../simulate/aws/bundle-staging.js');
      const { builderUserData, BUILDER_DONE, USER_DATA_LIMIT } = await import('../../simulate/aws/user-data.js');
      await writeFile(join(fixture.dir, 'kiln.yaml'), (await readFile(join(fixture.dir, 'kiln.yaml'), 'utf8')).replace('apt: [nodejs]', 'apt: []'));
      execFileSync('node', ['build.mjs'], { cwd: fixture.dir });
      // Random bytes do not compress: 40 KB of them cannot ride in user-data.
      const blob = randomBytes(40_000);
      await writeFile(join(fixture.dir, 'dist', 'blob.bin'), blob);
      const project = await fixture.project();
      const bundle = await builderBundle(await renderLayers(project));
      expect(Buffer.byteLength(builderUserData({ embedded: bundle.archive }))).toBeGreaterThan(USER_DATA_LIMIT);
      const api = new AwsApi({ target: 'moto', endpoint: MOTO, region: 'us-east-1', emulated: true });

      const staged = await stageBundle(api, project, bundle, 600);
      expect(staged.url.startsWith(`${MOTO}/kiln-staging-`)).toBe(true);
      const userData = builderUserData({ url: staged.url, sha256: bundle.sha256 });
      expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_LIMIT);
      const base = await resolveBase(docker, project.os, () => {});
      // The base here has no fetch tool (Debian's cloud AMIs have curl); the host network reaches moto on 127.0.0.1.
      const script = `apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null && printf '#!/bin/sh\\necho powered off\\n' > /usr/local/sbin/poweroff && chmod +x /usr/local/sbin/poweroff\n${userData}`;
      const container = await docker.createContainer({ Image: base.ref, Entrypoint: ['/bin/sh', '-c'], Cmd: [script], HostConfig: { NetworkMode: 'host' }, Labels: { 'kiln.managed': 'true' } });
      try {
        await container.start();
        expect((await container.wait()).StatusCode).toBe(0);
        expect((await container.logs({ stdout: true, stderr: true })).toString()).toContain(BUILDER_DONE);
        const check = await container.commit({ repo: 'kiln-test/staged-builder', tag: 'latest' });
        const probe = await docker.createContainer({ Image: check.Id, Entrypoint: ['sha256sum', '/opt/app/blob.bin'], HostConfig: { NetworkMode: 'none' } });
        try {
          await probe.start();
          await probe.wait();
          expect((await probe.logs({ stdout: true })).toString()).toContain(createHash('sha256').update(blob).digest('hex'));
        } finally {
          await probe.remove({ force: true });
          await docker.getImage(check.Id).remove({ force: true });
        }
      } finally {
        await container.remove({ force: true });
        await unstageBundle(api, staged);
      }

      // The whole bake on moto stages the same bundle, and removes it once the AMI is made.
      const baseAmi = await resolveBaseAmi(api, docker, project, project.aws.base_ami, () => {});
      const baking = new AwsApi(api.endpoint);
      await bakeAmi(baking, project, { emit: () => {}, signal: new AbortController().signal, git: { commit: 'test', dirty: true }, stateDir: join(fixture.dir, '.kiln'), instanceType: 't3.micro', baseAmi, docker });
      const actions = baking.sent.map((request) => `${request.service}.${request.action}`);
      expect(actions).toContain('s3.PutObject');
      expect(actions.indexOf('s3.PutObject')).toBeLessThan(actions.indexOf('ec2.RunInstances'));
      expect(actions.at(-1)).toBe('s3.DeleteObject');
      const builder = baking.sent.find((request) => request.action === 'RunInstances')!;
      expect(Buffer.from(String(builder.input.UserData), 'base64').toString()).toContain(bundle.sha256);
      const gone = await baking.send({ service: 's3', action: 'HeadObject', reversible: true, input: { Bucket: staged.bucket, Key: staged.key } }).then(() => 'present', () => 'gone');
      expect(gone).toBe('gone');
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('secrets on the aws targets', () => {
  it('come from SSM SecureString at release time and reach the instance; a missing one stops the release', async () => {
    const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
    const { createHash, randomBytes } = await import('node:crypto');
    const { edit } = await import('./release-fixtures.js');
    const { commitAll } = await import('./fixtures.js');
    const fixture = await releaseProject('it-ssm');
    try {
      const secret = `ssm-${randomBytes(10).toString('hex')}`;
      const digest = createHash('sha256').update(secret).digest('hex');
      await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('secrets: []', 'secrets: [API_TOKEN]').replace('    - name: app is installed\n', `    - name: the secret arrived\n      run: sha256sum /run/kiln/secrets/API_TOKEN | grep -q ${digest}\n    - name: app is installed\n`));
      await commitAll(fixture.dir, 'a secret from SSM');
      const missing = await release(await fixture.project(), { env: 'it-ssm', target: 'moto', emit: recorder().emit, signal: new AbortController().signal });
      expect(missing.outcome).toBe('failed');
      expect(missing.error).toContain('secret API_TOKEN has no value in SSM parameter /kiln/hello/it-ssm/API_TOKEN');
      await new SSMClient(config(MOTO)).send(new PutParameterCommand({ Name: '/kiln/hello/it-ssm/API_TOKEN', Type: 'SecureString', Value: secret }));
      const summary = await release(await fixture.project(), { env: 'it-ssm', target: 'moto', emit: recorder().emit, signal: new AbortController().signal });
      expect(summary.outcome, summary.error ?? '').toBe('live');
      expect(JSON.stringify(await new Journal(fixture.dir, 'it-ssm', 'hello').list())).not.toContain(secret);
    } finally {
      await (await import('../../simulate/release/destroy.js')).destroyEnvironment(await fixture.project(), 'it-ssm').catch(() => {});
      await fixture.cleanup();
    }
  });
});
