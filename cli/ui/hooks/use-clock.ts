import { createContext, useContext } from 'react';

/** Where time comes from: the engine-event clock (`now`, ms, as the event store stamps steps) and the wall clock. */
export interface Clock {
  now: () => number;
  wall: () => number;
}

export const ClockContext = createContext<Clock>({ now: () => performance.now(), wall: () => Date.now() });

/**
 * The current time for spinners and elapsed times. It does not tick by itself: the event store's
 * heartbeat re-renders the screen while an activity runs, so every moving part moves in one frame.
 */
export function useNow(): number {
  return useContext(ClockContext).now();
}

export function useWallClock(): number {
  return useContext(ClockContext).wall();
}
