import { Box, Text } from 'ink';
import type { HomeData } from '../session/session-state.js';
import { ReleaseRow } from './ReleaseRow.js';

/** Every release of the environment, newest first, as many as fit. */
export function HistoryView({ env, home, now, height }: { env: string; home: HomeData; now: number; height: number }) {
  const history = home.history ?? [];
  const rows = Math.max(1, height - 2);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>History <Text dimColor>· {env} · {history.length} releases, newest first</Text></Text>
      {home.history === null ? <Text dimColor>loading…</Text> : null}
      {history.slice(0, rows).map((entry) => <ReleaseRow key={entry.release} entry={entry} now={now} />)}
      {history.length > rows ? <Text dimColor>… {history.length - rows} older</Text> : null}
    </Box>
  );
}
