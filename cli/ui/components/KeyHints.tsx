import { Text } from 'ink';
import { Fragment } from 'react';
import type { Binding } from '../keys/key-bindings.js';

/** "b bake · v verify · p promote (not yet)": keys in bold, disabled ones dimmed. */
export function KeyHints({ bindings, wrap = false }: { bindings: Binding[]; wrap?: boolean }) {
  return (
    <Text wrap={wrap ? 'wrap' : 'truncate-end'}>
      {bindings.map((binding, index) => (
        <Fragment key={binding.keys}>
          {index > 0 ? <Text dimColor> · </Text> : null}
          <Text bold={!binding.disabled} dimColor={Boolean(binding.disabled)}>{binding.keys}</Text>
          <Text dimColor={Boolean(binding.disabled)}> {binding.label}{binding.disabled ? ' (not yet)' : ''}</Text>
        </Fragment>
      ))}
    </Text>
  );
}
