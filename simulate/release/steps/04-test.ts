import { runProjectCommand } from '../../../bake/project-command.js';
import type { Step } from '../context.js';

/** 4. Test: the app's own tests, on the exported build. */
export const test: Step = {
  n: 4,
  name: 'test',
  async run(context) {
    const built = await context.built();
    if (!built.app.test) return { skipped: 'no app.test in kiln.yaml' };
    await runProjectCommand(built.app.test, built.dir, 'app.test', context.emit, context.signal);
    return built.app.test;
  },
};
