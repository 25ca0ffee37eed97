import type { LaunchSpec } from '../../journal/record.js';
import type { Step } from '../context.js';
import { launchAndWait, shutDownStack } from '../stack.js';

/** The spec launch uses for a role, with the `launch:fail` fault applied when asked for. */
function firstOfEachRole(specs: LaunchSpec[]): LaunchSpec[] {
  return specs.filter((spec, index) => specs.findIndex((other) => other.role === spec.role) === index);
}

/** 7. Launch: one instance per role, healthy before anything else starts. */
export const launch: Step = {
  n: 7,
  name: 'launch',
  async run(context) {
    const specs = firstOfEachRole(context.record.specs).map((spec, index) =>
      index === 0 && context.faults.includes('launch:fail')
        ? { ...spec, command: `sh -c 'echo "kiln: injected fault launch:fail" >&2; exit 3'` }
        : spec,
    );
    const launched = await launchAndWait(context, specs, context.project.release.timeout);
    return launched.map((instance) => `${instance.role} ${instance.instanceId}`).join(', ');
  },
  // Everything this release started goes, whichever later step failed.
  async cleanup(context) {
    await shutDownStack(context, context.record);
  },
};

export { firstOfEachRole };
