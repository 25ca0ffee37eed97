import { Box, Text } from 'ink';
import { GROUP_TITLES, KEY_GROUPS } from '../keys/key-bindings.js';

/** Every key, by where it works (the `?` screen). */
export function KeyMap({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold>Keys <Text dimColor>(? or esc closes)</Text></Text>
      <Box flexDirection="row" flexWrap="wrap">
        {Object.entries(KEY_GROUPS).map(([group, bindings]) => (
          <Box key={group} flexDirection="column" width={40} marginBottom={1}>
            <Text underline>{GROUP_TITLES[group]}</Text>
            {bindings.map((binding) => (
              <Text key={binding.keys} dimColor={Boolean(binding.disabled)} wrap="truncate-end">
                {binding.keys.padEnd(10)}{binding.label}{binding.disabled ? ` — ${binding.disabled}` : ''}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
