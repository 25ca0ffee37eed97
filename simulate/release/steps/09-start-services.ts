import type { Step } from '../context.js';
import { launchAndWait } from '../stack.js';
import { firstOfEachRole } from './07-launch.js';

/** 9. Start services: the rest of the new stack, beside the old one. */
export const startServices: Step = {
  n: 9,
  name: 'start services',
  async run(context) {
    const { record } = context;
    const first = new Set(firstOfEachRole(record.specs).map((spec) => spec.instanceId));
    const rest = record.specs.filter((spec) => !first.has(spec.instanceId));
    await launchAndWait(context, rest, context.project.release.timeout, async (launched) => {
      // Rehearse an instance dying before it is ever healthy.
      if (context.faults.includes('start:die') && launched.length > 0) await context.target.fault('kill', launched[launched.length - 1]!.container);
    });
    if (context.faults.includes('start:die') && rest.length === 0) throw new Error('injected fault start:die: roles have count 1, so step 9 starts nothing to kill');
    return `${record.specs.length} instances running (${rest.length} started now)`;
  },
};
