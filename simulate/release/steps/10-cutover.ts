import { UserError } from '../../../bake/errors.js';
import { lbRole } from '../../lb/load-balancer.js';
import type { Step } from '../context.js';

/** 10. Cutover: the load balancer moves to the new stack only once its own checks pass for every new instance. */
export const cutover: Step = {
  n: 10,
  name: 'cutover',
  async run(context) {
    const { record } = context;
    const { lb } = context.target;
    const lbRecord = await lb.ensure(context.emit, context.signal);
    const role = lbRole(context.project);
    const members = record.instances.filter((instance) => instance.role === role && instance.state === 'running');
    await lb.stage(members.map((instance) => ({ release: record.id, instanceId: instance.instanceId, address: instance.ip!, port: context.project.roles[role]!.port! })), { drainSeconds: context.project.release.grace });
    if (context.faults.includes('cutover:unhealthy')) await context.target.fault('hang', members[0]!.container);
    await lb.waitUp(members.map((instance) => instance.instanceId), lb.healthWaitSeconds(context.project.release.timeout), context.signal);
    const health = await lb.health();
    const facts = members.map((instance) => `${instance.instanceId} (${instance.ip}) ${health.get(instance.instanceId) ? 'healthy' : 'unhealthy'}`);
    if (!(await context.decide({ kind: 'cutover', release: record.id, facts }))) {
      throw new UserError('cutover declined; traffic stays on the old stack', 'run kiln release again when ready');
    }
    const seconds = await lb.switchTo(record.id);
    record.lb = { url: lbRecord.url, live: members.map((instance) => instance.instanceId) };
    return `${members.length} ${role} instances behind ${lbRecord.url}; switched in ${(seconds * 1000).toFixed(1)} ms`;
  },
  // Roll back: the old stack serves again (its slots only drained), and the new one leaves the backend.
  async cleanup(context) {
    const { record } = context;
    const { lb } = context.target;
    const previous = record.previous ? await context.journal.load(record.previous) : undefined;
    if (previous) await lb.switchTo(previous.id);
    await lb.detach(record.instances.map((instance) => instance.instanceId));
  },
};
