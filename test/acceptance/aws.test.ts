import { DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import { planAwsRelease } from '../../simulate/aws/plan.js';
import { promote } from '../../simulate/release/promote.js';
import { release } from '../../simulate/release/release.js';
import { git, recorder } from '../integration/fixtures.js';
import { commitVersion, edit, releaseProject } from '../integration/release-fixtures.js';

/**
 * The same release on real AWS. It costs money and needs an account, so it runs only when asked:
 *   KILN_AWS_ACCEPTANCE=1 KILN_AWS_SUBNETS=subnet-a,subnet-b KILN_AWS_INSTANCE_PROFILE=name AWS_REGION=… npm run test:aws
 *
 *   KILN_AWS_ACCEPTANCE=1      the switch: without it every test here is reported as skipped. With it, a run that
 *                              cannot proceed (anything required below missing) fails and says what is missing.
 *   KILN_AWS_SUBNETS           required: two subnets in different zones of one VPC, comma-separated, with a route to
 *                              SSM (NAT or VPC endpoints) for the image tests.
 *   KILN_AWS_INSTANCE_PROFILE  required: an IAM instance profile whose role has AmazonSSMManagedInstanceCore; the
 *                              example has image tests, and step 8 runs them on EC2 through SSM Run Command.
 *   KILN_AWS_SECURITY_GROUPS   optional: security groups for the ALB and instances, comma-separated (default: the VPC's).
 *   KILN_AWS_BASE_AMI          optional: the base AMI, an ami- id or resolve:ssm:/… (default: Ubuntu 24.04, below).
 *   credentials and region     the AWS SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO,
 *                              AWS_REGION, …), checked with STS GetCallerIdentity before anything is made.
 * Afterwards the environment is destroyed and the AMIs this run baked (tagged with the fixture's commits) are
 * deregistered with their snapshots.
 */
const enabled = process.env.KILN_AWS_ACCEPTANCE === '1';
const ENV = `acceptance-${Date.now().toString(36)}`;
const SUBNETS = (process.env.KILN_AWS_SUBNETS ?? '').split(',').map((subnet) => subnet.trim()).filter(Boolean);
// Ubuntu 24.04, not kiln's Debian default: its AMIs ship the SSM agent (and curl) step 8 needs, it has apt like the
// example's templates, and its archive has the nodejs (18) the example's packages.apt asks for.
const BASE_AMI = process.env.KILN_AWS_BASE_AMI || 'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id';

/** Why this run cannot go ahead, one line each; none when it can. */
async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  const sts = new STSClient({});
  try {
    await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    missing.push(`no usable AWS credentials or region from the SDK's default chain (STS GetCallerIdentity: ${(error as Error).message}): set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and AWS_REGION`);
  } finally {
    sts.destroy();
  }
  if (SUBNETS.length < 2) missing.push('KILN_AWS_SUBNETS must name two subnets in different zones of one VPC: subnet-a,subnet-b');
  if (!process.env.KILN_AWS_INSTANCE_PROFILE) missing.push('KILN_AWS_INSTANCE_PROFILE must name an IAM instance profile with AmazonSSMManagedInstanceCore: the example\'s image tests run through SSM');
  return missing;
}

/** Deregister the AMIs baked from these commits and delete their snapshots; what could not be removed is returned. */
async function removeAmisOf(ec2: EC2Client, commits: string[]): Promise<string[]> {
  if (commits.length === 0) return [];
  const found = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:kiln:commit', Values: commits }] }));
  const leftovers: string[] = [];
  for (const image of found.Images ?? []) {
    // Read before deregistering: a snapshot can be deleted only once no AMI uses it.
    const snapshots = (image.BlockDeviceMappings ?? []).flatMap((mapping) => (mapping.Ebs?.SnapshotId ? [mapping.Ebs.SnapshotId] : []));
    try {
      await ec2.send(new DeregisterImageCommand({ ImageId: image.ImageId }));
    } catch (error) {
      leftovers.push(`${image.ImageId} (${(error as Error).message})`);
      continue;
    }
    for (const snapshot of snapshots) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshot })).catch((error: unknown) => leftovers.push(`${snapshot} of ${image.ImageId} (${(error as Error).message})`));
  }
  return leftovers;
}

describe.runIf(enabled)('kiln on real AWS (KILN_AWS_ACCEPTANCE=1)', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  const ec2 = new EC2Client({});
  const options = () => ({ env: ENV, target: 'aws' as const, emit: recorder().emit, signal: new AbortController().signal });

  beforeAll(async () => {
    // Asked for but impossible: fail loudly, since a skip would read as a pass.
    const missing = await missingPrerequisites();
    if (missing.length) throw new Error(`KILN_AWS_ACCEPTANCE=1 is set, but the run cannot proceed:\n  - ${missing.join('\n  - ')}`);
    fixture = await releaseProject('it-aws-acceptance');
    const groups = process.env.KILN_AWS_SECURITY_GROUPS ? `  security_groups: [${process.env.KILN_AWS_SECURITY_GROUPS}]\n` : '';
    await edit(fixture.dir, 'kiln.yaml', (text) => `${text}aws:\n  subnets: [${SUBNETS.join(', ')}]\n  base_ami: ${JSON.stringify(BASE_AMI)}\n  instance_profile: ${process.env.KILN_AWS_INSTANCE_PROFILE}\n${groups}`);
    await commitVersion(fixture.dir, '1.0.0');
  });
  afterAll(async () => {
    if (!fixture) return;
    try {
      await destroyEnvironment(await fixture.project(), ENV).catch(() => {});
      // Only AMIs this run baked: each is tagged with the commit it was baked from, and these commits exist only in the fixture.
      const commits = (await git(fixture.dir, 'rev-list', '--all')).split('\n').filter(Boolean);
      const leftovers = await removeAmisOf(ec2, commits);
      if (leftovers.length) throw new Error(`left in the account, remove by hand: ${leftovers.join(', ')}`);
    } finally {
      await fixture.cleanup();
    }
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
