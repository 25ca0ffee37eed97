import { Text } from 'ink';
import { Fragment } from 'react';
import type { Binding } from '../keys/key-bindings.js';

/** "b bake · v verify · p promote (cli)": keys in bold; ones run from the command line instead are dimmed. */
export function KeyHints({ bindings, wrap = false }: { bindings: Binding[]; wrap?: boolean }) {
  return (
    <Text wrap={wrap ? 'wrap' : 'truncate-end'}>
      {bindings.map((binding, index) => (
        <Fragment key={binding.keys}>
          {index > 0 ? <Text dimColor> · </Text> : null}
          <Text bold={!binding.disabled} dimColor={Boolean(binding.disabled)}>{binding.keys}</Text>
          <Text dimColor={Boolean(binding.disabled)}> {binding.label}{binding.disabled ? ' (cli)' : ''}</Text>
        </Fragment>
      ))}
    </Text>
  );
}
