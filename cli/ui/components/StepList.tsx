import { Box, Text } from 'ink';
import type { StepView } from '../store/view-state.js';
import { StepRow } from './StepRow.js';

/** The steps that fit `rows`: all of them if they can, else a window around the one running (or the last to finish). */
export function visibleSteps(steps: StepView[], rows: number): StepView[] {
  if (steps.length <= rows) return steps;
  const active = steps.findIndex((step) => step.state === 'running' || step.state === 'failed');
  const started = steps.filter((step) => step.state !== 'pending').length;
  const focus = active >= 0 ? active : Math.max(0, started - 1);
  const start = Math.min(Math.max(0, focus - Math.floor(rows / 2)), steps.length - rows);
  return steps.slice(start, start + Math.max(0, rows));
}

/** The twelve steps under a title that counts them; on a short terminal, the ones around the action. */
export function StepList({ steps, width, height }: { steps: StepView[]; width: number; height: number }) {
  const finished = steps.filter((step) => step.state !== 'pending' && step.state !== 'running').length;
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} paddingRight={2}>
      <Text bold wrap="truncate-end">Steps <Text dimColor>{finished}/{steps.length}</Text></Text>
      {visibleSteps(steps, height - 1).map((step) => <StepRow key={step.n} step={step} />)}
    </Box>
  );
}
