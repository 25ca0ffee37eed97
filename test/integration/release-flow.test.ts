import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { startLoad } from '../../simulate/load/load-generator.js';
import { rollback } from '../../simulate/release/rollback.js';
import { releaseHistory, environmentStatus } from '../../simulate/release/status.js';
import { Journal } from '../../simulate/journal/journal.js';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { recorder } from './fixtures.js';
import { commitVersion, containersOf, edit, releaseProject, servedVersion } from './release-fixtures.js';

describe('release: v1 → v2 under load → v3 rolls itself back → rollback --to v1', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let url: string;

  beforeAll(async () => {
    fixture = await releaseProject('it-flow');
  });
  afterAll(() => fixture.cleanup());

  it('refuses a dirty working tree and leaves no journal entry', async () => {
    await appendFile(join(fixture.dir, 'src', 'server.mjs'), '\n// not committed\n');
    const error = await fixture.release().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/uncommitted changes/);
    expect((error as Error).message).toContain('src/server.mjs');
    const journal = new Journal(fixture.dir, fixture.env, 'hello');
    expect(await journal.list()).toEqual([]);
    await edit(fixture.dir, 'src/server.mjs', (text) => text.replace('\n// not committed\n', ''));
  });

  it('releases v1 through all twelve steps and serves it', async () => {
    const summary = await fixture.release();
    expect(summary.outcome).toBe('live');
    expect(summary.steps.map((step) => step.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'done', 'skipped']);
    expect(summary.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    url = summary.url!;
    expect(await servedVersion(url)).toBe('1.0.0');
    const tags = await import('./fixtures.js').then(({ git }) => git(fixture.dir, 'tag', '--list'));
    expect(tags.split('\n')).toContain('hello-r1');
  });

  it('releases v2 while 20 connections hammer the load balancer, and not one request fails', async () => {
    await commitVersion(fixture.dir, '2.0.0');
    const load = startLoad(`${url}/version`, 20);
    const summary = await fixture.release();
    await new Promise((done) => setTimeout(done, 500));
    const result = await load.stop();
    expect(summary.outcome).toBe('live');
    expect(result.requests).toBeGreaterThan(100);
    expect({ errors: result.errors, bad: result.bad, samples: result.samples }).toEqual({ errors: 0, bad: {}, samples: [] });
    expect(await servedVersion(url)).toBe('2.0.0');
    expect(await containersOf(fixture.env, 'hello-r1')).toEqual([]);
  });

  it('rolls v3 back by itself when its production test fails, and v2 keeps serving', async () => {
    await commitVersion(fixture.dir, '3.0.0', (dir) => edit(dir, 'kiln.yaml', (text) => text.replace('      http: /health\n', '      http: /version\n      contains: "v3-is-ready"\n')));
    const summary = await fixture.release();
    expect(summary.outcome).toBe('rolled-back');
    expect(summary.steps[10]!.status).toBe('failed');
    expect(summary.steps[9]!.status).toBe('rolled-back');
    expect(summary.error).toContain('v3-is-ready');
    expect(await servedVersion(url)).toBe('2.0.0');
    expect(await containersOf(fixture.env, 'hello-r3')).toEqual([]);
  });

  it('rolls back to v1 on request, relaunching its image without a rebuild, without dropping a request', async () => {
    const { emit, events } = recorder();
    const load = startLoad(`${url}/version`, 20);
    const result = await rollback(await fixture.project(), { env: fixture.env, to: 'hello-r1', emit, signal: new AbortController().signal });
    const traffic = await load.stop();
    expect({ errors: traffic.errors, bad: traffic.bad }).toEqual({ errors: 0, bad: {} });
    expect(result).toMatchObject({ from: 'hello-r2', to: 'hello-r1', relaunched: true });
    expect(events.some((event) => event.type === 'layer')).toBe(false);
    expect(await servedVersion(url)).toBe('1.0.0');
    expect(await containersOf(fixture.env, 'hello-r2')).toEqual([]);
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.live).toBe('hello-r1');
    expect(status.serving).toBe('hello-r1');
  });

  it('keeps every release in the history, and the build exports are gone', async () => {
    const history = await releaseHistory(await fixture.project(), fixture.env);
    expect(history.map((entry) => [entry.release, entry.outcome, entry.live])).toEqual([
      ['hello-r1', 'live', true],
      ['hello-r2', 'live', false],
      ['hello-r3', 'rolled-back', false],
    ]);
    expect(history.every((entry) => entry.recipeDigest?.startsWith('sha256:'))).toBe(true);
    const work = join(fixture.dir, '.kiln', 'journal', fixture.env, 'builds');
    expect(existsSync(work) ? await readdir(work) : []).toEqual([]);
  });
});
