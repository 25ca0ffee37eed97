import { Box, Text } from 'ink';
import type { Fault } from '../../../simulate/release/faults.js';
import { KEY_GROUPS } from '../keys/key-bindings.js';
import type { HomeData } from '../session/session-state.js';
import { LiveLine } from './LiveLine.js';
import { ReleaseRow } from './ReleaseRow.js';

export interface HomeViewProps {
  project: string;
  env: string;
  home: HomeData;
  armedFaults: Fault[];
  /** Wall-clock ms, for the releases' ages. */
  now: number;
  height: number;
}

const ACTION_HELP: Record<string, string> = {
  b: 'bake the image (only changed layers rebuild)',
  v: 'boot the latest bake with the network off and run its image tests',
  r: 'release: the twelve steps, with a question before cutover',
  o: 'serve the release before the live one again',
  p: 'promote to AWS',
  h: 'every release in this environment',
};

/** The project, what is live, the last releases, and what you can do. */
export function HomeView({ project, env, home, armedFaults, now, height }: HomeViewProps) {
  const actions = KEY_GROUPS.home!.filter((binding) => ACTION_HELP[binding.keys]);
  const fixed = 5 + (armedFaults.length > 0 ? 1 : 0) + 2 + actions.length + 2;
  const rows = Math.max(1, height - fixed);
  const history = home.history;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>{project}</Text>
      <Text wrap="truncate-end"><Text dimColor>{'targets'.padEnd(9)}</Text>docker (local engine) <Text dimColor>· moto · localstack · aws: kiln release --target</Text></Text>
      <Text wrap="truncate-end"><Text dimColor>{'env'.padEnd(9)}</Text>{env}</Text>
      <Box><Text dimColor>{'live'.padEnd(9)}</Text><LiveLine home={home} /></Box>
      {armedFaults.length > 0 ? <Text color="magenta" wrap="truncate-end">{'faults'.padEnd(9)}{armedFaults.join(', ')} injected into the next release</Text> : null}
      <Text> </Text>
      <Text bold>Last releases</Text>
      {history === null ? <Text dimColor>loading…</Text> : null}
      {home.historyError ? <Text color="red" wrap="truncate-end">{home.historyError}</Text> : null}
      {history?.length === 0 && !home.historyError ? <Text dimColor>no releases in {env} yet</Text> : null}
      {history?.slice(0, rows).map((entry) => <ReleaseRow key={entry.release} entry={entry} now={now} />)}
      {history && history.length > rows ? <Text dimColor>… {history.length - rows} older (h shows all)</Text> : null}
      <Text> </Text>
      <Text bold>Actions</Text>
      {actions.map((binding) => (
        <Text key={binding.keys} dimColor={Boolean(binding.disabled)} wrap="truncate-end">
          <Text bold={!binding.disabled}>{`  ${binding.keys}  `}</Text>{binding.label.padEnd(10)} {ACTION_HELP[binding.keys]}{binding.disabled ? ` — ${binding.disabled}` : ''}
        </Text>
      ))}
    </Box>
  );
}
