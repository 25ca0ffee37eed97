import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { environmentStatus } from '../../../simulate/release/status.js';
import { KILN_BIN, kiln } from '../../integration/fixtures.js';
import { releaseProject } from '../../integration/release-fixtures.js';
import { TmuxKiln } from './tmux.js';

/** Processes whose working directory is inside `dir` (the release's build export lives there). */
function processesIn(dir: string): string[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });
}

const STEPS = ['freeze', 'tag', 'build', 'test', 'image', 'configure', 'launch', 'test image', 'start services', 'cutover', 'test in production', 'shut down old stack'];

describe('kiln in a real terminal', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(env: string, extra: string[] = []) {
    const fixture = await releaseProject(env);
    const terminal = new TmuxKiln();
    cleanups.push(fixture.cleanup, () => terminal.kill());
    await terminal.start(KILN_BIN, ['-C', fixture.dir, '--env', env, ...extra], { columns: 120, rows: 40 });
    await terminal.waitFor(/Actions/, 30_000);
    return { fixture, terminal };
  }

  it('releases on r, asks before cutover, survives a resize, and shows the twelve steps and the url once live', async () => {
    const { fixture, terminal } = await open('ui-e2e-live');
    await terminal.waitFor(/nothing is live yet/, 30_000);

    await terminal.keys('r');
    const asking = await terminal.waitFor(/Cut over to hello-r1\?/, 300_000);
    expect(asking).toMatch(/i-[0-9a-f]+ \(\d+\.\d+\.\d+\.\d+\) healthy/);
    expect(asking).toMatch(/✓  9 start services\s+done/);

    await terminal.resize(100, 30);
    // Wait for a whole redrawn frame: ink erases and rewrites, so a capture can land between the two.
    const header = (screen: string) => screen.split('\n').filter((line) => line.startsWith('kiln · hello · env ui-e2e-live')).length;
    const resized = await terminal.waitFor((screen) => screen.split('\n').length <= 31 && /Cut over to hello-r1\?/.test(screen) && header(screen) === 1, 10_000);
    expect(resized.split('\n').filter((line) => line.startsWith('kiln · hello · env ui-e2e-live'))).toHaveLength(1);
    expect(Math.max(...resized.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);

    await terminal.keys('y');
    const live = await terminal.waitFor(/hello-r1 live at http:\/\/127\.0\.0\.1:\d+/, 120_000);
    STEPS.forEach((name, index) => {
      const state = index === 11 ? 'skipped' : 'done';
      expect(live).toMatch(new RegExp(`[✓–] ${String(index + 1).padStart(2)} ${name}\\s+${state}`));
    });
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.live).toBe('hello-r1');
    expect(live).toContain(`hello-r1 live at ${status.url}`);
    expect(readFileSync(join(fixture.dir, '.kiln', 'logs', 'hello-r1.log'), 'utf8')).toContain(`━━ release hello-r1 live at ${status.url}`);

    await terminal.keys('Escape');
    await terminal.waitFor(/\* hello-r1\s+live/, 15_000);
    await terminal.keys('q');
    await terminal.waitFor(/kiln exited 0/, 15_000);
  });

  it('after a failing production test, offers the step log and a rollback, and the rollback serves the earlier release', async () => {
    const env = 'ui-e2e-fail';
    const fixture = await releaseProject(env);
    cleanups.push(fixture.cleanup);
    expect((await fixture.release()).outcome).toBe('live');
    expect((await fixture.release()).outcome).toBe('live');
    const terminal = new TmuxKiln();
    cleanups.push(() => terminal.kill());
    await terminal.start(KILN_BIN, ['-C', fixture.dir, '--env', env, '--inject', 'prod-test:fail'], { columns: 120, rows: 40 });
    const home = await terminal.waitFor(/\* hello-r2\s+live/, 30_000);
    expect(home).toContain('prod-test:fail injected into the next release');

    await terminal.keys('r');
    await terminal.waitFor(/Cut over to hello-r3\?/, 300_000);
    await terminal.keys('y');
    const failed = await terminal.waitFor(/✗ hello-r3 rolled-back at step 11 \(test in production\)/, 120_000);
    expect(failed).toMatch(/↺ 10 cutover\s+rolled back/);
    expect(failed).toContain('b roll back · r retry (a new release) · l open the step\'s log');

    await terminal.keys('l');
    const log = await terminal.waitFor(/Log file · \.kiln\/logs\/hello-r3\.log · step 11 test in production/, 10_000);
    expect(log).toContain('injected fault prod-test:fail');

    await terminal.keys('f');
    await terminal.waitFor(/b roll back/, 10_000);
    await terminal.keys('b');
    const asked = await terminal.waitFor(/roll back further from hello-r2 to hello-r1\?/, 30_000);
    expect(asked).toMatch(/hello-r2 serves at http:\/\/127\.0\.0\.1:\d+: kiln already undid hello-r3/);
    await terminal.keys('y');
    await terminal.waitFor(/rolled back hello-r2 → hello-r1/, 180_000);

    const status = await environmentStatus(await fixture.project(), env);
    expect(status.live).toBe('hello-r1');
    expect(status.serving).toBe('hello-r1');
    await terminal.keys('q');
    await terminal.waitFor(/kiln exited 0/, 15_000);
  });

  it('Ctrl-C then detach leaves at once with no process behind, and kiln release --resume finishes the release', async () => {
    const { fixture, terminal } = await open('ui-e2e-detach');
    await terminal.waitFor(/nothing is live yet/, 30_000);
    await terminal.keys('r');
    // Step 4 runs app.test in a child process: the moment to check that detaching leaves no orphan.
    await terminal.waitFor(/ 4 test\s+running/, 300_000);
    await terminal.keys('C-c');
    const asked = await terminal.waitFor(/Stop release hello-r1/, 10_000);
    expect(asked).toContain(`finish it: kiln release --resume --env ui-e2e-detach`);
    await terminal.keys('d');
    const left = await terminal.waitFor(/kiln exited 1/, 15_000);
    expect(left).toContain('kiln: detached from release hello-r1');
    expect(left).toContain('finish it:  kiln release --resume --env ui-e2e-detach');
    expect(processesIn(fixture.dir)).toEqual([]);

    const resumed = await kiln(['-C', fixture.dir, 'release', '--resume', '--yes', '--env', 'ui-e2e-detach', '--json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!).outcome).toBe('live');
  });
});
