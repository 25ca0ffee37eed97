import { Text } from 'ink';
import type { HistoryEntry } from '../../../simulate/release/status.js';
import { shortDigest } from '../text/terminal-text.js';
import { formatAge } from '../text/time-text.js';

const OUTCOME_COLOR: Record<HistoryEntry['outcome'], string> = { live: 'green', 'rolled-back': 'yellow', failed: 'red', aborted: 'gray', running: 'cyan' };

/** "* hello-r2  live          3a5b1c2d4e5f  2m ago": outcome, recipe digest and age of one release. */
export function ReleaseRow({ entry, now }: { entry: HistoryEntry; now: number }) {
  return (
    <Text wrap="truncate-end">
      {entry.live ? <Text color="green" bold>* </Text> : '  '}
      {entry.release.padEnd(18)}
      <Text color={OUTCOME_COLOR[entry.outcome]}>{entry.outcome.padEnd(13)}</Text>
      <Text dimColor>{(shortDigest(entry.recipeDigest) || '-').padEnd(14)}</Text>
      {formatAge(entry.startedAt, now).padEnd(9)}
      {entry.error ? <Text dimColor> {entry.error.split('\n')[0]}</Text> : null}
    </Text>
  );
}
