import type Docker from 'dockerode';
import { LABEL } from '../../bake/docker/labels.js';
import type { InstanceRecord, LaunchSpec, ReleaseRecord } from '../journal/record.js';
import { instanceRunning, launchInstance, terminateInstance, waitInstanceHealthy } from '../local/instances.js';
import { INSTANCE_LABEL } from '../local/names.js';
import type { ReleaseContext } from './context.js';

/** Launch specs (adopting any already running), journal each, then wait for all to turn healthy. */
export async function launchAndWait(context: ReleaseContext, specs: LaunchSpec[], timeoutSeconds: number, afterLaunch?: (instances: InstanceRecord[]) => Promise<void>): Promise<InstanceRecord[]> {
  const { record } = context;
  const launched: InstanceRecord[] = [];
  for (const spec of specs) {
    const instance = await launchInstance(context.docker, { ...spec, secrets: spec.secrets ?? [] }, { project: context.project.project, env: record.env, release: record.id, network: context.network, secrets: spec.secrets?.length ? context.secretValues() : undefined });
    record.instances = [...record.instances.filter((known) => known.instanceId !== instance.instanceId), instance];
    await context.save();
    launched.push(instance);
  }
  await afterLaunch?.(launched);
  await Promise.all(specs.map((spec) => waitInstanceHealthy(context.docker, spec, timeoutSeconds, context.signal)));
  return launched;
}

/** Every container of a release, found by label (so instances the journal never heard of are found too). */
export async function releaseContainers(docker: Docker, project: string, env: string, release: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`, `${LABEL.project}=${project}`, `${INSTANCE_LABEL.env}=${env}`, `${INSTANCE_LABEL.release}=${release}`] } });
  return found.map((container) => container.Names[0]!.replace(/^\//, ''));
}

/** Take a release's instances out of the load balancer, then stop them with the configured grace. */
export async function shutDownStack(context: ReleaseContext, target: ReleaseRecord): Promise<number> {
  const ids = target.specs.map((spec) => spec.instanceId).concat(target.instances.map((instance) => instance.instanceId));
  await context.lb.detach(ids).catch(() => {});
  const names = new Set([...target.instances.map((instance) => instance.container), ...(await releaseContainers(context.docker, context.project.project, target.env, target.id))]);
  await Promise.all([...names].map((name) => terminateInstance(context.docker, name, context.project.release.grace)));
  for (const instance of target.instances) instance.state = 'terminated';
  return names.size;
}

/** Whether every instance of a release still runs (its stack can take traffic again without a launch). */
export async function stackRunning(docker: Docker, target: ReleaseRecord): Promise<boolean> {
  const live = target.instances.filter((instance) => instance.state === 'running');
  if (live.length === 0) return false;
  return (await Promise.all(live.map((instance) => instanceRunning(docker, instance.container)))).every(Boolean);
}
