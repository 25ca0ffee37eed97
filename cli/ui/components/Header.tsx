import { Box, Text } from 'ink';
import { useWallClock } from '../hooks/use-clock.js';
import type { Activity } from '../session/session-state.js';
import { formatSeconds } from '../text/time-text.js';

const OUTCOME_COLOR: Record<NonNullable<Activity['outcome']>, string> = { done: 'green', live: 'green', 'rolled-back': 'yellow', failed: 'red', aborted: 'yellow', error: 'red' };

function ActivityStatus({ activity }: { activity: Activity }) {
  const wall = useWallClock();
  const seconds = activity.seconds ?? (wall - activity.startedAt) / 1000;
  const state = activity.state === 'finished' ? activity.outcome ?? 'done' : activity.state;
  const color = activity.state === 'finished' ? OUTCOME_COLOR[activity.outcome ?? 'done'] : 'cyan';
  return (
    <Text wrap="truncate-end">
      {activity.title} · <Text color={color} bold>{state}</Text> <Text dimColor>{formatSeconds(Math.max(0, seconds))}</Text>
      {activity.faults.length > 0 ? <Text color="magenta"> · injected {activity.faults.join(', ')}</Text> : null}
    </Text>
  );
}

/** "kiln · hello · env local" and, on the right, what is running. */
export function Header({ project, env, activity }: { project: string; env: string; activity?: Activity }) {
  return (
    <Box justifyContent="space-between" flexShrink={0}>
      <Text wrap="truncate-end"><Text bold color="yellow">kiln</Text> · <Text bold>{project}</Text> · env {env}</Text>
      {activity ? <ActivityStatus activity={activity} /> : null}
    </Box>
  );
}
