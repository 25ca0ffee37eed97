import { describe, expect, it } from 'vitest';
import { StepRow } from '../../cli/ui/components/StepRow.js';
import type { StepView } from '../../cli/ui/store/view-state.js';
import { draw, frozen } from './helpers.js';

describe('StepRow', () => {
  it.each<[StepView, string]>([
    [{ n: 4, name: 'test', state: 'pending' }, '·  4 test                 pending'],
    [{ n: 1, name: 'freeze', state: 'done', seconds: 0.06, detail: 'commit 3f0dd8b1c2d3' }, '✓  1 freeze               done         0.06s  commit 3f0dd8b1c2d3'],
    [{ n: 8, name: 'test image', state: 'failed', seconds: 0.66, detail: 'image test "injected" failed' }, '✗  8 test image           failed       0.66s  image test "injected" failed'],
    [{ n: 12, name: 'shut down old stack', state: 'skipped', seconds: 0, detail: 'no old stack' }, '– 12 shut down old stack  skipped      0.00s  no old stack'],
    [{ n: 10, name: 'cutover', state: 'rolled-back', seconds: 2.85 }, '↺ 10 cutover              rolled back  2.85s'],
  ])('draws a %o step', (step, expected) => {
    expect(draw(<StepRow step={step} />).frame()).toBe(expected);
  });

  it('spins on the running step and counts its elapsed time from the step start', () => {
    // The frozen clock says 12_500 ms; the step started at 10_000: 2.5 s, spinner frame 156 % 10 = 6.
    const { frame } = draw(<StepRow step={{ n: 7, name: 'launch', state: 'running', startedAt: 10_000 }} />, frozen(12_500));
    expect(frame()).toBe('⠦  7 launch               running      2.50s');
  });
});
