import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, kiln, leftovers } from './fixtures.js';
import { edit, releaseProject } from './release-fixtures.js';

const SECRET = `kiln-test-${randomBytes(12).toString('hex')}`;
const digest = createHash('sha256').update(SECRET).digest('hex');

/** Secrets reach instances at boot through a tmpfs, and nowhere else: not a layer, a log, the journal or --json. */
describe('secrets', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  const env = { API_TOKEN: SECRET };

  beforeAll(async () => {
    fixture = await releaseProject('it-secrets');
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('secrets: []', 'secrets: [API_TOKEN]'));
    await mkdir(join(fixture.dir, 'templates', 'configure'), { recursive: true });
    // A careless configure script that prints the secret: kiln must still keep it out of every output.
    await writeFile(join(fixture.dir, 'templates', 'configure', 'service.sh.hbs'), [
      'token={{secret "API_TOKEN"}}',
      'echo "configuring with token $token"',
      '{ echo "PORT={{role.port}}"; echo "KILN_INSTANCE_ID=$(kiln_meta instance-id)"; } > /etc/kiln/env',
      '',
    ].join('\n').replace('PORT={{role.port}}', 'PORT=8080'));
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('    - name: app is installed\n', [
      '    - name: the secret arrived in a tmpfs, mode 0400',
      `      run: grep -q " /run/kiln/secrets tmpfs " /proc/mounts && test "$(stat -c %a /run/kiln/secrets/API_TOKEN)" = 400 && sha256sum /run/kiln/secrets/API_TOKEN | grep -q ${digest}`,
      '    - name: app is installed',
      '',
    ].join('\n')));
    await commitAll(fixture.dir, 'use a secret at boot');
  });
  afterAll(() => fixture.cleanup());

  it('reaches the instance at boot, and never shows in stdout, stderr, the journal or --json', async () => {
    const bake = await kiln(['bake', '--verify', '-C', fixture.dir], { env });
    expect(bake.exitCode, bake.stderr).toBe(0);
    expect(bake.stderr).toContain('configuring with token ‹redacted›');
    const release = await kiln(['release', '--yes', '--json', '--env', fixture.env, '-C', fixture.dir], { env });
    expect(release.exitCode, release.stderr).toBe(0);
    expect(JSON.parse(release.stdout.trim().split('\n').pop()!).outcome).toBe('live');
    for (const output of [bake.stdout, bake.stderr, release.stdout, release.stderr]) expect(output).not.toContain(SECRET);
    expect(await grepTree(join(fixture.dir, '.kiln'), SECRET)).toEqual([]);
  });

  it('a release without the secret value stops before launching anything', async () => {
    const result = await kiln(['release', '--yes', '--env', fixture.env, '-C', fixture.dir], { env: { API_TOKEN: '' } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/secret API_TOKEN has no value/);
  });

  it('a layer template that names a secret fails lint and bake, naming template and line', async () => {
    await mkdir(join(fixture.dir, 'templates', 'app'), { recursive: true });
    await writeFile(join(fixture.dir, 'templates', 'app', 'install.sh.hbs'), 'mkdir -p /opt/app\necho {{secret "API_TOKEN"}} > /opt/app/token\n');
    for (const command of ['lint', 'bake']) {
      const result = await kiln([command, '-C', fixture.dir], { env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('templates/app/install.sh.hbs:2: secret API_TOKEN is used in a layer template');
    }
  });

  it('a secret value written into a layer fails the bake, names the file, and leaves no image or container', async () => {
    await writeFile(join(fixture.dir, 'templates', 'app', 'install.sh.hbs'), 'mkdir -p /opt/app\ncp -a "$KILN_INPUTS/artifact/." /opt/app/\n');
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('build: node build.mjs', 'build: node build.mjs && printf %s "$API_TOKEN" > dist/leaked.env'));
    const before = await leftovers();
    const result = await kiln(['bake', '-C', fixture.dir], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('the app layer would contain the value of secret API_TOKEN in /opt/app/leaked.env');
    expect(result.stderr).not.toContain(SECRET);
    expect(await leftovers()).toEqual(before);
  });

  it('a private key baked into a layer is refused even when it was never declared', async () => {
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace('printf %s "$API_TOKEN" > dist/leaked.env', 'printf -- "-----BEGIN OPENSSH PRIVATE KEY-----\\\\nabc\\\\n" > dist/id_ed25519'));
    const result = await kiln(['bake', '-C', fixture.dir], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('would contain a private key in /opt/app/id_ed25519');
  });
});

async function grepTree(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) hits.push(file);
  }
  return hits;
}
