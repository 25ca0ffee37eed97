import { UserError } from '../../bake/errors.js';

/**
 * Ask `check` every `everyMs` until it answers (anything but undefined). Returns undefined once `deadline`
 * (epoch ms) has passed, so each caller words its own timeout; an aborted signal throws `interrupted`.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: { deadline: number; everyMs: number; signal?: AbortSignal; interrupted: string }): Promise<T | undefined> {
  for (;;) {
    if (options.signal?.aborted) throw new UserError(options.interrupted);
    const answer = await check();
    if (answer !== undefined) return answer;
    // An abort that landed while `check` was in flight ends the wait here, not one interval later.
    if (options.signal?.aborted) throw new UserError(options.interrupted);
    const left = options.deadline - Date.now();
    if (left <= 0) return undefined;
    await abortableSleep(Math.min(options.everyMs, left), options.signal);
  }
}

/** A sleep that an abort cuts short (also one that came before it started), so Ctrl-C is not held up by a poll interval. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  // The abort event fires once: a signal already aborted would never wake the timer below.
  if (signal?.aborted) return Promise.resolve();
  return new Promise((done) => {
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
  });
}
