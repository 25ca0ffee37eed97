import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emit } from '../../bake/events.js';
import { App } from '../../cli/ui/components/App.js';
import { Session } from '../../cli/ui/session/session.js';
import type { ExitReason } from '../../cli/ui/session/session-state.js';
import type { ReleaseOptions } from '../../simulate/release/release.js';
import { draw, fakeEngine, fakeProject, historyEntry, STEP_NAMES, summary, waitFor } from './helpers.js';

const CTRL_C = '\u0003';

/** Plays steps 1..upTo as done, then calls `then` (the cutover question, a failure…). */
async function playSteps(emit: Emit, release: string, upTo: number) {
  emit({ type: 'release', release, status: 'started' });
  for (const [index, name] of STEP_NAMES.slice(0, upTo).entries()) {
    emit({ type: 'step', n: index + 1, name, status: 'running' });
    emit({ type: 'log', source: name, line: `working on ${name}` });
    emit({ type: 'step', n: index + 1, name, status: 'done', seconds: 1 });
  }
}

function start(options: Parameters<typeof fakeEngine>[0], sessionOptions: { yes?: boolean; faults?: ReleaseOptions['faults'] } = {}) {
  const { engine, calls } = fakeEngine(options);
  const exits: ExitReason[] = [];
  const project = fakeProject();
  const session = new Session({ project, env: 'ui-test', yes: sessionOptions.yes ?? false, faults: sessionOptions.faults ?? [], engine, onExit: (reason) => exits.push(reason) });
  const drawn = draw(<App session={session} />);
  void session.refreshHome();
  return { ...drawn, session, calls, exits, project };
}

describe('the release flow', () => {
  it('asks before cutover with the instances\' health, and cuts over on y', async () => {
    const ui = start({
      release: async (emit, decide) => {
        await playSteps(emit, 'hello-r2', 9);
        emit({ type: 'step', n: 10, name: 'cutover', status: 'running' });
        const yes = await decide!({ kind: 'cutover', release: 'hello-r2', facts: ['i-aaa (172.18.0.5) healthy', 'i-bbb (172.18.0.6) healthy'] });
        expect(yes).toBe(true);
        emit({ type: 'step', n: 10, name: 'cutover', status: 'done', seconds: 1 });
        emit({ type: 'step', n: 11, name: 'test in production', status: 'running' });
        emit({ type: 'step', n: 11, name: 'test in production', status: 'done', seconds: 1 });
        emit({ type: 'step', n: 12, name: 'shut down old stack', status: 'running' });
        emit({ type: 'step', n: 12, name: 'shut down old stack', status: 'done', seconds: 1 });
        emit({ type: 'release', release: 'hello-r2', status: 'live', url: 'http://127.0.0.1:8480' });
        return summary('hello-r2', 'live');
      },
    });
    await waitFor(ui.frame, (text) => text.includes('Actions'));
    ui.stdin.write('r');
    const asking = await waitFor(ui.frame, (text) => text.includes('Cut over to hello-r2?'));
    expect(asking).toContain('i-aaa (172.18.0.5) healthy');
    expect(asking).toMatch(/✓  9 start services\s+done/);
    ui.stdin.write('y');
    const live = await waitFor(ui.frame, (text) => text.includes('hello-r2 live at http://127.0.0.1:8480'));
    for (const [index, name] of STEP_NAMES.entries()) expect(live).toMatch(new RegExp(`✓ ${String(index + 1).padStart(2)} ${name}\\s+done`));
    expect(live).toContain('release hello-r2 · live');
    const log = readFileSync(join(ui.project.dir, '.kiln', 'logs', 'hello-r2.log'), 'utf8');
    expect(log).toContain('  │ freeze: working on freeze');
    expect(log).toContain('━━ release hello-r2 live at http://127.0.0.1:8480');
  });

  it('with --yes passes no decide hook, so the engine asks nothing', async () => {
    const ui = start({ release: async (emit) => { await playSteps(emit, 'hello-r2', 12); return summary('hello-r2', 'live'); } }, { yes: true });
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('hello-r2 live'));
    expect((ui.calls[0]!.options as ReleaseOptions).decide).toBeUndefined();
    expect(ui.frame()).not.toContain('✗');
  });

  it('after a failure: opens the step\'s log from disk, retries without the injected fault, and rolls back only after asking', async () => {
    const ui = start({
      history: [historyEntry('hello-r1', 'live', '2026-01-01T10:00:00Z'), historyEntry('hello-r2', 'live', '2026-01-01T11:00:00Z', { live: true }), historyEntry('hello-r3', 'rolled-back', '2026-01-01T11:30:00Z')],
      release: async (emit, _decide) => {
        await playSteps(emit, 'hello-r3', 10);
        emit({ type: 'step', n: 11, name: 'test in production', status: 'running' });
        emit({ type: 'notice', level: 'warn', message: 'production test "injected fault prod-test:fail": failed: GET /kiln-injected-fault answered 404' });
        emit({ type: 'step', n: 11, name: 'test in production', status: 'failed', seconds: 0.1, detail: 'production test failed' });
        emit({ type: 'step', n: 10, name: 'cutover', status: 'rolled-back' });
        emit({ type: 'release', release: 'hello-r3', status: 'rolled-back', url: 'http://127.0.0.1:8480' });
        return summary('hello-r3', 'rolled-back', 11);
      },
    }, { faults: ['prod-test:fail'] });
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('✗ hello-r3 rolled-back at step 11 (test in production)'));
    expect(ui.frame()).toContain('b roll back · r retry (a new release) · l open the step\'s log · esc close');

    ui.stdin.write('l');
    const logShown = await waitFor(ui.frame, (text) => text.includes('Log file'));
    expect(logShown).toContain('.kiln/logs/hello-r3.log · step 11 test in production');
    expect(logShown).toContain('! production test "injected fault prod-test:fail": failed');
    expect(logShown).not.toContain('working on freeze');

    ui.stdin.write('f');
    await waitFor(ui.frame, (text) => text.includes('b roll back'));
    ui.stdin.write('b');
    const asked = await waitFor(ui.frame, (text) => text.includes('roll back further from hello-r2 to hello-r1?'));
    expect(asked).toContain('hello-r2 serves at http://127.0.0.1:8480: kiln already undid hello-r3');
    expect(ui.calls.filter((call) => call.method === 'rollback')).toHaveLength(0);
    ui.stdin.write('y');
    await waitFor(ui.frame, (text) => text.includes('rolled back hello-r2 → hello-r1 (relaunched from its image)'));
    expect((ui.calls.find((call) => call.method === 'rollback')!.options as { to: string }).to).toBe('hello-r1');

    ui.session.goHome();
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('✗ hello-r3 rolled-back at step 11'));
    const releases = ui.calls.filter((call) => call.method === 'release').map((call) => (call.options as ReleaseOptions).faults);
    expect(releases).toEqual([['prod-test:fail'], []]);
  });
});

