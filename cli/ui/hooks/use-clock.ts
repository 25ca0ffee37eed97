import { createContext, useContext, useEffect, useState } from 'react';

/** Where time comes from: the engine-event clock (`now`, ms), the wall clock (`wall`), and how often running rows tick. */
export interface Clock {
  now: () => number;
  wall: () => number;
  /** null: never tick (tests draw frozen frames). */
  tickMs: number | null;
}

export const ClockContext = createContext<Clock>({ now: () => performance.now(), wall: () => Date.now(), tickMs: 100 });

/** The current time, re-rendering the caller every tick while `active` (a spinner, a running step's elapsed time). */
export function useNow(active: boolean): number {
  const clock = useContext(ClockContext);
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active || clock.tickMs === null) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), clock.tickMs);
    return () => clearInterval(timer);
  }, [active, clock]);
  return clock.now();
}

export function useWallClock(): number {
  return useContext(ClockContext).wall();
}
