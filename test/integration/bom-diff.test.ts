import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bomDigest, type Bom } from '../../bake/bom/bom.js';
import { diffReleases } from '../../simulate/release/diff.js';
import { Journal } from '../../simulate/journal/journal.js';
import { commitAll, docker, kiln } from './fixtures.js';
import { edit, releaseProject } from './release-fixtures.js';

/** Every image records what went into it; kiln diff says what changed between two releases. */
describe('bill of materials and kiln diff', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;

  beforeAll(async () => {
    fixture = await releaseProject('it-bom');
  });
  afterAll(() => fixture.cleanup());

  it('two releases that differ by one apt package differ by exactly that package', async () => {
    const first = await fixture.release();
    expect(first.outcome).toBe('live');
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('apt: [nodejs]', 'apt: [nodejs, less]'));
    await commitAll(fixture.dir, 'add less');
    const second = await fixture.release();
    expect(second.outcome).toBe('live');

    const { diff } = await diffReleases(await fixture.project(), fixture.env, first.release, second.release);
    expect(diff.packages.added.map((entry) => entry.name)).toEqual(['less']);
    expect(diff.packages.removed).toEqual([]);
    expect(diff.packages.changed).toEqual([]);
    expect(diff.appFiles).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.layers.map((layer) => [layer.name, layer.changed])).toEqual([['os', false], ['packages', true], ['app', true]]);

    const cli = await kiln(['diff', first.release, second.release, '--env', fixture.env, '-C', fixture.dir]);
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toMatch(/packages added:\n {2}\+ less \S+/);
  });

  it('the image carries the digest of the BOM kiln keeps for it', async () => {
    const latest = (await new Journal(fixture.dir, fixture.env, 'hello').list()).at(-1)!;
    const image = await docker.getImage(latest.image!.id).inspect();
    const label = image.Config.Labels!['kiln.bom.digest']!;
    const bom = JSON.parse(await readFile(join(fixture.dir, '.kiln', 'bom', `${label.slice(7)}.json`), 'utf8')) as Bom;
    expect(bomDigest(bom)).toBe(label);
    expect(bom.packages.some((entry) => entry.name === 'nodejs')).toBe(true);
    expect(bom.app.files.map((file) => file.path)).toContain('server.mjs');
  });
});
