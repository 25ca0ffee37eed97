import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { secondsSince } from '../../bake/events.js';
import { takeLock } from '../journal/lock.js';
import type { ReleaseRecord } from '../journal/record.js';
import { lbRole } from '../lb/load-balancer.js';
import { openEnvironment, releaseContext, type ContextOptions } from './environment.js';
import { freshSpec, launchAndWait, shutDownStack, stackRunning } from './stack.js';

export interface RollbackOptions extends ContextOptions {
  env: string;
  /** The release to go back to (default: the newest earlier release that went live). */
  to?: string;
  /** Keep the stack we leave running, as a standby. */
  keep?: boolean;
}

export interface RollbackResult {
  from: string;
  to: string;
  relaunched: boolean;
  url: string;
  /** From the start of the rollback until the target release takes the traffic. */
  servingSeconds: number;
  /** The whole command, including shutting down the stack it left. */
  seconds: number;
}

/** Serve an earlier release's image again: switch to its stack if it still runs, else relaunch it. Never rebuilds. */
export async function rollback(project: Project, options: RollbackOptions): Promise<RollbackResult> {
  const started = performance.now();
  const environment = await openEnvironment(project, options.env);
  const { journal, target: platform } = environment;
  const { lb } = platform;
  const state = await journal.state();
  if (!state.live) throw new UserError(`nothing is live in ${options.env}, so there is nothing to roll back`, 'kiln history lists releases');
  const records = await journal.list();
  const target = options.to ? await journal.load(options.to) : pickTarget(records, state.live);
  if (target.id === state.live) throw new UserError(`${target.id} is already live`);
  if (target.outcome !== 'live') throw new UserError(`${target.id} never went live (${target.outcome}), so kiln will not serve it`, 'pick a release that worked: kiln history marks them live');
  if (!target.image || !(await platform.imageExists(target.image.id))) {
    throw new UserError(`the image of ${target.id} is gone (kiln gc removed it?)`, `release its tag again: git checkout ${target.tag} && kiln release`);
  }
  const unlock = await takeLock(journal.lockFile, `rollback to ${target.id}`);
  try {
    const context = releaseContext(environment, target, options);
    const lbUrl = (await lb.ensure(options.emit, options.signal)).url;
    const role = lbRole(project);
    const relaunched = !(await stackRunning(platform, target));
    if (relaunched) {
      options.emit({ type: 'notice', level: 'info', message: `${target.id}'s stack is gone; relaunching it from image ${target.image.ref}` });
      for (const instance of target.instances) instance.state = 'terminated';
      target.specs = target.specs.map((spec) => freshSpec(platform, spec));
      await launchAndWait(context, target.specs, project.release.timeout);
    }
    const members = target.instances.filter((instance) => instance.role === role && instance.state === 'running');
    await lb.stage(members.map((instance) => ({ release: target.id, instanceId: instance.instanceId, address: instance.ip!, port: project.roles[role]!.port! })), { drainSeconds: project.release.grace });
    // A re-attached group starts its checks afresh: never wait less than the balancer needs.
    await lb.waitUp(members.map((instance) => instance.instanceId), Math.max(project.release.timeout, lb.healthWaitSeconds(project.release.timeout)), options.signal);
    await lb.switchTo(target.id);
    const servingSeconds = secondsSince(started);
    await journal.save(target);
    const current = await journal.load(state.live);
    if (!options.keep) {
      await shutDownStack(context, current);
      await journal.save(current);
    }
    const fresh = await journal.state();
    fresh.live = target.id;
    fresh.standby = [...new Set([...fresh.standby.filter((id) => id !== target.id), ...(options.keep ? [current.id] : [])])];
    fresh.events.push({ at: new Date().toISOString(), kind: 'rollback', release: target.id, detail: `from ${current.id}${relaunched ? ', relaunched' : ''}` });
    await journal.saveState(fresh);
    return { from: current.id, to: target.id, relaunched, url: lbUrl, servingSeconds, seconds: secondsSince(started) };
  } finally {
    await unlock();
  }
}

/** The newest release before the live one that went live itself. */
function pickTarget(records: ReleaseRecord[], live: string): ReleaseRecord {
  const liveRecord = records.find((record) => record.id === live);
  const earlier = records.filter((record) => record.outcome === 'live' && record.id !== live && record.n < (liveRecord?.n ?? Infinity));
  const target = earlier[earlier.length - 1];
  if (!target) throw new UserError(`no earlier release that went live before ${live}`, 'kiln history lists releases; use --to to pick one');
  return target;
}
