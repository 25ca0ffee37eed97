import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { takeLock } from '../journal/lock.js';
import { lbRole } from '../lb/load-balancer.js';
import { openEnvironment, releaseContext, type ContextOptions } from './environment.js';
import { freshSpec, launchAndWait } from './stack.js';

export interface HealResult {
  release: string;
  replaced: { old: string; new: string; role: string; why: string }[];
}

/**
 * Fast fail: replace every dead or unhealthy instance of the live release with a fresh one from the
 * same image. Nothing is repaired in place.
 */
export async function heal(project: Project, options: ContextOptions & { env: string }): Promise<HealResult> {
  const environment = await openEnvironment(project, options.env);
  const { journal, target } = environment;
  const { lb } = target;
  const state = await journal.state();
  if (!state.live) throw new UserError(`nothing is live in ${options.env}`, 'kiln release first');
  const unlock = await takeLock(journal.lockFile, `heal ${state.live}`);
  try {
    const record = await journal.load(state.live);
    const context = releaseContext(environment, record, options);
    const role = lbRole(project);
    const health = state.lb ? await lb.health() : new Map<string, boolean>();
    const replaced: HealResult['replaced'] = [];
    for (const instance of record.instances.filter((candidate) => candidate.state === 'running')) {
      const running = await target.running(instance.container);
      const why = !running ? 'not running' : instance.role === role && health.get(instance.instanceId) === false ? 'failing the load balancer health check' : undefined;
      if (!why) continue;
      const old = record.specs.find((spec) => spec.instanceId === instance.instanceId)!;
      const spec = freshSpec(target, old);
      const { instanceId } = spec;
      options.emit({ type: 'notice', level: 'warn', message: `${instance.role} ${instance.instanceId} is ${why}: replacing it with ${instanceId}` });
      record.specs.push(spec);
      const [fresh] = await launchAndWait(context, [spec], project.release.timeout);
      if (instance.role === role) {
        await lb.stage([{ release: record.id, instanceId, address: fresh!.ip!, port: project.roles[role]!.port! }], { drainSeconds: project.release.grace });
        await lb.waitUp([instanceId], Math.max(project.release.timeout, lb.healthWaitSeconds(project.release.timeout)), options.signal);
        await lb.switchTo(record.id);
      }
      await lb.detach([instance.instanceId]);
      await target.terminate(instance.container, 0);
      instance.state = 'terminated';
      record.specs = record.specs.filter((candidate) => candidate.instanceId !== instance.instanceId);
      await journal.save(record);
      replaced.push({ old: instance.instanceId, new: instanceId, role: instance.role, why });
    }
    if (replaced.length) {
      const fresh = await journal.state();
      fresh.events.push({ at: new Date().toISOString(), kind: 'heal', release: record.id, detail: replaced.map((entry) => `${entry.old} → ${entry.new}`).join(', ') });
      await journal.saveState(fresh);
    }
    return { release: record.id, replaced };
  } finally {
    await unlock();
  }
}
