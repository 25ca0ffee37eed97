import { Box, Text } from 'ink';
import type { Binding } from '../keys/key-bindings.js';
import type { Prompt } from '../session/session-state.js';
import { KeyHints } from './KeyHints.js';
import { promptLines } from './prompt-lines.js';

/** Rows a prompt takes: its lines, the keys line and the border. */
export function promptHeight(prompt: Prompt | undefined, env: string): number {
  return prompt ? promptLines(prompt, env).length + 3 : 0;
}

/** A question in a box, with the keys that answer it. */
export function PromptBox({ prompt, env, bindings }: { prompt: Prompt; env: string; bindings: Binding[] }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={prompt.kind === 'failure' ? 'red' : 'yellow'} paddingX={1} flexShrink={0}>
      {promptLines(prompt, env).map((line, index) => (
        <Text key={index} color={line.color} bold={line.bold} wrap="truncate-end">{line.text}</Text>
      ))}
      <KeyHints bindings={bindings} />
    </Box>
  );
}
