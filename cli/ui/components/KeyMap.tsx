import { Box, Text } from 'ink';
import { GROUP_TITLES, KEY_GROUPS } from '../keys/key-bindings.js';
import { KeyHints } from './KeyHints.js';

/** Every key, one group per row by where it works (the `?` screen). */
export function KeyMap({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>Keys <Text dimColor>(? or esc closes)</Text></Text>
      {Object.entries(KEY_GROUPS).map(([group, bindings]) => (
        <Box key={group} flexShrink={0}>
          <Box width={24} flexShrink={0}><Text underline>{GROUP_TITLES[group]}</Text></Box>
          <KeyHints bindings={bindings} wrap />
        </Box>
      ))}
      <Text dimColor wrap="truncate-end">promote needs an AWS target, which kiln does not have yet.</Text>
    </Box>
  );
}
