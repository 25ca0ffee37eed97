import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { bootFiles, BOOT_DIR } from '../../bake/boot/boot-files.js';
import { deliverSecrets, SECRETS_TMPFS } from '../../bake/boot/secrets-delivery.js';
import { removeContainer } from '../../bake/docker/container-io.js';
import { explainDockerError } from '../../bake/docker/docker-errors.js';
import { LABEL } from '../../bake/docker/labels.js';
import { packTar } from '../../bake/docker/tar.js';
import { explainBootFailure } from '../../bake/verify/boot-trace.js';
import { waitHealthy } from '../../bake/verify/wait-healthy.js';
import type { InstanceRecord, LaunchSpec } from '../journal/record.js';
import { INSTANCE_LABEL } from './names.js';

export interface LaunchContext {
  project: string;
  env: string;
  release: string;
  network: string;
  /** Secret values, by name; the spec says which of them this instance gets. */
  secrets?: ReadonlyMap<string, string>;
}

/** Start one instance from its spec; an instance that already runs under that name is adopted, so resume is safe. */
export async function launchInstance(docker: Docker, spec: LaunchSpec, context: LaunchContext): Promise<InstanceRecord> {
  const container = docker.getContainer(spec.name);
  const existing = await container.inspect().catch(() => undefined);
  if (existing?.State.Running) return record(spec, existing, context.network);
  if (existing) await removeContainer(container);
  try {
    const created = await docker.createContainer({
      name: spec.name,
      Image: spec.imageId,
      Entrypoint: ['/bin/sh'],
      Cmd: [`${BOOT_DIR}/boot`],
      User: '0',
      Labels: {
        [LABEL.managed]: 'true', [LABEL.purpose]: 'instance', [LABEL.project]: context.project,
        [INSTANCE_LABEL.env]: context.env, [INSTANCE_LABEL.release]: context.release, [INSTANCE_LABEL.role]: spec.role, [INSTANCE_LABEL.instanceId]: spec.instanceId,
      },
      HostConfig: { NetworkMode: context.network, Init: true, ...(spec.secrets.length ? { Tmpfs: SECRETS_TMPFS } : {}) },
    });
    await created.putArchive(bootArchive(spec, context), { path: '/' });
    await created.start();
    if (spec.secrets.length) await deliverSecrets(docker, created, new Map(spec.secrets.map((name) => [name, context.secrets?.get(name) ?? ''])));
    return record(spec, await created.inspect(), context.network);
  } catch (error) {
    await removeContainer(container).catch(() => {});
    throw explainDockerError(error, `launching ${spec.role} instance ${spec.instanceId}`);
  }
}

/** The boot files an instance starts from: its metadata, configure script and role command. */
export function bootArchive(spec: LaunchSpec, context: LaunchContext) {
  const identity = { instanceId: spec.instanceId, imageId: spec.imageId, role: spec.role, project: context.project, zone: spec.zone, tags: { 'kiln:release': context.release, 'kiln:env': context.env } };
  return packTar(bootFiles(identity, spec.configure, spec.command, { secrets: spec.secrets.length > 0 }));
}

export function record(spec: LaunchSpec, info: Docker.ContainerInspectInfo, network: string): InstanceRecord {
  return { instanceId: spec.instanceId, role: spec.role, container: spec.name, imageId: spec.imageId, ip: info.NetworkSettings.Networks[network]?.IPAddress, state: 'running' };
}

/** Wait until the instance's role is healthy; a dead instance is explained from its own output. */
export async function waitInstanceHealthy(docker: Docker, spec: LaunchSpec, timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
  const container = docker.getContainer(spec.name);
  const role = { command: spec.command, configure: '', port: spec.port, health: spec.health, count: 1 };
  const health = await waitHealthy(docker, container, role, timeoutSeconds, signal);
  if (health.exited !== undefined) {
    throw explainBootFailure(`${spec.role} (${spec.instanceId})`, health.exited, await logLines(docker, container), 'the configure template');
  }
}

/** Stop with a short grace (SIGTERM, then SIGKILL), then remove; an instance already gone is fine. */
export async function terminateInstance(docker: Docker, name: string, graceSeconds: number): Promise<void> {
  const container = docker.getContainer(name);
  try {
    await container.stop({ t: graceSeconds });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 304 && status !== 404) throw explainDockerError(error, `stopping ${name}`);
  }
  await removeContainer(container);
}

/** Whether the instance's container still runs. */
export async function instanceRunning(docker: Docker, name: string): Promise<boolean> {
  const info = await docker.getContainer(name).inspect().catch(() => undefined);
  return Boolean(info?.State.Running && !info.State.Paused);
}

async function logLines(docker: Docker, container: Docker.Container): Promise<string[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const text: string[] = [];
  const sink = new PassThrough().on('data', (chunk: Buffer) => text.push(chunk.toString('utf8')));
  const source = new PassThrough();
  docker.modem.demuxStream(source, sink, sink);
  source.end(raw);
  await new Promise((done) => setImmediate(done));
  return text.join('').split('\n').filter(Boolean);
}
