import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeDocker } from '../../bake/docker/bake.js';
import { packTar } from '../../bake/docker/tar.js';
import { UserError } from '../../bake/errors.js';
import { pushLogPath, readPushLog, type PushedReleaseRecord } from '../../bake/push/push-journal.js';
import { readPushStream, type PushMessage } from '../../bake/push/push-progress.js';
import { pushImage } from '../../bake/push/push.js';
import { verifyImage } from '../../bake/verify/verify.js';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import { Journal } from '../../simulate/journal/journal.js';
import { commitAll, docker, exampleCopy, kiln, load, recorder, REPO_ROOT } from './fixtures.js';
import { edit, releaseProject } from './release-fixtures.js';

// The registry scripts/start-registry.sh runs (Debian's docker-registry); Docker treats 127.0.0.0/8 as insecure itself.
const REGISTRY = '127.0.0.1:5000';

async function startRegistry(): Promise<void> {
  await execa('bash', [join(REPO_ROOT, 'scripts', 'start-registry.sh')]);
}

/** A loopback port nothing listens on: the registry that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Push a ref the way a user's `docker push` would, for test fixtures (base images). */
async function dockerPush(ref: string): Promise<string> {
  const at = ref.lastIndexOf(':');
  const stream = await docker.getImage(ref.slice(0, at)).push({ tag: ref.slice(at + 1), authconfig: {} });
  const messages: PushMessage[] = [];
  await new Promise<void>((done, fail) => docker.modem.followProgress(stream, (error) => (error ? fail(error) : done()), (message: PushMessage) => messages.push(message)));
  const outcome = readPushStream(messages);
  if (!outcome.digest) throw new Error(`push of ${ref} failed: ${outcome.error}`);
  return outcome.digest;
}

async function removeImages(reference: string): Promise<void> {
  for (const image of await docker.listImages({ filters: { reference: [reference] } })) {
    await docker.getImage(image.Id).remove({ force: true }).catch(() => {});
  }
}

/** Drop the names a pull left for a repository (repo@digest) without removing the images: the seed base stays. */
async function forgetRepository(repo: string): Promise<void> {
  for (const image of await docker.listImages({ filters: { reference: [repo] } })) {
    for (const name of [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])].filter((ref) => ref.startsWith(`${repo}:`) || ref.startsWith(`${repo}@`))) {
      await docker.getImage(name).remove({ noprune: true }).catch(() => {});
    }
  }
}

