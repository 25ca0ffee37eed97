import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { run } from '../process/run.js';
import type { Project } from '../config/project.js';
import { UserError } from '../errors.js';
import type { Emit } from '../events.js';
import { sha256Text } from '../recipe/inputs.js';
import { shortDigest } from '../recipe/digest.js';
import { explainDockerError } from './docker-errors.js';
import { LABEL, REPO } from './labels.js';
import { explainRegistryError } from '../push/registry-errors.js';
import { registryOfImage } from '../push/registry-ref.js';

/** The image the OS layer starts from, and the digest that pins it. */
export interface ResolvedBase {
  ref: string;
  digest: string;
  source: 'image' | 'bootstrap';
  /** Stable words for labels, e.g. "debootstrap bookworm/minbase". */
  description: string;
  /** How this bake got it: present locally, pulled, cached, built. */
  how: string;
}

type Bootstrap = NonNullable<Project['os']['bootstrap']>;

/** Pick the base per `os.source`: a local or pullable image, else a (cached) debootstrap. */
export async function resolveBase(docker: Docker, os: Project['os'], emit: Emit): Promise<ResolvedBase> {
  const wantImage = os.image !== undefined && os.source !== 'bootstrap';
  const canBootstrap = os.bootstrap !== undefined && os.source !== 'image';
  if (wantImage) {
    const local = await imageId(docker, os.image!);
    if (local) return fromImage(os.image!, local, 'present locally');
  }
  if (canBootstrap) {
    const cached = await imageId(docker, bootstrapRef(os.bootstrap!));
    if (cached) return fromBootstrap(os.bootstrap!, 'cached');
  }
  if (wantImage) {
    try {
      return fromImage(os.image!, await pull(docker, os.image!, emit), 'pulled');
    } catch (error) {
      if (!canBootstrap) throw error;
      emit({ type: 'notice', level: 'warn', message: `could not pull ${os.image} (${(error as Error).message.split('\n')[0]}); bootstrapping with debootstrap instead` });
    }
  }
  if (canBootstrap) {
    await bootstrap(docker, os.bootstrap!, emit);
    return fromBootstrap(os.bootstrap!, 'built');
  }
  throw new UserError(`os.image ${os.image} is not available`, 'pull it, or add an os.bootstrap section so kiln can build a base offline');
}

function fromImage(ref: string, id: string, how: string): ResolvedBase {
  return { ref, digest: id, source: 'image', description: `image ${ref}@${id}`, how };
}

function fromBootstrap(spec: Bootstrap, how: string): ResolvedBase {
  return { ref: bootstrapRef(spec), digest: bootstrapDigest(spec), source: 'bootstrap', description: `debootstrap ${spec.suite}/${spec.variant}`, how };
}

/** A bootstrap base is identified by what was asked of debootstrap. */
export function bootstrapDigest(spec: Bootstrap): string {
  const canonical = JSON.stringify({ suite: spec.suite, variant: spec.variant, include: [...spec.include].sort(), mirror: spec.mirror ?? null, arch: process.arch });
  return `sha256:${sha256Text(`kiln-bootstrap/v1\n${canonical}`)}`;
}

function bootstrapRef(spec: Bootstrap): string {
  return `${REPO.base}:${shortDigest(bootstrapDigest(spec), 64)}`;
}

async function imageId(docker: Docker, ref: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(ref).inspect()).Id;
  } catch {
    return undefined;
  }
}

async function pull(docker: Docker, ref: string, emit: Emit): Promise<string> {
  emit({ type: 'log', source: 'pull', line: `pulling ${ref}` });
  try {
    const stream = await docker.pull(ref);
    await new Promise<void>((done, fail) =>
      docker.modem.followProgress(stream, (error, events: { error?: string }[]) => {
        // Errors can arrive inside the stream, after a 200.
        const failed = error ?? events?.find((event) => event.error)?.error;
        return failed ? fail(failed instanceof Error ? failed : new Error(String(failed))) : done();
      }, (event: { status?: string; id?: string; progress?: string }) => {
        emit({ type: 'log', source: 'pull', line: [event.id, event.status, event.progress].filter(Boolean).join(' ') });
      }),
    );
  } catch (error) {
    const registry = registryOfImage(ref);
    throw registry ? explainRegistryError(error, registry, `pulling ${ref}`) : explainDockerError(error, `pulling ${ref}`);
  }
  const id = await imageId(docker, ref);
  if (!id) throw new Error(`pulled ${ref} but the engine does not list it`);
  return id;
}

/** debootstrap into a temp dir and import it; the temp dir is always removed. */
async function bootstrap(docker: Docker, spec: Bootstrap, emit: Emit): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new UserError('debootstrap needs root to build the OS base', 'run kiln as root, or set os.image to a base image you have (e.g. debian:bookworm-slim)');
  }
  const which = await run('debootstrap', ['--version']);
  if (which.spawnError?.code === 'ENOENT') {
    throw new UserError('debootstrap is not installed', 'apt-get install debootstrap (or `bash scripts/setup-host.sh`), or set os.image');
  }
  const root = await mkdtemp(join(tmpdir(), 'kiln-debootstrap-'));
  try {
    const args = [`--variant=${spec.variant}`, ...(spec.include.length ? [`--include=${spec.include.join(',')}`] : []), spec.suite, root, ...(spec.mirror ? [spec.mirror] : [])];
    const result = await run('debootstrap', args, { onLine: (line) => emit({ type: 'log', source: 'debootstrap', line }) });
    if (result.exitCode !== 0) {
      throw new UserError(`debootstrap ${spec.suite} failed (exit ${result.exitCode}):\n  ${result.tail.slice(-8).join('\n  ')}`, 'check that the machine reaches Debian\'s mirror, or set os.bootstrap.mirror');
    }
    emit({ type: 'log', source: 'debootstrap', line: 'importing the root filesystem into the engine' });
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tarDone = new Promise<number | null>((done) => tar.on('close', done));
    const ref = bootstrapRef(spec);
    const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
    try {
      const progress = await docker.importImage(tar.stdout as unknown as string, {
        repo, tag,
        changes: ['CMD ["/bin/bash"]', `LABEL ${LABEL.managed}=true ${LABEL.purpose}=base ${LABEL.baseDigest}=${bootstrapDigest(spec)}`],
      } as object);
      await new Promise<void>((done, fail) => docker.modem.followProgress(progress, (error) => (error ? fail(error) : done())));
      if ((await tarDone) !== 0) throw new Error('tar of the bootstrapped root failed');
    } catch (error) {
      tar.kill();
      throw explainDockerError(error, 'importing the debootstrap base');
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
