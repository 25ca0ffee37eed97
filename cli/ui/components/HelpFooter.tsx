import { Box, Text } from 'ink';
import type { Binding } from '../keys/key-bindings.js';
import { KeyHints } from './KeyHints.js';

/** The last row: the keys that work here, or a one-line note that replaces them until the next key. */
export function HelpFooter({ bindings, message }: { bindings: Binding[]; message?: string }) {
  return (
    <Box flexShrink={0}>
      {message ? <Text color="yellow" wrap="truncate-end">{message}</Text> : <KeyHints bindings={bindings} />}
    </Box>
  );
}
