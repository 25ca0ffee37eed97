import type Docker from 'dockerode';
import type { Project } from '../../bake/config/project.js';
import { bakeDocker } from '../../bake/docker/bake.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import type { GitState } from '../../bake/git.js';
import { shortDigest } from '../../bake/recipe/digest.js';
import { renderLayers } from '../../bake/recipe/recipe.js';
import type { BakedImage } from '../targets/target.js';
import { AwsApi } from './api.js';
import { emulatedImageRef } from './emulated-images.js';
import { ec2 } from './requests.js';
import { builderBundle } from './builder-bundle.js';
import { stageBundle, unstageBundle, type StagedBundle } from './bundle-staging.js';
import { BUILDER_FAILED, builderUserData, USER_DATA_LIMIT } from './user-data.js';

export interface AmiBakeOptions {
  emit: Emit;
  signal: AbortSignal;
  git: GitState;
  stateDir: string;
  instanceType: string;
  baseAmi: string;
  subnetId?: string;
  /** The local engine, which plays the builder's data plane on an emulator. */
  docker: Docker;
  /** Rehearsal fault: the builder never powers off (an emulated one is simply not stopped). */
  hangBuilder?: boolean;
}

/**
 * Bake an AMI: reuse one tagged with the same recipe digest, else launch a builder from the base AMI
 * whose user-data runs the same layer scripts, stop it, image it, tag the image, terminate the builder.
 * Every failure path terminates the builder and deregisters a half-made image.
 *
 * On an emulator, which runs no user-data, the local Docker bake runs those scripts from the same base
 * (layer by layer, cached) and the result is tagged localstack-ec2/<name>:<ami-id>, LocalStack's convention.
 */
export async function bakeAmi(api: AwsApi, project: Project, options: AmiBakeOptions): Promise<BakedImage> {
  const { emit } = options;
  const local = await bakeDocker(project, { emit, signal: options.signal, docker: options.docker, build: false, git: options.git, stateDir: options.stateDir });
  const name = `kiln-${project.project}-${shortDigest(local.recipeDigest)}`;
  const tags = {
    Name: name, 'kiln:managed': 'true', 'kiln:project': project.project, 'kiln:recipe-digest': local.recipeDigest,
    ...Object.fromEntries(local.layers.map((layer) => [`kiln:layer:${layer.name}`, layer.digest])),
    'kiln:commit': options.git.commit, 'kiln:base-ami': options.baseAmi, ...(options.git.tag ? { 'kiln:release-tag': options.git.tag } : {}),
  };
  const baked = (id: string, cached: boolean): BakedImage => ({
    ref: `${name} (${id})`, id, recipeDigest: local.recipeDigest, bom: local.bom,
    layers: local.layers.map((layer) => ({ name: layer.name, digest: layer.digest, cached: cached || layer.cached })),
  });

  const existing = await api.send<{ Images?: { ImageId?: string }[] }>(ec2.findImagesByDigest(local.recipeDigest));
  const reuse = existing.Images?.[0]?.ImageId;
  if (reuse && (!api.endpoint.emulated || (await hasImage(options.docker, emulatedImageRef(name, reuse))))) {
    emit({ type: 'notice', level: 'info', message: `AMI ${reuse} already carries recipe ${shortDigest(local.recipeDigest)}: reused` });
    return baked(reuse, true);
  }

  const bundle = await builderBundle(await renderLayers(project));
  // An emulator's builder is stopped by kiln at once; only a rehearsed hang waits, so its bound is short there.
  const timeout = api.endpoint.emulated ? Math.min(project.aws.builder_timeout, 60) : project.aws.builder_timeout;
  let staged: StagedBundle | undefined;
  let builder: string | undefined;
  let image: string | undefined;
  try {
    let userData = builderUserData({ embedded: bundle.archive });
    if (Buffer.byteLength(userData) > USER_DATA_LIMIT) {
      staged = await stageBundle(api, project, bundle, timeout + 600);
      userData = builderUserData({ url: staged.url, sha256: bundle.sha256 });
      emit({ type: 'log', source: 'ami', line: `builder bundle (${bundle.archive.length} bytes) is over user-data's 16 KB: staged at s3://${staged.bucket}/${staged.key}` });
    }
    const run = await api.send<{ Instances?: { InstanceId?: string }[] }>(ec2.runInstance({
      imageId: options.baseAmi, instanceType: options.instanceType, userData, subnetId: options.subnetId,
      clientToken: `${name}-builder`.slice(0, 64), tags: { Name: `${name}-builder`, 'kiln:managed': 'true', 'kiln:purpose': 'builder', 'kiln:recipe-digest': local.recipeDigest },
    }));
    builder = run.Instances?.[0]?.InstanceId;
    if (!builder) throw new UserError('RunInstances returned no instance for the AMI builder');
    emit({ type: 'log', source: 'ami', line: `builder ${builder} launched from ${options.baseAmi}` });
    // A real builder powers itself off when its scripts finish; an emulated one is stopped by kiln.
    if (api.endpoint.emulated && !options.hangBuilder) await api.send(ec2.stopInstance(builder));
    await waitForBuilder(api, builder, timeout, options.signal);
    if (!api.endpoint.emulated) await checkBuilderConsole(api, builder);
    const created = await api.send<{ ImageId?: string }>(ec2.createImage(builder, name, tags));
    image = created.ImageId;
    if (!image) throw new UserError('CreateImage returned no image id');
    await waitForImage(api, image, api.endpoint.emulated ? 60 : 3600, options.signal);
    if (api.endpoint.emulated) await options.docker.getImage(local.imageId).tag({ repo: `localstack-ec2/${name}`, tag: image });
    emit({ type: 'log', source: 'ami', line: `image ${image} available, tagged with recipe ${shortDigest(local.recipeDigest)}` });
    const made = image;
    image = undefined; // made: not to be deregistered by the cleanup below
    return baked(made, false);
  } finally {
    if (image) await discardImage(api, image);
    if (builder) await api.send(ec2.terminateInstances([builder])).catch(() => undefined);
    if (staged) await unstageBundle(api, staged);
  }
}

