import { Box, Text } from 'ink';
import type { StepView } from '../store/view-state.js';
import { StepRow } from './StepRow.js';

/** The twelve steps under a title that counts them. */
export function StepList({ steps, width }: { steps: StepView[]; width: number }) {
  const finished = steps.filter((step) => step.state !== 'pending' && step.state !== 'running').length;
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text bold wrap="truncate-end">Steps <Text dimColor>{finished}/{steps.length}</Text></Text>
      {steps.map((step) => <StepRow key={step.n} step={step} />)}
    </Box>
  );
}
