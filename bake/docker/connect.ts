import Docker from 'dockerode';
import { UserError } from '../errors.js';

/** Connect to the engine DOCKER_HOST names (or the default socket) and prove it answers. */
export async function connectDocker(): Promise<Docker> {
  const docker = new Docker();
  const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, fail) => setTimeout(() => fail(new Error('no answer within 5 s')), 5000).unref()),
    ]);
  } catch (error) {
    throw new UserError(
      `cannot reach a Docker engine at ${where}: ${(error as Error).message}`,
      'start one: `bash scripts/setup-host.sh` (Debian/Ubuntu, as root) or Docker Desktop; or point DOCKER_HOST at a running engine',
      { cause: error },
    );
  }
  return docker;
}