/** The digest the registry serves for a tag, asked over its HTTP API. */
async function registryDigest(repo: string, tag: string): Promise<string | null> {
  const response = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

describe('kiln push', () => {
  const env = 'push';
  const project = 'pushit';
  let fixture: Awaited<ReturnType<typeof releaseProject>>;
  let releaseId: string;
  let releaseImage: { ref: string; id: string };
  let appLayer: string | undefined;

  beforeAll(async () => {
    await startRegistry();
    fixture = await releaseProject(env);
    // A project name of its own, so the example's kiln/hello images and tags are never touched.
    await edit(fixture.dir, 'kiln.yaml', (text) => text.replace(/^project: .*$/m, `project: ${project}`));
    await commitAll(fixture.dir, 'rename');
    const summary = await fixture.release();
    expect(summary.outcome).toBe('live');
    releaseId = summary.release;
    releaseImage = (await new Journal(fixture.dir, env, project).load(releaseId)).image!;
  });

  afterAll(async () => {
    await fixture?.cleanup();
    await removeImages(`kiln/${project}`);
    await removeImages(`${REGISTRY}/kiln/${project}`);
    // The app-only change made a layer no other bake will reuse.
    if (appLayer) await docker.getImage(appLayer).remove().catch(() => {});
  });

  it('refuses to push a release that has not passed kiln verify, saying how to verify it', async () => {
    const failure = await pushImage(await fixture.project(), { to: REGISTRY, target: releaseId, env, emit: recorder().emit }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).message).toContain(`release ${releaseId} (image ${releaseImage.ref}) has not passed kiln verify`);
    expect((failure as UserError).hint).toContain(`kiln verify ${releaseImage.ref}`);

    const cli = await kiln(['push', releaseId, '--to', REGISTRY, '--env', env, '-C', fixture.dir]);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain('has not passed kiln verify');
    expect(cli.stderr).toContain(`try: verify it first: kiln verify ${releaseImage.ref}`);
    expect(existsSync(pushLogPath(fixture.dir))).toBe(false);
    expect(((await new Journal(fixture.dir, env, project).load(releaseId)) as PushedReleaseRecord).push).toBeUndefined();
  });

  it('says the registry is down, naming it and how to start it, and journals nothing', async () => {
    await verifyImage(await fixture.project(), { image: releaseImage.ref, emit: recorder().emit });
    const recordFile = new Journal(fixture.dir, env, project).releaseFile(releaseId);
    const before = await readFile(recordFile, 'utf8');
    const down = `127.0.0.1:${await deadPort()}`;

    const failure = await pushImage(await fixture.project(), { to: down, target: releaseId, env, emit: recorder().emit }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).message).toMatch(new RegExp(`^the registry ${down} does not answer while pushing ${down}/kiln/${project}:`));
    expect((failure as UserError).hint).toContain('scripts/start-registry.sh');

    const cli = await kiln(['push', releaseId, '--to', down, '--env', env, '-C', fixture.dir]);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain(`the registry ${down} does not answer`);
    // Nothing half-recorded: no push log, the release record byte for byte as before, no local tags left behind.
    expect(existsSync(pushLogPath(fixture.dir))).toBe(false);
    expect(await readFile(recordFile, 'utf8')).toBe(before);
    expect(await docker.listImages({ filters: { reference: [`${down}/kiln/${project}`] } })).toEqual([]);
  });

  it('pushes a verified release tagged with its recipe digest and release tag, journals the digest, and pulls back by digest', async () => {
    const { emit, events } = recorder();
    const result = await pushImage(await fixture.project(), { to: REGISTRY, target: releaseId, env, emit });
    const record = (await new Journal(fixture.dir, env, project).load(releaseId)) as PushedReleaseRecord;
    const repo = `${REGISTRY}/kiln/${project}`;
    expect(result.tags).toEqual([record.recipeDigest!.slice(7, 19), releaseId]);
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.forced).toBe(false);
    expect(record.push).toEqual({ repo, digest: result.digest, ref: `${repo}@${result.digest}`, tags: result.tags, imageId: releaseImage.id, at: expect.any(String), forced: false });
    expect((await readPushLog(fixture.dir)).pushes).toEqual([{ ...record.push, source: { kind: 'release', name: releaseId, ref: releaseImage.ref }, release: { env, id: releaseId } }]);
    expect(events.some((event) => event.type === 'log' && event.source === 'push' && /Pushed|Layer already exists|Mounted from/.test(event.line))).toBe(true);
    // The registry serves both tags as that digest.
    expect(await registryDigest(`kiln/${project}`, result.tags[0]!)).toBe(result.digest);
    expect(await registryDigest(`kiln/${project}`, releaseId)).toBe(result.digest);
    // The push left no registry-named tags behind locally.
    expect(await docker.listImages({ filters: { reference: [repo] } })).toEqual([]);

    // Pull it back by digest into an engine that no longer has it.
    await destroyEnvironment(await fixture.project(), env);
    await docker.getImage(releaseImage.id).remove({ force: true });
    expect(await docker.getImage(releaseImage.id).inspect().catch(() => null)).toBeNull();
    const pull = await docker.pull(result.ref);
    await new Promise<void>((done, fail) => docker.modem.followProgress(pull, (error) => (error ? fail(error) : done())));
    const pulled = await docker.getImage(result.ref).inspect();
    expect(pulled.Id).toBe(releaseImage.id);
    expect(pulled.Config.Labels).toMatchObject({
      'kiln.project': project,
      'kiln.recipe.digest': record.recipeDigest,
      'kiln.release.tag': releaseId,
      'kiln.git.commit': record.commit,
    });
  });

  it('refuses an unverified bake, and --force pushes it with a warning journaled as forced, uploading only the app layer', async () => {
    await appendFile(join(fixture.dir, 'src', 'server.mjs'), `// push test ${randomBytes(4).toString('hex')}\n`);
    await commitAll(fixture.dir, 'app-only change');
    const bake = await bakeDocker(await fixture.project(), { emit: recorder().emit });
    appLayer = `kiln-cache/app:${bake.layers.at(-1)!.digest.slice(7)}`;
    const refused = await pushImage(await fixture.project(), { to: REGISTRY, emit: recorder().emit }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).hint).toContain(`kiln verify kiln/${project}:latest`);

    const cli = await kiln(['push', '--to', REGISTRY, '--force', '--json', '-C', fixture.dir]);
    expect(cli.exitCode).toBe(0);
    expect(cli.stderr).toContain(`! pushed kiln/${project}:latest without a passing kiln verify (--force); the journal records it as forced`);
    const result = JSON.parse(cli.stdout) as { digest: string; forced: boolean; layers: { layer: string; outcome: string }[] };
    expect(result.forced).toBe(true);
    // The release push already sent base, os and packages; an app-only change sends the app layer alone.
    expect(result.layers.filter((layer) => layer.outcome === 'uploaded').map((layer) => layer.layer)).toEqual(['app']);
    expect(result.layers.filter((layer) => layer.outcome !== 'uploaded').map((layer) => layer.layer)).toEqual(expect.arrayContaining(['os', 'packages']));
    const last = (await readPushLog(fixture.dir)).pushes.at(-1)!;
    expect(last).toMatchObject({
      imageId: bake.imageId, digest: result.digest, forced: true, source: { kind: 'image', name: `kiln/${project}:latest` },
      warning: `pushed kiln/${project}:latest without a passing kiln verify (--force)`,
    });
    expect(last.release).toBeUndefined();
  });
});

