import { useInput } from 'ink';
import { handleKey } from '../keys/key-bindings.js';
import type { Session } from '../session/session.js';

/** Route every key press to the session; Ctrl-C included (ink's own Ctrl-C exit is off). */
export function useKeyBindings(session: Session): void {
  useInput((input, key) => handleKey(session, input, key));
}
