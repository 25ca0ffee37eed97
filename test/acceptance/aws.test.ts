import { DescribeImagesCommand, DeregisterImageCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import { planAwsRelease } from '../../simulate/aws/plan.js';
import { promote } from '../../simulate/release/promote.js';
import { release } from '../../simulate/release/release.js';
import { recorder } from '../integration/fixtures.js';
import { commitVersion, edit, releaseProject } from '../integration/release-fixtures.js';

/**
 * The same release on real AWS. It costs money and needs an account, so it runs only when asked:
 *   KILN_AWS_ACCEPTANCE=1 KILN_AWS_SUBNETS=subnet-a,subnet-b [KILN_AWS_INSTANCE_PROFILE=name]
 *   [KILN_AWS_SECURITY_GROUPS=sg-…] AWS_REGION=… (credentials from the SDK's default chain) npm run test:aws
 */
const enabled = process.env.KILN_AWS_ACCEPTANCE === '1' && Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE);
const ENV = `acceptance-${Date.now().toString(36)}`;

describe.runIf(enabled)('kiln on real AWS (KILN_AWS_ACCEPTANCE=1)', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  const ec2 = new EC2Client({});
  const options = () => ({ env: ENV, target: 'aws' as const, emit: recorder().emit, signal: new AbortController().signal });

  beforeAll(async () => {
    const subnets = (process.env.KILN_AWS_SUBNETS ?? '').split(',').filter(Boolean);
    if (subnets.length < 2) throw new Error('set KILN_AWS_SUBNETS to two subnets in different zones of one VPC');
    fixture = await releaseProject('it-aws-acceptance');
    const profile = process.env.KILN_AWS_INSTANCE_PROFILE ? `  instance_profile: ${process.env.KILN_AWS_INSTANCE_PROFILE}\n` : '';
    const groups = process.env.KILN_AWS_SECURITY_GROUPS ? `  security_groups: [${process.env.KILN_AWS_SECURITY_GROUPS}]\n` : '';
    await edit(fixture.dir, 'kiln.yaml', (text) => `${text}aws:\n  subnets: [${subnets.join(', ')}]\n${profile}${groups}`);
    await commitVersion(fixture.dir, '1.0.0');
  });
  afterAll(async () => {
    if (!fixture) return;
    await destroyEnvironment(await fixture.project(), ENV).catch(() => {});
    // The AMIs this run baked: tagged with the project, deregistered so the account is left as found.
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:project', Values: ['hello'] }, { Name: 'tag:kiln:commit', Values: ['*'] }] }));
    for (const image of images.Images ?? []) await ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId })).catch(() => {});
    await fixture.cleanup();
  });

  it('--plan names the calls a release makes, and sends none of them', async () => {
    const calls = await planAwsRelease(await fixture.project(), ENV);
    expect(calls.map((call) => call.action)).toContain('ModifyListener');
  });

  it('bakes an AMI through a builder, releases v1 behind an ALB, and v2 replaces it', async () => {
    const first = await release(await fixture.project(), options());
    expect(first.outcome, first.error ?? '').toBe('live');
    const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [first.recipeDigest!] }] }));
    expect(images.Images?.length).toBe(1);
    await commitVersion(fixture.dir, '2.0.0');
    const second = await release(await fixture.project(), options());
    expect(second.outcome, second.error ?? '').toBe('live');
    const old = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:kiln:release', Values: [first.release] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
    expect(old.Reservations ?? []).toEqual([]);
  });

  it('promotes a local rehearsal of the same tag with the same recipe digest', async () => {
    const rehearsal = await fixture.release();
    expect(rehearsal.outcome).toBe('live');
    const promoted = await promote(await fixture.project(), { release: rehearsal.release, fromEnv: fixture.env, to: 'aws', env: ENV, emit: recorder().emit, signal: new AbortController().signal });
    expect(promoted.outcome, promoted.error ?? '').toBe('live');
    expect(promoted.recipeDigest).toBe(rehearsal.recipeDigest);
  });
});