describe('an OS layer from a registry image', () => {
  const project = 'pushbase';
  const baseRepo = `${REGISTRY}/kiln-test/base`;
  const baseRef = `${baseRepo}:it-${randomBytes(4).toString('hex')}`;
  let copy: Awaited<ReturnType<typeof exampleCopy>>;
  const made: string[] = [];

  beforeAll(async () => {
    await startRegistry();
    const [seed] = await docker.listImages({ filters: { reference: ['kiln-base/debootstrap'] } });
    if (!seed) throw new Error('no kiln-base/debootstrap image in the engine: run `npm run example` (or any bake) once to build it');
    const [repo, tag] = [baseRef.slice(0, baseRef.lastIndexOf(':')), baseRef.slice(baseRef.lastIndexOf(':') + 1)];
    await docker.getImage(seed.Id).tag({ repo, tag });
    await dockerPush(baseRef);
    copy = await exampleCopy('kiln-push-base-');
    // source: image and no bootstrap, so the base can only come from the registry; no apt packages keeps it quick.
    await edit(copy.dir, 'kiln.yaml', (text) => text
      .replace(/^project: .*$/m, `project: ${project}`)
      .replace(/^ {2}source: auto.*$/m, '  source: image')
      .replace(/^ {2}image: .*$/m, `  image: ${baseRef}`)
      .replace(/^ {2}bootstrap:\n(?: {4}.*\n)+/m, '')
      .replace(/^ {2}apt: \[nodejs\].*$/m, '  apt: []'));
    // A packages layer that changes a file but fetches nothing: the test reaches no network beyond 127.0.0.1.
    await mkdir(join(copy.dir, 'templates', 'packages'), { recursive: true });
    await writeFile(join(copy.dir, 'templates', 'packages', 'apt.sh.hbs'), 'echo "no packages: a base-from-registry test" > /etc/kiln-test-packages\n');
    await commitAll(copy.dir, 'base from a registry');
  });

  afterAll(async () => {
    await removeImages(`kiln/${project}`);
    for (const ref of made.reverse()) await docker.getImage(ref).remove().catch(() => {});
    await docker.getImage(baseRef).remove().catch(() => {});
    await forgetRepository(baseRepo);
    await copy?.cleanup();
  });

  it('pulls a missing base with progress, and the recipe digest pins the base it pulled', async () => {
    await docker.getImage(baseRef).remove();
    const first = recorder();
    const a = await bakeDocker(await load(copy.dir), { emit: first.emit });
    expect(a.base).toMatchObject({ source: 'image', ref: baseRef, how: 'pulled' });
    expect(first.events.some((event) => event.type === 'log' && event.source === 'pull')).toBe(true);
    expect(a.base.digest).toBe((await docker.getImage(baseRef).inspect()).Id);
    expect(a.labels['kiln.base.digest']).toBe(a.base.digest);

    // A different base under the same tag: the seed plus one file, committed and pushed over it.
    const container = await docker.createContainer({ Image: baseRef, Cmd: ['true'], Labels: { 'kiln.managed': 'true', 'kiln.purpose': 'test' } });
    try {
      await container.putArchive(packTar([{ name: 'etc/kiln-test-base', content: `${baseRef}\n` }]), { path: '/' });
      const [repo, tag] = [baseRepo, baseRef.slice(baseRef.lastIndexOf(':') + 1)];
      await container.commit({ repo, tag });
    } finally {
      await container.remove({ force: true });
    }
    const changedId = (await docker.getImage(baseRef).inspect()).Id;
    await dockerPush(baseRef);
    await docker.getImage(baseRef).remove();

    const second = recorder();
    const b = await bakeDocker(await load(copy.dir), { emit: second.emit });
    made.push(...b.layers.map((layer) => `kiln-cache/${layer.name}:${layer.digest.slice(7)}`));
    expect(b.base).toMatchObject({ ref: baseRef, how: 'pulled', digest: changedId });
    expect(b.base.digest).not.toBe(a.base.digest);
    expect(b.recipeDigest).not.toBe(a.recipeDigest);
    expect(b.layers.every((layer, index) => layer.digest !== a.layers[index]!.digest)).toBe(true);

    // Present locally now: the same base, the same recipe, every layer cached.
    const c = await bakeDocker(await load(copy.dir), { emit: recorder().emit });
    expect(c.base.how).toBe('present locally');
    expect(c.recipeDigest).toBe(b.recipeDigest);
    expect(c.layers.every((layer) => layer.cached)).toBe(true);
  });
});
