import { describe, expect, it } from 'vitest';
import { HistoryView } from '../../cli/ui/components/HistoryView.js';
import { HomeView } from '../../cli/ui/components/HomeView.js';
import type { HomeData } from '../../cli/ui/session/session-state.js';
import { draw, historyEntry } from './helpers.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const home: HomeData = {
  history: [
    historyEntry('hello-r3', 'rolled-back', '2026-01-01T11:58:00Z', { error: 'production test "smoke" failed: GET / answered 500\nmore' }),
    historyEntry('hello-r2', 'live', '2026-01-01T09:00:00Z', { live: true }),
    historyEntry('hello-r1', 'live', '2025-12-30T12:00:00Z'),
  ],
  status: {
    env: 'local', live: 'hello-r2', url: 'http://127.0.0.1:8480', serving: 'hello-r2', standby: [], inProgress: null,
    instances: [
      { instanceId: 'i-1', role: 'web', release: 'hello-r2', running: true, healthy: true },
      { instanceId: 'i-2', role: 'web', release: 'hello-r2', running: true, healthy: true },
      { instanceId: 'i-3', role: 'worker', release: 'hello-r2', running: true, healthy: null },
    ],
  },
};

describe('HomeView', () => {
  it('shows the project, its targets, the live release and url, the last releases, and the actions with promote disabled', () => {
    const { frame } = draw(<HomeView project="hello" env="local" home={home} armedFaults={[]} now={NOW} height={20} />);
    expect(frame()).toMatchInlineSnapshot(`
      "hello
      targets  docker (local engine) · moto · localstack · aws: kiln release --target
      env      local
      live     hello-r2 at http://127.0.0.1:8480 · serving · 2/2 healthy

      Last releases
        hello-r3          rolled-back  03ab34cd56ef  2m ago    production test "smoke" failed: GET / answ…
      * hello-r2          live         02ab34cd56ef  3h ago
        hello-r1          live         01ab34cd56ef  2d ago

      Actions
        b  bake       bake the image (only changed layers rebuild)
        v  verify     boot the latest bake with the network off and run its image tests
        r  release    release: the twelve steps, with a question before cutover
        o  roll back  serve the release before the live one again
        p  promote    promote to AWS — from the command line: kiln promote <release> --to aws
        h  history    every release in this environment


      "
    `);
  });

  it('says what it is waiting for before the journal and Docker answer, and names armed faults', () => {
    const { frame } = draw(<HomeView project="hello" env="staging" home={{ history: null, status: null }} armedFaults={['prod-test:fail']} now={NOW} height={20} />);
    const text = frame();
    expect(text).toContain('live     checking…');
    expect(text).toContain('loading…');
    expect(text).toContain('faults   prod-test:fail injected into the next release');
  });

  it('keeps to its height: older releases collapse into a count', () => {
    const { frame } = draw(<HomeView project="hello" env="local" home={home} armedFaults={[]} now={NOW} height={15} />);
    expect(frame()).toContain('… 2 older (h shows all)');
    expect(frame().split('\n')).toHaveLength(15);
  });

  it('shows a Docker error instead of the live release', () => {
    const { frame } = draw(<HomeView project="hello" env="local" home={{ history: [], status: null, statusError: 'cannot reach the Docker engine' }} armedFaults={[]} now={NOW} height={20} />);
    expect(frame()).toContain('live     status unavailable: cannot reach the Docker engine');
    expect(frame()).toContain('no releases in local yet');
  });
});

describe('HistoryView', () => {
  it('lists every release newest first', () => {
    const { frame } = draw(<HistoryView env="local" home={home} now={NOW} height={6} />);
    expect(frame()).toMatchInlineSnapshot(`
      "History · local · 3 releases, newest first
        hello-r3          rolled-back  03ab34cd56ef  2m ago    production test "smoke" failed: GET / answ…
      * hello-r2          live         02ab34cd56ef  3h ago
        hello-r1          live         01ab34cd56ef  2d ago

      "
    `);
  });
});
