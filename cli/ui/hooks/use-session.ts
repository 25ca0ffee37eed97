import { useSyncExternalStore } from 'react';
import type { Session } from '../session/session.js';
import type { SessionState } from '../session/session-state.js';
import type { ViewSnapshot } from '../store/event-store.js';

/** The session's state; re-renders when a screen, prompt or activity changes. */
export function useSessionState(session: Session): SessionState {
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

/** The engine's events as of the last flush; re-renders at most once per flush, however many events came. */
export function useViewSnapshot(session: Session): ViewSnapshot {
  return useSyncExternalStore(session.events.subscribe, session.events.getSnapshot);
}
