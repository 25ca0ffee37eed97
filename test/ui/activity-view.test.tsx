import { describe, expect, it } from 'vitest';
import { ActivityView } from '../../cli/ui/components/ActivityView.js';
import type { Activity } from '../../cli/ui/session/session-state.js';
import { EventStore } from '../../cli/ui/store/event-store.js';
import { draw, frozen, STEP_NAMES } from './helpers.js';

const running: Activity = { kind: 'release', title: 'release hello-r2', state: 'running', startedAt: 0, result: [], faults: [], logPath: '.kiln/logs/hello-r2.log' };

/** A release halfway: six steps done (image with two cache hits), launch running, its output streaming. */
function midRelease(): EventStore {
  const store = new EventStore({ clock: () => 10_000 });
  store.reset(STEP_NAMES);
  const done = ['commit 3f0dd8b1c2d3', 'tag hello-r2', 'exported and built', 'app tests passed', 'kiln/hello:ac9077456a77 (2/3 layers cached)', '3 instances: web×2, worker×1'];
  done.forEach((detail, index) => {
    store.emit({ type: 'step', n: index + 1, name: STEP_NAMES[index]!, status: 'running' });
    if (index === 4) {
      store.emit({ type: 'layer', layer: 'os', digest: 'sha256:4e2234baefd1aa', status: 'cached' });
      store.emit({ type: 'layer', layer: 'packages', digest: 'sha256:622482dbee3baa', status: 'cached' });
      store.emit({ type: 'layer', layer: 'app', digest: 'sha256:b896df25d63caa', status: 'building' });
      store.emit({ type: 'layer', layer: 'app', digest: 'sha256:b896df25d63caa', status: 'built', seconds: 2.1 });
    }
    store.emit({ type: 'step', n: index + 1, name: STEP_NAMES[index]!, status: 'done', seconds: index + 0.5, detail });
  });
  store.emit({ type: 'step', n: 7, name: 'launch', status: 'running' });
  for (let line = 1; line <= 40; line++) store.emit({ type: 'log', source: 'web i-5a73', line: `boot line ${line}` });
  store.emit({ type: 'notice', level: 'warn', message: 'web i-5a73 is slow to answer /health' });
  store.flush();
  return store;
}

