import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad } from '../../simulate/load/load-generator.js';
import { gc } from '../../simulate/release/gc.js';
import { heal } from '../../simulate/release/heal.js';
import { environmentStatus } from '../../simulate/release/status.js';
import { Journal } from '../../simulate/journal/journal.js';
import { docker, recorder } from './fixtures.js';
import { commitVersion, releaseProject, servedVersion } from './release-fixtures.js';

/** Fast fail: a dead instance is replaced from the same image, never repaired; old images go. */
describe('heal and gc', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let url: string;

  beforeAll(async () => {
    fixture = await releaseProject('it-heal');
    url = (await fixture.release()).url!;
  });
  afterAll(() => fixture.cleanup());

  it('replaces a killed web instance with a fresh one from the same image while traffic keeps flowing', async () => {
    const record = (await new Journal(fixture.dir, fixture.env, 'hello').list()).at(-1)!;
    const victim = record.instances.find((instance) => instance.role === 'web')!;
    await docker.getContainer(victim.container).kill();
    const load = startLoad(`${url}/version`, 10);
    const result = await heal(await fixture.project(), { env: fixture.env, emit: recorder().emit, signal: new AbortController().signal });
    const traffic = await load.stop();
    expect(result.replaced).toHaveLength(1);
    expect(result.replaced[0]).toMatchObject({ old: victim.instanceId, role: 'web', why: 'not running' });
    const fresh = (await new Journal(fixture.dir, fixture.env, 'hello').load(record.id)).instances.find((instance) => instance.instanceId === result.replaced[0]!.new)!;
    expect((await docker.getContainer(fresh.container).inspect()).Image).toBe(record.image!.id);
    const status = await environmentStatus(await fixture.project(), fixture.env);
    expect(status.instances.filter((instance) => instance.role === 'web').map((instance) => instance.healthy)).toEqual([true, true]);
    expect(traffic.errors).toBe(0);
    expect(await servedVersion(url)).toBe('1.0.0');
  });

  it('a heal with nothing wrong replaces nothing', async () => {
    expect((await heal(await fixture.project(), { env: fixture.env, emit: recorder().emit, signal: new AbortController().signal })).replaced).toEqual([]);
  });

  it('gc keeps the newest releases and the live one, and removes older images', async () => {
    await commitVersion(fixture.dir, '2.0.0');
    expect((await fixture.release()).outcome).toBe('live');
    const journal = new Journal(fixture.dir, fixture.env, 'hello');
    const first = (await journal.load('hello-r1')).image!;
    // Another environment that keeps hello-r1 live (as a promotion to it would) protects its image.
    const { mkdir, rm, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const other = join(fixture.dir, '.kiln', 'journal', 'other');
    await mkdir(join(other, 'releases'), { recursive: true });
    await writeFile(join(other, 'releases', 'hello-r1.json'), JSON.stringify(await journal.load('hello-r1')));
    await writeFile(join(other, 'env.json'), JSON.stringify({ ...(await journal.state()), env: 'other', live: 'hello-r1', standby: [] }));
    const guarded = await gc(await fixture.project(), { env: fixture.env, keep: 1 });
    expect(guarded.removed).toEqual([]);
    expect(guarded.skipped).toEqual([{ release: 'hello-r1', image: first.ref, why: 'environment other keeps it' }]);
    expect(await docker.getImage(first.id).inspect()).toBeTruthy();
    await rm(other, { recursive: true });
    const result = await gc(await fixture.project(), { env: fixture.env, keep: 1 });
    expect(result.kept).toContain('hello-r2');
    expect(result.removed.map((entry) => entry.release)).toEqual(['hello-r1']);
    expect(await docker.getImage(first.id).inspect().catch(() => undefined)).toBeUndefined();
    expect(await servedVersion(url)).toBe('2.0.0');
  });
});
