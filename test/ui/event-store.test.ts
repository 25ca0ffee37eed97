import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventStore } from '../../cli/ui/store/event-store.js';
import { LogRing } from '../../cli/ui/store/log-ring.js';

afterEach(() => vi.useRealTimers());

describe('EventStore', () => {
  it('publishes a flood of log lines once per flush interval, never once per event', () => {
    vi.useFakeTimers();
    const store = new EventStore({ flushMs: 80, capacity: 1000 });
    let published = 0;
    store.subscribe(() => published++);
    store.reset(['freeze']);
    published = 0;
    for (let line = 0; line < 50_000; line++) store.emit({ type: 'log', source: 'app.build', line: `line ${line}` });
    expect(published).toBe(0);
    expect(store.getSnapshot().logCount).toBe(0);
    vi.advanceTimersByTime(80);
    expect(published).toBe(1);
    const snapshot = store.getSnapshot();
    expect(snapshot.logCount).toBe(50_000);
    // The ring keeps its capacity, and the newest lines.
    expect(snapshot.log.first).toBe(49_000);
    expect(snapshot.log.window(snapshot.logCount, 2).map((entry) => entry.type === 'log' && entry.line)).toEqual(['line 49998', 'line 49999']);
    vi.advanceTimersByTime(1000);
    expect(published).toBe(1);
  });

  it('waits longer after a costly publish, so rendering stays within its share of the thread', () => {
    // Only timers are fake: the store measures the publish's cost with the real performance.now().
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = new EventStore({ flushMs: 100, budget: 0.04 });
    let published = 0;
    store.subscribe(() => {
      published++;
      // A render that takes 20 ms of real time: the next publish may come no sooner than 20 / 0.04 = 500 ms later.
      const until = performance.now() + 20;
      while (performance.now() < until);
    });
    store.emit({ type: 'log', source: 's', line: 'first' });
    vi.advanceTimersByTime(100);
    expect(published).toBe(1);
    store.emit({ type: 'log', source: 's', line: 'second' });
    vi.advanceTimersByTime(450);
    expect(published).toBe(1);
    vi.advanceTimersByTime(550);
    expect(published).toBe(2);
  });

  it('beats while an activity runs, so spinners move without events, and stops after', () => {
    vi.useFakeTimers();
    const store = new EventStore({ tickMs: 250 });
    let published = 0;
    store.subscribe(() => published++);
    store.setTicking(true);
    vi.advanceTimersByTime(1000);
    expect(published).toBe(4);
    store.setTicking(false);
    vi.advanceTimersByTime(1000);
    expect(published).toBe(5);
  });

  it('folds step, layer and release events into the view, timing the running step on its clock', () => {
    let now = 1000;
    const store = new EventStore({ clock: () => now });
    store.reset(['freeze', 'tag']);
    store.emit({ type: 'release', release: 'hello-r1', status: 'started' });
    store.emit({ type: 'step', n: 1, name: 'freeze', status: 'running' });
    now = 1500;
    store.emit({ type: 'layer', layer: 'os', digest: 'sha256:aa', status: 'cached' });
    store.emit({ type: 'layer', layer: 'app', digest: 'sha256:bb', status: 'building' });
    store.emit({ type: 'layer', layer: 'app', digest: 'sha256:bb', status: 'built', seconds: 2 });
    store.flush();
    const during = store.getSnapshot();
    expect(during.running).toEqual({ n: 1, name: 'freeze' });
    expect(during.steps[0]).toMatchObject({ state: 'running', startedAt: 1000 });
    expect(during.layers).toEqual([{ layer: 'os', digest: 'sha256:aa', status: 'cached', seconds: undefined }, { layer: 'app', digest: 'sha256:bb', status: 'built', seconds: 2 }]);
    store.emit({ type: 'step', n: 1, name: 'freeze', status: 'done', seconds: 0.5, detail: 'commit abc' });
    store.emit({ type: 'release', release: 'hello-r1', status: 'live', url: 'http://127.0.0.1:1' });
    store.flush();
    const after = store.getSnapshot();
    expect(after.running).toBeUndefined();
    expect(after.steps.map((step) => step.state)).toEqual(['done', 'pending']);
    expect(after.release).toEqual({ release: 'hello-r1', status: 'live', url: 'http://127.0.0.1:1' });
    // Snapshots are copies: the one taken during the step did not change.
    expect(during.steps[0]!.state).toBe('running');
  });

  it('copies every event to the activity sink until it is detached', () => {
    const seen: string[] = [];
    const store = new EventStore();
    store.reset([], (event) => seen.push(event.type));
    store.emit({ type: 'notice', level: 'info', message: 'hi' });
    store.detachSink();
    store.emit({ type: 'notice', level: 'info', message: 'gone' });
    expect(seen).toEqual(['notice']);
    store.dispose();
  });
});

describe('LogRing', () => {
  it('returns the window ending at a line number, oldest first, within what it still holds', () => {
    const ring = new LogRing(4);
    for (let line = 0; line < 6; line++) ring.push({ type: 'log', source: 's', line: String(line) });
    const lines = (end: number, count: number) => ring.window(end, count).map((entry) => (entry.type === 'log' ? entry.line : ''));
    expect(lines(6, 10)).toEqual(['2', '3', '4', '5']);
    expect(lines(5, 2)).toEqual(['3', '4']);
    expect(lines(99, 1)).toEqual(['5']);
    ring.clear();
    expect(lines(6, 3)).toEqual([]);
  });
});
