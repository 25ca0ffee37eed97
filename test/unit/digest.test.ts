import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { layerDigest, recipeDigest } from '../../bake/recipe/digest.js';
import { collectInputs, type InputFile } from '../../bake/recipe/inputs.js';
import { chainRecipe, type RenderedLayer } from '../../bake/recipe/recipe.js';
import type { RenderedScript } from '../../bake/template/render.js';

const input = (overrides: Partial<InputFile> = {}): InputFile => ({
  dest: 'files/conf/app.conf', source: '/machine/a/app.conf', mode: 0o644, size: 3, sha256: 'a'.repeat(64), ...overrides,
});

describe('layerDigest', () => {
  const parent = 'sha256:base';
  const base = layerDigest(parent, ['echo hi\n'], [input()]);

  test('is stable for the same input and ignores machine paths and sizes', () => {
    expect(layerDigest(parent, ['echo hi\n'], [input()])).toBe(base);
    expect(layerDigest(parent, ['echo hi\n'], [input({ source: '/other/machine/app.conf', size: 99 })])).toBe(base);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test.each([
    ['parent', () => layerDigest('sha256:other', ['echo hi\n'], [input()])],
    ['script text', () => layerDigest(parent, ['echo bye\n'], [input()])],
    ['an extra script', () => layerDigest(parent, ['echo hi\n', ''], [input()])],
    ['input content hash', () => layerDigest(parent, ['echo hi\n'], [input({ sha256: 'b'.repeat(64) })])],
    ['input mode', () => layerDigest(parent, ['echo hi\n'], [input({ mode: 0o755 })])],
    ['input dest', () => layerDigest(parent, ['echo hi\n'], [input({ dest: 'files/conf/other.conf' })])],
    ['no inputs', () => layerDigest(parent, ['echo hi\n'], [])],
  ])('changes when the %s changes', (_what, digest) => {
    expect(digest()).not.toBe(base);
  });
});

describe('recipeDigest', () => {
  test('changes with any layer digest, and with layer order', () => {
    const layers = [{ name: 'os', digest: 'sha256:1' }, { name: 'packages', digest: 'sha256:2' }];
    const digest = recipeDigest(layers);
    expect(recipeDigest([...layers])).toBe(digest);
    expect(recipeDigest([layers[0]!, { name: 'packages', digest: 'sha256:3' }])).not.toBe(digest);
    expect(recipeDigest([...layers].reverse())).not.toBe(digest);
  });
});

describe('chainRecipe', () => {
  const script = (text: string): RenderedScript => ({ template: { name: 't', origin: 'kiln:templates/t.sh.hbs', path: '/x', text }, text, headerLines: 0 });
  const layers = (os: string, app: string): RenderedLayer[] => [
    { name: 'os', scripts: [script(os)], inputs: [] },
    { name: 'packages', scripts: [script('apt-get install -y nodejs\n')], inputs: [input()] },
    { name: 'app', scripts: [script(app)], inputs: [input({ dest: 'artifact/server.mjs' })] },
  ];
  const digests = (recipe: ReturnType<typeof chainRecipe>) => recipe.layers.map((layer) => layer.digest);
  const before = chainRecipe('sha256:base', layers('echo os\n', 'cp app\n'));

  test('each layer is chained onto the one below', () => {
    expect(before.layers.map((layer) => layer.parent)).toEqual(['sha256:base', before.layers[0]!.digest, before.layers[1]!.digest]);
  });

  test('changing only the app script changes only the app digest', () => {
    const after = chainRecipe('sha256:base', layers('echo os\n', 'cp app again\n'));
    expect(digests(after).slice(0, 2)).toEqual(digests(before).slice(0, 2));
    expect(after.layers[2]!.digest).not.toBe(before.layers[2]!.digest);
    expect(after.digest).not.toBe(before.digest);
  });

  test('changing the os script (or the base) changes all three', () => {
    for (const after of [chainRecipe('sha256:base', layers('echo os v2\n', 'cp app\n')), chainRecipe('sha256:newbase', layers('echo os\n', 'cp app\n'))]) {
      digests(after).forEach((digest, index) => expect(digest).not.toBe(digests(before)[index]));
      expect(after.digest).not.toBe(before.digest);
    }
  });
});

describe('collectInputs', () => {
  let root: string;
  let project: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kiln-inputs-'));
    project = join(root, 'project');
    mkdirSync(join(project, 'conf/sub'), { recursive: true });
    writeFileSync(join(project, 'conf/zeta.txt'), 'zeta');
    writeFileSync(join(project, 'conf/alpha.txt'), 'alpha');
    chmodSync(join(project, 'conf/zeta.txt'), 0o644);
    chmodSync(join(project, 'conf/alpha.txt'), 0o600);
    writeFileSync(join(project, 'conf/sub/run.sh'), 'echo run');
    chmodSync(join(project, 'conf/sub/run.sh'), 0o755);
    writeFileSync(join(root, 'secret.txt'), 'outside');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const collect = (path: string) => collectInputs(project, path, `files/${path}`, 'os.files[0]');

  test('walks a directory in sorted order with content hashes and modes', async () => {
    const found = await collect('conf');
    expect(found.map((file) => [file.dest, file.sha256, file.mode.toString(8)])).toEqual([
      ['files/conf/alpha.txt', sha('alpha'), '600'],
      ['files/conf/sub/run.sh', sha('echo run'), '755'],
      ['files/conf/zeta.txt', sha('zeta'), '644'],
    ]);
    expect(await collect('conf')).toEqual(found);
  });

  test('a single file is one input', async () => {
    expect((await collect('conf/alpha.txt')).map((file) => file.dest)).toEqual(['files/conf/alpha.txt']);
  });

  test.each([
    ['../secret.txt', /leaves the project/],
    ['conf/../../secret.txt', /leaves the project/],
    ['/etc/passwd', /is absolute/],
    ['missing.txt', /does not exist/],
  ])('refuses %s', async (path, message) => {
    await expect(collect(path)).rejects.toThrow(UserError);
    await expect(collect(path)).rejects.toThrow(message);
  });

  test('a symlink pointing outside the project is refused', async () => {
    symlinkSync(join(root, 'secret.txt'), join(project, 'conf/leak.txt'));
    await expect(collect('conf')).rejects.toThrow(UserError);
    await expect(collect('conf')).rejects.toThrow(/outside the project/);
  });

  test('a path through a symlinked directory that leaves the project is refused', async () => {
    mkdirSync(join(root, 'outside'), { recursive: true });
    writeFileSync(join(root, 'outside', 'secret.txt'), 'secret');
    symlinkSync(join(root, 'outside'), join(project, 'linkdir'));
    await expect(collect('linkdir/secret.txt')).rejects.toThrow(/outside the project/);
  });

  test('a symlink inside the project is kept as a link, hashed by its target', async () => {
    symlinkSync('alpha.txt', join(project, 'conf/link.txt'));
    const link = (await collect('conf')).find((file) => file.dest === 'files/conf/link.txt');
    expect(link).toMatchObject({ linkTarget: 'alpha.txt', sha256: sha('symlink:alpha.txt') });
  });
});
