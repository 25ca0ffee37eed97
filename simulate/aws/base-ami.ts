import type Docker from 'dockerode';
import type { Project } from '../../bake/config/project.js';
import { connectDocker } from '../../bake/docker/connect.js';
import { resolveBase } from '../../bake/docker/base-image.js';
import { UserError } from '../../bake/errors.js';
import { fieldAt } from '../../bake/config/where.js';
import type { Emit } from '../../bake/events.js';
import { shortDigest } from '../../bake/recipe/digest.js';
import { AwsApi } from './api.js';
import { emulatedImageRef } from './emulated-images.js';
import { ec2, ssm } from './requests.js';

/**
 * The AMI builders start from: an ami- id, or a public SSM parameter (Debian publishes bookworm's).
 * An emulator has no Debian AMI, so kiln registers one there that stands for the project's OS base
 * (the same Docker base the local bake uses), tagged by the base's digest.
 */
export async function resolveBaseAmi(api: AwsApi, docker: Docker | undefined, project: Project, configured: string, emit: Emit): Promise<string> {
  if (configured.startsWith('ami-')) return mustExist(api, project, configured, configured);
  const parameter = configured.replace(/^resolve:ssm:/, '');
  try {
    const found = await api.send<{ Parameter?: { Value?: string } }>(ssm.getParameter(parameter));
    if (found.Parameter?.Value) return mustExist(api, project, found.Parameter.Value, `${found.Parameter.Value} (from ${parameter})`);
  } catch (error) {
    if (!api.endpoint.emulated) throw parameterError(project, parameter, error);
  }
  if (!api.endpoint.emulated) throw new UserError(`${fieldAt(project, 'aws.base_ami')}: SSM parameter ${parameter} has no value`, 'set aws.base_ami to an ami- id');
  const engine = docker ?? (await connectDocker());
  const base = await resolveBase(engine, project.os, emit);
  const name = `kiln-base-${shortDigest(base.digest)}`;
  const known = await api.send<{ Images?: { ImageId?: string }[] }>(ec2.findImagesTagged('kiln:base-digest', base.digest));
  const existing = known.Images?.[0]?.ImageId;
  if (existing && (await engine.getImage(emulatedImageRef(name, existing)).inspect().catch(() => undefined))) return existing;
  const registered = await api.send<{ ImageId?: string }>(ec2.registerImage(name, { 'kiln:base-digest': base.digest, 'kiln:managed': 'true' }));
  const id = registered.ImageId!;
  // Emulators drop RegisterImage's TagSpecifications; tagging again is what lets the next release find this one.
  await api.send(ec2.createTags(id, { 'kiln:base-digest': base.digest, 'kiln:managed': 'true' }));
  await engine.getImage(base.ref).tag({ repo: `localstack-ec2/${name}`, tag: id });
  emit({ type: 'notice', level: 'info', message: `registered ${id} on ${api.endpoint.target} as the base AMI, standing for ${base.description}` });
  return id;
}

/** A builder launched from a missing AMI fails late (or, on an emulator, not at all): check first. */
async function mustExist(api: AwsApi, project: Project, imageId: string, shown: string): Promise<string> {
  const found = await api.send<{ Images?: { ImageId?: string; State?: string }[] }>(ec2.describeImage(imageId)).catch((error: unknown) => {
    if (/InvalidAMIID/.test(String(AwsApi.code(error)) + (error as Error).message)) return { Images: [] };
    throw error;
  });
  const image = found.Images?.find((candidate) => candidate.ImageId === imageId);
  if (!image) {
    throw new UserError(`${fieldAt(project, 'aws.base_ami')}: base AMI ${shown} does not exist in ${api.endpoint.target}${api.endpoint.region ? ` (${api.endpoint.region})` : ''}`, 'AMI ids are per region: check aws.region, or use resolve:ssm:/aws/service/debian/release/bookworm/latest/amd64');
  }
  if (image.State && image.State !== 'available') throw new UserError(`${fieldAt(project, 'aws.base_ami')}: base AMI ${shown} is ${image.State}, not available`);
  return imageId;
}

function parameterError(project: Project, parameter: string, error: unknown): Error {
  if (!/ParameterNotFound/.test(String(AwsApi.code(error)) + (error as Error).message)) return error as Error;
  return new UserError(`${fieldAt(project, 'aws.base_ami')}: SSM parameter ${parameter} does not exist in this region`, 'check the parameter name, or set aws.base_ami to an ami- id', { cause: error });
}
