/** The typed events the engine emits; reporters (plain, JSON, ink) consume them and nothing else. */
export type KilnEvent =
  | { type: 'phase'; phase: string; status: 'start' | 'done' | 'failed' | 'skipped'; detail?: string; seconds?: number }
  | { type: 'layer'; layer: string; digest: string; status: 'cached' | 'building' | 'built' | 'failed'; seconds?: number }
  | { type: 'log'; source: string; line: string }
  | { type: 'notice'; level: 'info' | 'warn'; message: string }
  | { type: 'step'; n: number; name: string; status: 'running' | 'done' | 'failed' | 'skipped' | 'rolled-back'; seconds?: number; detail?: string }
  | { type: 'release'; release: string; status: 'started' | 'resumed' | 'live' | 'rolled-back' | 'failed' | 'aborted'; url?: string };

export type Emit = (event: KilnEvent) => void;

/** For callers that do not care about progress. */
export const ignoreEvents: Emit = () => {};

/** Time an async phase and report its start, end and failure. */
export async function phase<T>(emit: Emit, name: string, work: () => Promise<T>, detail?: (result: T) => string | undefined): Promise<T> {
  const started = performance.now();
  emit({ type: 'phase', phase: name, status: 'start' });
  try {
    const result = await work();
    emit({ type: 'phase', phase: name, status: 'done', seconds: secondsSince(started), detail: detail?.(result) });
    return result;
  } catch (error) {
    emit({ type: 'phase', phase: name, status: 'failed', seconds: secondsSince(started), detail: (error as Error).message.split('\n')[0] });
    throw error;
  }
}

export function secondsSince(start: number): number {
  return Math.round(performance.now() - start) / 1000;
}
