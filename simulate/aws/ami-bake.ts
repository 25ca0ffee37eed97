import type Docker from 'dockerode';
import type { Project } from '../../bake/config/project.js';
import { bakeDocker } from '../../bake/docker/bake.js';
import { randomBytes } from 'node:crypto';
import { UserError } from '../../bake/errors.js';
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
import { builderUserData, USER_DATA_LIMIT } from './user-data.js';
import { requireBuilderDone, terminateStaleBuilders, waitForBuilder } from './builder-instance.js';
import { discardAmi } from './discard-ami.js';
import { pollUntil } from './poll-until.js';

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
    if (options.hangBuilder) emit({ type: 'notice', level: 'warn', message: 'fault builder:hang has no effect: the AMI was reused, so no builder ran (change the recipe to rehearse it)' });
    return baked(reuse, true);
  }

  if (options.hangBuilder && !api.endpoint.emulated) throw new UserError('fault builder:hang is for rehearsals on moto or localstack; on AWS a real builder decides whether it powers off');
  const bundle = await builderBundle(await renderLayers(project));
  // An emulator's builder is stopped by kiln at once; only a rehearsed hang waits, so its bound is short there.
  const timeout = api.endpoint.emulated ? Math.min(project.aws.builder_timeout, 60) : project.aws.builder_timeout;
  const stale = await terminateStaleBuilders(api, local.recipeDigest, project.aws.builder_timeout);
  if (stale.length) emit({ type: 'notice', level: 'warn', message: `terminated ${stale.join(', ')}: AMI builders of this recipe left running by an earlier, interrupted bake` });
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
      imageId: options.baseAmi, instanceType: options.instanceType, userData, subnetId: options.subnetId, securityGroups: project.aws.security_groups,
      // One token per attempt: EC2 would hand a retried bake the first attempt's (terminated) builder for a day.
      clientToken: `${name}-${randomBytes(6).toString('hex')}`, tags: { Name: `${name}-builder`, 'kiln:managed': 'true', 'kiln:purpose': 'builder', 'kiln:recipe-digest': local.recipeDigest },
    }));
    builder = run.Instances?.[0]?.InstanceId;
    if (!builder) throw new UserError('RunInstances returned no instance for the AMI builder');
    emit({ type: 'log', source: 'ami', line: `builder ${builder} launched from ${options.baseAmi}` });
    // A real builder powers itself off when its scripts finish; an emulated one is stopped by kiln.
    if (api.endpoint.emulated && !options.hangBuilder) await api.send(ec2.stopInstance(builder));
    await waitForBuilder(api, builder, timeout, options.signal);
    if (!api.endpoint.emulated) await requireBuilderDone(api, builder, options.signal);
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
    if (image) await discardAmi(api, image, { quiet: true });
    if (builder) await api.send(ec2.terminateInstances([builder])).catch(() => undefined);
    if (staged) await unstageBundle(api, staged);
  }
}

async function waitForImage(api: AwsApi, imageId: string, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const state = await pollUntil(async () => {
    const found = (await api.send<{ Images?: { State?: string }[] }>(ec2.describeImage(imageId))).Images?.[0]?.State;
    return found === 'available' || found === 'failed' ? found : undefined;
  }, { deadline: Date.now() + timeoutSeconds * 1000, everyMs: api.endpoint.emulated ? 100 : 10_000, signal, interrupted: 'interrupted while waiting for the AMI' });
  if (state === 'failed') throw new UserError(`AMI ${imageId} failed to build`);
  if (!state) throw new UserError(`AMI ${imageId} was not available within ${timeoutSeconds}s`);
}

async function hasImage(docker: Docker, ref: string): Promise<boolean> {
  return Boolean(await docker.getImage(ref).inspect().catch(() => undefined));
}
