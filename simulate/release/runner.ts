import { secondsSince } from '../../bake/events.js';
import type { ReleaseContext, Step } from './context.js';

/** What a step's run may return: a detail line, or a reason it was skipped. */
export type StepOutcome = string | { skipped: string } | void;

/**
 * Run steps from the first one not yet done. On failure, every step that ran gets its cleanup,
 * newest first (packer's multistep discipline), and the error is rethrown.
 */
export async function runSteps(context: ReleaseContext, steps: readonly Step[]): Promise<void> {
  for (const [index, step] of steps.entries()) {
    const entry = context.record.steps[index]!;
    if (entry.status === 'done' || entry.status === 'skipped') continue;
    if (context.signal.aborted) {
      await unwind(context, steps, index - 1);
      throw context.signal.reason instanceof Error ? context.signal.reason : new Error('interrupted');
    }
    entry.status = 'running';
    entry.startedAt = new Date().toISOString();
    await context.save();
    context.emit({ type: 'step', n: step.n, name: step.name, status: 'running' });
    const started = performance.now();
    try {
      const outcome: StepOutcome = await step.run(context);
      const skipped = typeof outcome === 'object' && outcome !== null;
      entry.status = skipped ? 'skipped' : 'done';
      entry.detail = skipped ? outcome.skipped : outcome || undefined;
      entry.seconds = secondsSince(started);
      await context.save();
      context.emit({ type: 'step', n: step.n, name: step.name, status: entry.status, seconds: entry.seconds, detail: entry.detail });
    } catch (error) {
      entry.status = 'failed';
      entry.seconds = secondsSince(started);
      entry.detail = (error as Error).message.split('\n')[0];
      await context.save();
      context.emit({ type: 'step', n: step.n, name: step.name, status: 'failed', seconds: entry.seconds, detail: entry.detail });
      await unwind(context, steps, index);
      throw error;
    }
  }
}

/** Clean up steps `upTo` down to the first, from the journal alone (this may be a different process). */
export async function unwind(context: ReleaseContext, steps: readonly Step[], upTo: number): Promise<void> {
  for (let index = upTo; index >= 0; index--) {
    const step = steps[index]!;
    const entry = context.record.steps[index]!;
    if (!step.cleanup || !['done', 'failed', 'running'].includes(entry.status)) continue;
    try {
      await step.cleanup(context);
      if (entry.status === 'done') {
        entry.status = 'rolled-back';
        context.emit({ type: 'step', n: step.n, name: step.name, status: 'rolled-back' });
      }
    } catch (error) {
      context.emit({ type: 'notice', level: 'warn', message: `cleanup of step ${step.n} (${step.name}) failed: ${(error as Error).message}` });
    }
    await context.save();
  }
}
