import type { Step } from '../context.js';
import { shutDownStack } from '../stack.js';

/** 12. Shut down the old stack, only now that production tests passed. Failing to stop it never undoes the release. */
export const shutdown: Step = {
  n: 12,
  name: 'shut down old stack',
  async run(context) {
    const { record } = context;
    if (!record.previous) return { skipped: 'no old stack: this is the first release here' };
    if (context.keepOld) return { skipped: `kept ${record.previous} running (--keep-old) for an instant rollback` };
    const previous = await context.journal.load(record.previous);
    try {
      const stopped = await shutDownStack(context, previous);
      await context.journal.save(previous);
      return `stopped ${stopped} instances of ${previous.id} (grace ${context.project.release.grace}s)`;
    } catch (error) {
      context.emit({ type: 'notice', level: 'warn', message: `the old stack could not be fully stopped: ${(error as Error).message}; the new release stays live` });
      return `old stack partly stopped: ${(error as Error).message}`;
    }
  },
};
