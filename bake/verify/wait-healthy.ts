import type Docker from 'dockerode';
import { BOOT_DIR } from '../boot/boot-files.js';
import type { Role } from '../config/project.js';
import { execIn, parseHttpResponse } from '../docker/exec-in.js';
import { ExternalError, UserError } from '../errors.js';

const POLL_MS = 40;
// A role with no port counts as up once it has stayed running this long.
const SETTLE_MS = 500;

/** Poll from inside the instance until the role is healthy, the instance exits, or time runs out. */
export async function waitHealthy(docker: Docker, container: Docker.Container, role: Role, timeoutSeconds: number, signal?: AbortSignal): Promise<{ exited?: number }> {
  const started = performance.now();
  const deadline = started + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    if (signal?.aborted) throw new UserError('verify interrupted; the instance was removed');
    const state = (await container.inspect()).State;
    if (!state.Running) return { exited: state.ExitCode };
    if (await isHealthy(docker, container, role, performance.now() - started).catch(() => false)) return {};
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  throw new ExternalError(`the role did not turn healthy within ${timeoutSeconds}s`, undefined, { hint: 'raise verify.timeout in kiln.yaml, or check the health path and port' });
}

async function isHealthy(docker: Docker, container: Docker.Container, role: Role, elapsedMs: number): Promise<boolean> {
  if (role.port === undefined) return elapsedMs >= SETTLE_MS;
  const probe = await execIn(docker, container, ['timeout', '5', 'bash', `${BOOT_DIR}/probe`, String(role.port), role.health ?? '/']);
  if (role.health === undefined) return probe.exitCode === 0 && parseHttpResponse(probe.stdout) !== undefined;
  return parseHttpResponse(probe.stdout)?.status === 200;
}
