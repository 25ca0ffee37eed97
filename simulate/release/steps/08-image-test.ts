import { ExternalError } from '../../../bake/errors.js';
import { defaultRole } from '../../../bake/verify/verify.js';
import type { Step } from '../context.js';
import { firstOfEachRole } from './07-launch.js';

/** 8. Test: the image tests, inside the launched instance of each role they target. */
export const imageTest: Step = {
  n: 8,
  name: 'test image',
  async run(context) {
    const built = await context.built();
    if (context.faults.includes('test:fail')) {
      built.tests.image = [...built.tests.image, { name: 'injected fault test:fail', run: 'echo "kiln: injected failing image test"; exit 1', status: 200 }];
    }
    const roles = [...new Set(built.tests.image.map((test) => test.role ?? defaultRole(built)))];
    if (roles.length === 0) return { skipped: 'no tests.image in kiln.yaml' };
    let passed = 0;
    for (const role of roles) {
      const spec = firstOfEachRole(context.record.specs).find((candidate) => candidate.role === role);
      if (!spec) throw new ExternalError(`no launched instance of role ${role} to test`);
      passed += (await context.target.imageTests(spec, built, role, context.emit, context.signal)).length;
    }
    return `${passed} image tests passed`;
  },
};
