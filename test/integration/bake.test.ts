import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
// Edits carry a random marker: the layer cache outlives test runs, and a repeated edit would be a cache hit.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeDocker, type BakeResult } from '../../bake/docker/bake.js';
import { KILN_VERSION } from '../../bake/kiln-root.js';
import { commitAll, docker, exampleCopy, git, load, recorder } from './fixtures.js';

describe('docker bake of the example', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let first: BakeResult;
  let commit: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await exampleCopy());
    commit = await git(dir, 'rev-parse', 'HEAD');
    first = await bakeDocker(await load(dir), { emit: recorder().emit });
  });
  afterAll(() => cleanup());

  it('bakes three layers into a labelled image', async () => {
    expect(first.layers.map((layer) => layer.name)).toEqual(['os', 'packages', 'app']);
    const image = await docker.getImage(first.image).inspect();
    const labels = image.Config.Labels!;
    expect(image.Id).toBe(first.imageId);
    expect(labels['kiln.recipe.digest']).toBe(first.recipeDigest);
    for (const layer of first.layers) expect(labels[`kiln.layer.${layer.name}.digest`]).toBe(layer.digest);
    expect(labels['kiln.git.commit']).toBe(commit);
    expect(labels['kiln.version']).toBe(KILN_VERSION);
    expect(labels['kiln.project']).toBe('hello');
  });

  it('adds exactly one filesystem layer per recipe layer', async () => {
    const base = await docker.getImage(first.base.ref).inspect();
    const image = await docker.getImage(first.imageId).inspect();
    expect(image.RootFS.Layers!.length - base.RootFS.Layers!.length).toBe(3);
  });

  it('reuses every layer when nothing changed', async () => {
    const { emit, events } = recorder();
    const again = await bakeDocker(await load(dir), { emit });
    expect(again.layers.map((layer) => layer.cached)).toEqual([true, true, true]);
    expect(again.imageId).toBe(first.imageId);
    expect(again.recipeDigest).toBe(first.recipeDigest);
    expect(events.filter((event) => event.type === 'layer').map((event) => event.type === 'layer' && event.status)).toEqual(['cached', 'cached', 'cached']);
  });

  it('rebuilds only the app layer after an app-only change', async () => {
    await appendFile(join(dir, 'src', 'server.mjs'), `\n// an app-only change ${randomUUID()}\n`);
    await commitAll(dir, 'app change');
    const changed = await bakeDocker(await load(dir), { emit: recorder().emit });
    expect(changed.layers.map((layer) => layer.cached)).toEqual([true, true, false]);
    expect(changed.layers[0]!.digest).toBe(first.layers[0]!.digest);
    expect(changed.layers[1]!.digest).toBe(first.layers[1]!.digest);
    expect(changed.layers[2]!.digest).not.toBe(first.layers[2]!.digest);
    expect(changed.recipeDigest).not.toBe(first.recipeDigest);
    const labels = (await docker.getImage(changed.image).inspect()).Config.Labels!;
    expect(labels['kiln.layer.app.digest']).toBe(changed.layers[2]!.digest);
  });

  it('streams layer script output as it runs', async () => {
    await appendFile(join(dir, 'src', 'server.mjs'), `\n// another change ${randomUUID()}\n`);
    const { emit, events } = recorder();
    await bakeDocker(await load(dir), { emit });
    const logs = events.filter((event) => event.type === 'log' && event.source === 'app');
    expect(logs.some((event) => event.type === 'log' && /installed \d+ files/.test(event.line))).toBe(true);
  });
});
