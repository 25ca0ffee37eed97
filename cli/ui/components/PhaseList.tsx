import { Box, Text } from 'ink';
import { useNow } from '../hooks/use-clock.js';
import type { PhaseView } from '../store/view-state.js';
import { formatSeconds } from '../text/time-text.js';
import { Spinner } from './Spinner.js';

const MARK: Record<Exclude<PhaseView['status'], 'start'>, [string, string]> = { done: ['✓', 'green'], failed: ['✗', 'red'], skipped: ['–', 'gray'] };

function PhaseRow({ phase }: { phase: PhaseView }) {
  const running = phase.status === 'start';
  const now = useNow();
  const seconds = running && phase.startedAt !== undefined ? (now - phase.startedAt) / 1000 : phase.seconds;
  const [mark, color] = running ? ['', 'cyan'] : MARK[phase.status as Exclude<PhaseView['status'], 'start'>];
  return (
    <Text wrap="truncate-end">
      {running ? <Spinner now={now} /> : <Text color={color}>{mark}</Text>}
      {` ${phase.phase.padEnd(10)} `}
      {seconds !== undefined ? formatSeconds(seconds).padStart(7) : ' '.repeat(7)}
      {phase.detail ? <Text dimColor>{`  ${phase.detail}`}</Text> : null}
    </Text>
  );
}

/** The phases of a bake or verify (build, render, base, label), for actions that have no steps. */
export function PhaseList({ phases, width, height }: { phases: PhaseView[]; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} paddingRight={2}>
      <Text bold>Phases</Text>
      {phases.length === 0 ? <Text dimColor>starting…</Text> : phases.slice(-Math.max(0, height - 1)).map((phase) => <PhaseRow key={phase.phase} phase={phase} />)}
    </Box>
  );
}