describe('Ctrl-C during a release', () => {
  const waitForAbort = async (emit: Emit, _decide: unknown, signal: AbortSignal) => {
    await playSteps(emit, 'hello-r2', 6);
    emit({ type: 'step', n: 7, name: 'launch', status: 'running' });
    await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
    emit({ type: 'step', n: 7, name: 'launch', status: 'failed', detail: 'interrupted' });
    emit({ type: 'release', release: 'hello-r2', status: 'aborted' });
    return summary('hello-r2', 'aborted');
  };

  it('asks abort or detach; abort aborts the engine\'s signal and ends the release aborted', async () => {
    const ui = start({ release: waitForAbort });
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('running'));
    ui.stdin.write(CTRL_C);
    const asking = await waitFor(ui.frame, (text) => text.includes('Stop release hello-r2 (step 7 launch)?'));
    expect(asking).toContain('finish it: kiln release --resume --env ui-test');
    ui.stdin.write('a');
    await waitFor(ui.frame, (text) => text.includes('release hello-r2 · aborted'));
    expect((ui.calls[0]!.options as ReleaseOptions).signal.aborted).toBe(true);
    expect(ui.frame()).not.toContain('b roll back');
    expect(ui.exits).toEqual([]);
  });

  it('detach leaves without aborting: the session exits with what to resume', async () => {
    const ui = start({ release: waitForAbort });
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('running'));
    ui.stdin.write(CTRL_C);
    await waitFor(ui.frame, (text) => text.includes('d detach'));
    ui.stdin.write('d');
    await waitFor(() => String(ui.exits.length), (count) => count === '1');
    expect(ui.exits[0]).toEqual({ kind: 'detached', release: 'hello-r2', env: 'ui-test', step: '7 launch' });
    expect((ui.calls[0]!.options as ReleaseOptions).signal.aborted).toBe(false);
  });

  it('a second Ctrl-C aborts cleanly', async () => {
    const ui = start({ release: waitForAbort });
    ui.stdin.write('r');
    await waitFor(ui.frame, (text) => text.includes('running'));
    ui.stdin.write(CTRL_C);
    await waitFor(ui.frame, (text) => text.includes('Stop release'));
    ui.stdin.write(CTRL_C);
    await waitFor(ui.frame, (text) => text.includes('· aborted'));
    expect((ui.calls[0]!.options as ReleaseOptions).signal.aborted).toBe(true);
  });

  it('when idle, Ctrl-C and q quit', async () => {
    const ui = start({});
    await waitFor(ui.frame, (text) => text.includes('Actions'));
    ui.stdin.write(CTRL_C);
    ui.stdin.write('q');
    await waitFor(() => String(ui.exits.length), (count) => count === '2');
    expect(ui.exits).toEqual([{ kind: 'quit' }, { kind: 'quit' }]);
  });
});

describe('keys', () => {
  it('? shows the key map, promote is disabled, h shows the history', async () => {
    const ui = start({ history: [historyEntry('hello-r1', 'live', '2026-01-01T10:00:00Z', { live: true })] });
    await waitFor(ui.frame, (text) => text.includes('* hello-r1'));
    expect(ui.frame().split('\n').at(-1)).toBe('b bake · v verify · r release · o roll back · p promote (cli) · h history · ? keys · q quit');
    ui.stdin.write('?');
    const map = await waitFor(ui.frame, (text) => text.includes('Keys (? or esc closes)'));
    expect(map).toContain('After Ctrl-C');
    expect(map).toMatch(/Home\s+b bake · v verify · r release · o roll back · p promote \(cli\)/);
    ui.stdin.write('?');
    ui.stdin.write('p');
    await waitFor(ui.frame, (text) => text.includes('promote runs from the command line: kiln promote <release> --to aws'));
    ui.stdin.write('h');
    await waitFor(ui.frame, (text) => text.includes('History · ui-test · 1 releases'));
    expect(existsSync(join(ui.project.dir, '.kiln', 'logs'))).toBe(false);
  });
});
