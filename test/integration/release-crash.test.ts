import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { startLoad } from '../../simulate/load/load-generator.js';
import { abortRelease, resumeRelease } from '../../simulate/release/release.js';
import { environmentStatus } from '../../simulate/release/status.js';
import { Journal } from '../../simulate/journal/journal.js';
import { commitAll, KILN_BIN, recorder } from './fixtures.js';
import { commitVersion, containersOf, releaseProject, servedVersion } from './release-fixtures.js';

/** Start `kiln release` as a real process and SIGKILL it as soon as step `n` starts. */
async function killDuringStep(dir: string, env: string, n: number): Promise<string> {
  const child = execa('node', [KILN_BIN, 'release', '--yes', '--json', '--env', env, '-C', dir], { reject: false, env: { CI: 'true' } });
  let release = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = JSON.parse(line) as { type: string; n?: number; status?: string; release?: string };
    if (event.type === 'release') release = event.release!;
    if (event.type === 'step' && event.n === n && event.status === 'running') {
      child.kill('SIGKILL');
      break;
    }
  }
  const result = await child;
  expect(result.signal).toBe('SIGKILL');
  return release;
}

describe('a release killed with SIGKILL during start services', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let url: string;

  beforeAll(async () => {
    fixture = await releaseProject('it-crash');
    url = (await fixture.release()).url!;
  });
  afterAll(() => fixture.cleanup());

  const options = () => ({ env: fixture.env, emit: recorder().emit, signal: new AbortController().signal });

  it('refuses a new release until the interrupted one is resumed or aborted', async () => {
    await commitVersion(fixture.dir, '2.0.0');
    const load = startLoad(`${url}/version`, 20);
    const interrupted = await killDuringStep(fixture.dir, fixture.env, 9);
    expect(await servedVersion(url)).toBe('1.0.0');
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.inProgress).toMatchObject({ release: interrupted, alive: false });
    await expect(fixture.release()).rejects.toThrow(UserError);
    await expect(fixture.release()).rejects.toThrow(/was interrupted/);

    const summary = await resumeRelease(await fixture.project(), options());
    const traffic = await load.stop();
    expect(summary.release).toBe(interrupted);
    expect(summary.outcome).toBe('live');
    expect(summary.steps.slice(0, 8).every((step) => step.status === 'done')).toBe(true);
    expect(await servedVersion(url)).toBe('2.0.0');
    expect({ errors: traffic.errors, bad: traffic.bad }).toEqual({ errors: 0, bad: {} });
    // Exactly the journaled instances exist: none orphaned by the kill.
    const record = await new Journal(fixture.dir, fixture.env, 'hello').load(interrupted);
    const journaled = record.instances.filter((instance) => instance.state === 'running').map((instance) => `/${instance.container}`).sort();
    expect((await containersOf(fixture.env, interrupted)).sort()).toEqual(journaled);
    expect(await containersOf(fixture.env, 'hello-r1')).toEqual([]);
  });

  it('--abort cleans up everything the killed release started, and the old stack keeps serving', async () => {
    await commitVersion(fixture.dir, '3.0.0');
    const interrupted = await killDuringStep(fixture.dir, fixture.env, 9);
    expect((await containersOf(fixture.env, interrupted)).length).toBeGreaterThan(0);
    const summary = await abortRelease(await fixture.project(), options());
    expect(summary.outcome).toBe('aborted');
    expect(await containersOf(fixture.env, interrupted)).toEqual([]);
    expect(await servedVersion(url)).toBe('2.0.0');
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.inProgress).toBeNull();
    expect(status.live).not.toBe(interrupted);
  });

  it('refuses a second release while one is running', async () => {
    await commitAll(fixture.dir, 'nothing new').catch(() => undefined);
    const first = execa('node', [KILN_BIN, 'release', '--yes', '--json', '--env', fixture.env, '-C', fixture.dir], { reject: false, env: { CI: 'true' } });
    for await (const line of createInterface({ input: first.stdout! })) {
      if ((JSON.parse(line) as { type: string }).type === 'step') break;
    }
    await expect(fixture.release()).rejects.toThrow(/another release .* is running/);
    const result = await first;
    expect(result.exitCode).toBe(0);
  });
});