describe('ActivityView for a release', () => {
  it('shows the twelve steps with their states, the layers with cache hits, and the newest log lines that fit', () => {
    const store = midRelease();
    const { frame } = draw(<ActivityView activity={running} view={store.getSnapshot()} logPane={{ scroll: 0 }} height={22} width={100} />, frozen(11_200));
    expect(frame()).toMatchInlineSnapshot(`
      "Steps 6/12                                                    Layers 2/3 from cache
      ✓  1 freeze               done         0.50s  commit 3f0dd8…  ✓ os           4e2234baefd1  cached
      ✓  2 tag                  done         1.50s  tag hello-r2    ✓ packages     622482dbee3b  cached
      ✓  3 build                done         2.50s  exported and …  ✓ app          b896df25d63c  built 2.…
      ✓  4 test                 done         3.50s  app tests pas…
      ✓  5 image                done         4.50s  kiln/hello:ac…
      ✓  6 configure            done         5.50s  3 instances: …
      ⠋  7 launch               running      1.20s
      ·  8 test image           pending
      ·  9 start services       pending
      · 10 cutover              pending
      · 11 test in production   pending
      · 12 shut down old stack  pending

      Log · step 7 launch · 48 lines · .kiln/logs/hello-r2.log
      web i-5a73 │ boot line 35
      web i-5a73 │ boot line 36
      web i-5a73 │ boot line 37
      web i-5a73 │ boot line 38
      web i-5a73 │ boot line 39
      web i-5a73 │ boot line 40
      ! web i-5a73 is slow to answer /health"
    `);
  });

  it('scrolls the log pane back through the ring, clamped at the oldest line', () => {
    const store = midRelease();
    const { frame } = draw(<ActivityView activity={running} view={store.getSnapshot()} logPane={{ scroll: 1000 }} height={22} width={100} />, frozen(11_200));
    const lines = frame().split('\n');
    // 48 entries (7 step markers, 40 lines, a notice) in a 7-row pane: at most 41 up.
    expect(lines[14]).toContain('48 lines · ↑41, End follows');
    expect(lines.slice(15)).toEqual(STEP_NAMES.slice(0, 7).map((name, index) => `── step ${index + 1} ${name} ──`));
  });

  it('ends a rolled-back release with its result, the undone steps marked ↺', () => {
    const store = new EventStore({ clock: () => 10_000 });
    store.reset(STEP_NAMES);
    STEP_NAMES.slice(0, 10).forEach((name, index) => store.emit({ type: 'step', n: index + 1, name, status: 'done', seconds: 1 }));
    store.emit({ type: 'step', n: 11, name: 'test in production', status: 'running' });
    store.emit({ type: 'notice', level: 'warn', message: 'production test "injected fault prod-test:fail": failed: GET /kiln-injected-fault answered 404, expected 200' });
    store.emit({ type: 'step', n: 11, name: 'test in production', status: 'failed', seconds: 0.13, detail: 'production test "injected fault prod-test:fail" failed' });
    store.emit({ type: 'step', n: 10, name: 'cutover', status: 'rolled-back' });
    store.emit({ type: 'step', n: 7, name: 'launch', status: 'rolled-back' });
    store.flush();
    const finished: Activity = { ...running, state: 'finished', outcome: 'rolled-back', seconds: 15, result: ['hello-r2 rolled-back at http://127.0.0.1:8480 after 15.0s', 'error: production test "injected fault prod-test:fail" failed'] };
    const { frame } = draw(<ActivityView activity={finished} view={store.getSnapshot()} logPane={{ scroll: 0 }} height={20} width={100} />);
    expect(frame()).toMatchInlineSnapshot(`
      "Steps 11/12                                                   Layers none yet
      ✓  1 freeze               done         1.00s
      ✓  2 tag                  done         1.00s
      ✓  3 build                done         1.00s
      ✓  4 test                 done         1.00s
      ✓  5 image                done         1.00s
      ✓  6 configure            done         1.00s
      ↺  7 launch               rolled back  1.00s
      ✓  8 test image           done         1.00s
      ✓  9 start services       done         1.00s
      ↺ 10 cutover              rolled back  1.00s
      ✗ 11 test in production   failed       0.13s  production te…
      · 12 shut down old stack  pending
      ✗ hello-r2 rolled-back at http://127.0.0.1:8480 after 15.0s
        error: production test "injected fault prod-test:fail" failed

      Log · 2 lines · .kiln/logs/hello-r2.log
      ── step 11 test in production ──
      ! production test "injected fault prod-test:fail": failed: GET /kiln-injected-fault answered 404, e…
      "
    `);
  });
});

describe('ActivityView for a bake', () => {
  it('shows phases instead of steps', () => {
    const store = new EventStore({ clock: () => 10_000 });
    store.reset();
    store.emit({ type: 'phase', phase: 'build', status: 'start' });
    store.emit({ type: 'log', source: 'app.build', line: 'built dist/server.mjs' });
    store.emit({ type: 'phase', phase: 'build', status: 'done', seconds: 0.71 });
    store.emit({ type: 'phase', phase: 'base', status: 'start' });
    store.flush();
    const bake: Activity = { kind: 'bake', title: 'bake', state: 'running', startedAt: 0, result: [], faults: [], logPath: '.kiln/logs/bake-x.log' };
    const { frame } = draw(<ActivityView activity={bake} view={store.getSnapshot()} logPane={{ scroll: 0 }} height={8} width={80} />, frozen(10_400));
    expect(frame()).toMatchInlineSnapshot(`
      "Phases                                           Layers none yet
      ✓ build        0.71s
      ⠋ base         0.40s

      Log · 1 line · .kiln/logs/bake-x.log
      app.build │ built dist/server.mjs

      "
    `);
  });
});
