import { Text } from 'ink';
import { useNow } from '../hooks/use-clock.js';
import type { StepView } from '../store/view-state.js';
import { formatSeconds } from '../text/time-text.js';
import { Spinner } from './Spinner.js';
import { STEP_STYLE } from './step-style.js';

/** " ✓  5 image                done        3.19s  kiln/hello:ac90…": one step, one row; the running one ticks. */
export function StepRow({ step }: { step: StepView }) {
  const running = step.state === 'running';
  const now = useNow();
  const style = STEP_STYLE[step.state];
  const elapsed = running && step.startedAt !== undefined ? Math.max(0, now - step.startedAt) / 1000 : step.seconds;
  return (
    <Text wrap="truncate-end">
      {running ? <Spinner now={now} /> : <Text color={style.color}>{style.mark}</Text>}
      {` ${String(step.n).padStart(2)} ${step.name.padEnd(20)} `}
      <Text color={style.color}>{style.word.padEnd(11)}</Text>
      {elapsed !== undefined ? formatSeconds(elapsed).padStart(7) : ' '.repeat(7)}
      {step.detail ? <Text dimColor>{`  ${step.detail}`}</Text> : null}
    </Text>
  );
}
