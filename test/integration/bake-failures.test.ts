import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeDocker } from '../../bake/docker/bake.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import { exampleCopy, kiln, leftovers, load, recorder } from './fixtures.js';

/** Each failure must say what went wrong and leave no container or dangling image behind. */
describe('bake failures', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let pristine: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await exampleCopy());
    pristine = await readFile(join(dir, 'kiln.yaml'), 'utf8');
    await bakeDocker(await load(dir), { emit: recorder().emit }); // warm the shared layers
  });
  afterAll(() => cleanup());

  const withConfig = (edit: (text: string) => string) => writeFile(join(dir, 'kiln.yaml'), edit(pristine));
  const expectNothingLeft = async (before: Awaited<ReturnType<typeof leftovers>>) => {
    const after = await leftovers();
    expect(after.containers).toEqual(before.containers);
    expect(after.dangling).toEqual(before.dangling);
  };

  it('a failing build command is a user error with its output', async () => {
    await withConfig((text) => text.replace('build: node build.mjs', 'build: echo "compiling"; echo "syntax error in app" >&2; exit 3'));
    const before = await leftovers();
    const error = await bakeDocker(await load(dir), { emit: recorder().emit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('app.build failed (exit 3)');
    expect((error as Error).message).toContain('syntax error in app');
    await expectNothingLeft(before);
  });

  it('a layer script that exits non-zero shows its last lines and removes its builder', async () => {
    await mkdir(join(dir, 'templates', 'packages'), { recursive: true });
    await writeFile(join(dir, 'templates', 'packages', 'broken.sh.hbs'), 'echo "step one of {{project}}"\necho "about to fail"\nexit 3\n');
    await withConfig((text) => text.replace('scripts: []            # more templates', 'scripts: [packages/broken]  # more templates'));
    const before = await leftovers();
    const error = await bakeDocker(await load(dir), { emit: recorder().emit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExternalError);
    expect((error as Error).message).toContain('the packages layer script failed with status 3');
    expect((error as Error).message).toContain('templates/packages/broken.sh.hbs');
    expect((error as ExternalError).tail).toContain('about to fail');
    await expectNothingLeft(before);
  });

  it('running out of space mid-layer is reported as a full disk and cleaned up', async () => {
    await writeFile(join(dir, 'templates', 'packages', 'broken.sh.hbs'), '# /dev/full answers every write with ENOSPC\ndd if=/dev/zero of=/dev/full bs=1k count=1\n');
    const before = await leftovers();
    const error = await bakeDocker(await load(dir), { emit: recorder().emit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/disk full while baking the packages layer/);
    await expectNothingLeft(before);
  });

  it('a missing template variable fails before anything runs, naming template and line', async () => {
    await writeFile(join(dir, 'templates', 'packages', 'broken.sh.hbs'), 'echo ok\necho {{vars.nope}}\n');
    const before = await leftovers();
    const result = await kiln(['bake', '-C', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('templates/packages/broken.sh.hbs:2');
    expect(result.stderr).toContain('"vars.nope" is not defined');
    await expectNothingLeft(before);
  });

  it('a missing template is a user error listing where kiln looked', async () => {
    await withConfig((text) => text.replace('template: app/install', 'template: app/instal'));
    const result = await kiln(['bake', '-C', dir, '--no-build']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('app.template: template "app/instal" not found');
  });

  it('a template that does not compile names its line', async () => {
    await withConfig((text) => text);
    await writeFile(join(dir, 'templates', 'packages', 'broken.sh.hbs'), 'echo ok\n{{#if vars.greeting}}\necho {{vars.greeting}\n');
    await withConfig((text) => text.replace('scripts: []            # more templates', 'scripts: [packages/broken]  # more templates'));
    const result = await kiln(['render', '-C', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/templates\/packages\/broken\.sh\.hbs:\d+: template does not compile/);
  });

  it('malformed YAML is a user error with file, line and column', async () => {
    await writeFile(join(dir, 'kiln.yaml'), 'project: hello\nos:\n  image: [unclosed\n');
    const result = await kiln(['bake', '-C', dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/kiln\.yaml:\d+:\d+: \(yaml\)/);
  });

  it('no Docker daemon is a user error that says how to start one', async () => {
    await withConfig((text) => text);
    const result = await kiln(['bake', '-C', dir, '--no-build'], { env: { DOCKER_HOST: `unix://${join(dir, 'no-such.sock')}` } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot reach a Docker engine');
    expect(result.stderr).toContain('setup-host.sh');
  });

  it('--json prints one result object with image, recipeDigest, layers and seconds', async () => {
    await withConfig((text) => text);
    const result = await kiln(['bake', '-C', dir, '--json', '--quiet']);
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as { image: string; recipeDigest: string; layers: { name: string; digest: string; cached: boolean }[]; seconds: number };
    expect(json.image).toMatch(/^kiln\/hello:[0-9a-f]{12}$/);
    expect(json.recipeDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(json.layers.map((layer) => [layer.name, layer.cached])).toEqual([['os', true], ['packages', true], ['app', true]]);
    expect(typeof json.seconds).toBe('number');
  });
});
