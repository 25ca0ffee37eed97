import type Docker from 'dockerode';
import { packTar } from '../docker/tar.js';
import { ExternalError } from '../errors.js';

/** The tmpfs secrets live on: in memory, never in a layer or the container's disk. */
export const SECRETS_DIR = '/run/kiln/secrets';
export const SECRETS_TMPFS = { [SECRETS_DIR]: 'rw,nosuid,nodev,noexec,size=1m,mode=0700' };

/**
 * Write secret files (mode 0400) into the running instance's tmpfs, then `.ready`, which the boot
 * script waits for. Goes through `tar -x` on stdin: the archive API would write beneath the tmpfs.
 */
export async function deliverSecrets(docker: Docker, container: Docker.Container, values: ReadonlyMap<string, string>): Promise<void> {
  const exec = await container.exec({ Cmd: ['tar', '-x', '--no-same-owner', '-C', SECRETS_DIR], AttachStdin: true, AttachStdout: true, AttachStderr: true, User: '0' });
  const stream = await exec.start({ hijack: true, stdin: true });
  const entries = [...values].map(([name, value]) => ({ name, mode: 0o400, content: value }));
  const archive = packTar([...entries, { name: '.ready', mode: 0o400, content: '' }]);
  stream.resume();
  await new Promise<void>((done, fail) => {
    archive.on('error', fail);
    archive.on('end', () => (stream as unknown as { end(): void }).end());
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', fail);
    archive.pipe(stream as unknown as NodeJS.WritableStream, { end: false });
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new ExternalError(`could not deliver secrets into the instance (tar exited ${ExitCode})`);
}
