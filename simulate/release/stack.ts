import { newInstanceId } from '../../bake/boot/metadata.js';
import type { InstanceRecord, LaunchSpec, ReleaseRecord } from '../journal/record.js';
import type { Target } from '../targets/target.js';
import type { ReleaseContext } from './context.js';

/** The same instance again, from the same image and configure script, under a new id: replace, never repair. */
export function freshSpec(target: Target, spec: LaunchSpec): LaunchSpec {
  const instanceId = newInstanceId();
  return { ...spec, instanceId, name: target.instanceName(spec.role, instanceId) };
}

/** Launch specs (adopting any already running), journal each, then wait for all to turn healthy. */
export async function launchAndWait(context: ReleaseContext, specs: LaunchSpec[], timeoutSeconds: number, afterLaunch?: (instances: InstanceRecord[]) => Promise<void>): Promise<InstanceRecord[]> {
  const { record } = context;
  const launched: InstanceRecord[] = [];
  for (const spec of specs) {
    const instance = await context.target.launch({ ...spec, secrets: spec.secrets ?? [] }, record.id, spec.secrets?.length ? await context.secretValues() : undefined);
    record.instances = [...record.instances.filter((known) => known.instanceId !== instance.instanceId), instance];
    await context.save();
    launched.push(instance);
  }
  await afterLaunch?.(launched);
  await Promise.all(specs.map((spec) => context.target.waitHealthy(spec, timeoutSeconds, context.signal)));
  return launched;
}

/** Take a release's instances out of the load balancer, then stop them with the configured grace. */
export async function shutDownStack(context: ReleaseContext, target: ReleaseRecord): Promise<number> {
  const ids = target.specs.map((spec) => spec.instanceId).concat(target.instances.map((instance) => instance.instanceId));
  await context.target.lb.detach(ids).catch(() => {});
  // Instances the journal never heard of (a crash between launch and save) are found by label too.
  const names = new Set([...target.instances.map((instance) => instance.container), ...(await context.target.instancesOf(target.id))]);
  await Promise.all([...names].map((name) => context.target.terminate(name, context.project.release.grace)));
  for (const instance of target.instances) instance.state = 'terminated';
  return names.size;
}

/** Whether every instance of a release still runs (its stack can take traffic again without a launch). */
export async function stackRunning(platform: Target, release: ReleaseRecord): Promise<boolean> {
  const live = release.instances.filter((instance) => instance.state === 'running');
  if (live.length === 0) return false;
  return (await Promise.all(live.map((instance) => platform.running(instance.container)))).every(Boolean);
}
