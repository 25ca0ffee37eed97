import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../simulate/release/faults.js';
import { environmentStatus } from '../../simulate/release/status.js';
import { containersOf, releaseProject, servedVersion } from './release-fixtures.js';

/** Every rehearsed fault ends in its documented outcome, with the old stack still serving and nothing of the new one left. */
describe('release --inject', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let url: string;

  beforeAll(async () => {
    fixture = await releaseProject('it-faults');
    const first = await fixture.release();
    expect(first.outcome).toBe('live');
    url = first.url!;
  });
  afterAll(() => fixture.cleanup());

  it.each<[Fault, string, number]>([
    ['launch:fail', 'failed', 7],
    ['test:fail', 'failed', 8],
    ['start:die', 'failed', 9],
    ['cutover:unhealthy', 'failed', 10],
    ['prod-test:fail', 'rolled-back', 11],
  ])('%s ends %s at step %i, and the live stack keeps serving', async (fault, outcome, failedStep) => {
    const summary = await fixture.release({ faults: [fault] });
    expect(summary.outcome).toBe(outcome);
    expect(summary.steps.find((step) => step.status === 'failed')?.n).toBe(failedStep);
    expect(summary.error).toBeTruthy();
    expect(await servedVersion(url)).toBe('1.0.0');
    expect(await containersOf(fixture.env, summary.release)).toEqual([]);
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.live).toBe('hello-r1');
    expect(status.serving).toBe('hello-r1');
    expect(status.instances.every((instance) => instance.running)).toBe(true);
  });
});