/** Deregister a half-made AMI and delete its snapshots, so a failed bake leaves no orphan volume data. */
export async function discardImage(api: AwsApi, imageId: string): Promise<void> {
  const described = await api.send<{ Images?: { BlockDeviceMappings?: { Ebs?: { SnapshotId?: string } }[] }[] }>(ec2.describeImage(imageId)).catch(() => ({ Images: [] }));
  const snapshots = (described.Images?.[0]?.BlockDeviceMappings ?? []).map((mapping) => mapping.Ebs?.SnapshotId).filter((id): id is string => Boolean(id));
  await api.send(ec2.deregisterImage(imageId)).catch(() => undefined);
  for (const snapshot of snapshots) await api.send({ service: 'ec2', action: 'DeleteSnapshot', reversible: false, input: { SnapshotId: snapshot } }).catch(() => undefined);
}

/** Wait for the builder to power off; one that never does is terminated by the caller, and its console shown. */
async function waitForBuilder(api: AwsApi, instanceId: string, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new UserError('interrupted while waiting for the AMI builder');
    const described = await api.send<{ Reservations?: { Instances?: { State?: { Name?: string } }[] }[] }>({ service: 'ec2', action: 'DescribeInstances', reversible: true, input: { InstanceIds: [instanceId] } });
    if (described.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'stopped') return;
    await new Promise((done) => setTimeout(done, api.endpoint.emulated ? 100 : 5000));
  }
  throw new ExternalError(`the AMI builder ${instanceId} did not power off within ${timeoutSeconds}s (aws.builder_timeout); it was terminated and no AMI was made`, `builder ${instanceId}`, {
    hint: 'the tail below is its console: a layer script may be waiting for input; raise aws.builder_timeout if the bake is only slow',
    tail: api.endpoint.emulated ? [] : await consoleTail(api, instanceId),
  });
}

/** The builder prints its outcome on the console; a failed script still powers off, so read which it was. */
async function checkBuilderConsole(api: AwsApi, instanceId: string): Promise<void> {
  const tail = await consoleTail(api, instanceId, 40);
  if (tail.some((line) => line.includes(BUILDER_FAILED))) {
    throw new ExternalError(`a layer script failed on the AMI builder ${instanceId}; no AMI was made`, `builder ${instanceId}`, { hint: 'the tail below is its console output', tail: tail.slice(-20) });
  }
}

async function consoleTail(api: AwsApi, instanceId: string, lines = 20): Promise<string[]> {
  const output = await api.send<{ Output?: string }>(ec2.consoleOutput(instanceId)).catch(() => ({}) as { Output?: string });
  return Buffer.from(output.Output ?? '', 'base64').toString().trimEnd().split('\n').slice(-lines);
}

async function waitForImage(api: AwsApi, imageId: string, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new UserError('interrupted while waiting for the AMI');
    const described = await api.send<{ Images?: { State?: string }[] }>(ec2.describeImage(imageId));
    const state = described.Images?.[0]?.State;
    if (state === 'available') return;
    if (state === 'failed') throw new UserError(`AMI ${imageId} failed to build`);
    await new Promise((done) => setTimeout(done, api.endpoint.emulated ? 100 : 10_000));
  }
  throw new UserError(`AMI ${imageId} was not available within ${timeoutSeconds}s`);
}

async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return Boolean(await docker.getImage(ref).inspect().catch(() => undefined));
}
