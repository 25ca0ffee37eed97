import type Docker from 'dockerode';
import { join } from 'node:path';
import type { Project } from '../config/project.js';
import { connectDocker } from '../docker/connect.js';
import { atMost, attachLines, removeContainer } from '../docker/container-io.js';
import { explainDockerError } from '../docker/docker-errors.js';
import { LABEL, REPO } from '../docker/labels.js';
import { packTar } from '../docker/tar.js';
import { ExternalError, UserError } from '../errors.js';
import { secondsSince, type Emit } from '../events.js';
import { renderConfigure } from '../recipe/recipe.js';
import { writeJsonAtomic } from '../state/atomic-write.js';
import { BOOT_DIR, TRACE_PREFIX, bootFiles } from '../boot/boot-files.js';
import { newInstanceId } from '../boot/metadata.js';
import { deliverSecrets, SECRETS_TMPFS } from '../boot/secrets-delivery.js';
import { resolveSecrets } from '../secrets/resolve.js';
import { networkUse } from '../lint/network-commands.js';
import { bootTrace, explainBootFailure } from './boot-trace.js';
import { waitHealthy } from './wait-healthy.js';
import { runImageTests, type TestResult } from './image-tests.js';

export interface VerifyOptions {
  image?: string;
  role?: string;
  emit: Emit;
  signal?: AbortSignal;
  /** Leave the container running (for debugging); it is labelled for cleanup. */
  keep?: boolean;
}

export interface VerifyResult {
  image: string;
  imageId: string;
  recipeDigest: string | null;
  role: string;
  instanceId: string;
  network: 'none';
  bootSeconds: number;
  tests: TestResult[];
  seconds: number;
  passed: true;
}

/** The role verify boots when none is named: the first one with a port. */
export function defaultRole(project: Project): string {
  const roles = Object.keys(project.roles);
  return roles.find((name) => project.roles[name]!.port !== undefined) ?? roles[0]!;
}

/**
 * Boot an image with networking disabled, configure it from metadata alone, start the role and run
 * the image tests inside it. Passing proves the image needs nothing from the network at boot.
 */
export async function verifyImage(project: Project, options: VerifyOptions): Promise<VerifyResult> {
  const { emit } = options;
  const started = performance.now();
  const roleName = options.role ?? defaultRole(project);
  const role = project.roles[roleName];
  if (!role) throw new UserError(`no role named ${JSON.stringify(roleName)}`, `roles: ${Object.keys(project.roles).join(', ')}`);
  const staticUse = networkUse(role.command);
  if (staticUse) throw new UserError(`roles.${roleName}.command reaches for the network at boot: \`${staticUse.command}\` (${staticUse.why})`, 'install it at bake time (packages or app layer) instead');
  const configure = await renderConfigure(project, roleName);
  const docker = await connectDocker();
  const ref = options.image ?? `${REPO.image(project.project)}:latest`;
  const image = await docker.getImage(ref).inspect().catch((error: unknown) => {
    throw new UserError(`image ${ref} not found`, options.image ? 'check the name with `docker images`' : 'bake it first: kiln bake', { cause: error });
  });
  const instanceId = newInstanceId();
  const container = await docker
    .createContainer({
      name: `kiln-verify-${project.project}-${instanceId}`,
      Image: image.Id,
      Entrypoint: ['/bin/sh'],
      Cmd: [`${BOOT_DIR}/boot`],
      User: '0',
      NetworkDisabled: true,
      Labels: { [LABEL.managed]: 'true', [LABEL.purpose]: 'verify', [LABEL.project]: project.project },
      HostConfig: { NetworkMode: 'none', Init: true, ...(project.secrets.length ? { Tmpfs: SECRETS_TMPFS } : {}) },
    })
    .catch((error: unknown) => {
      throw explainDockerError(error, 'creating the verify instance');
    });
  const output: string[] = [];
  try {
    await container.putArchive(packTar(bootFiles({ instanceId, imageId: image.Id, role: roleName, project: project.project, zone: 'local-1a' }, configure.text, role.command, { secrets: project.secrets.length > 0 })), { path: '/' });
    const attached = await attachLines(docker, container, (line) => {
      output.push(line);
      // Trace lines are kiln's evidence, not the app's output.
      if (!line.startsWith(TRACE_PREFIX)) emit({ type: 'log', source: `${roleName} ${instanceId}`, line });
    });
    const bootStart = performance.now();
    await container.start();
    if (project.secrets.length) await deliverSecrets(docker, container, verifySecrets(project, emit));
    const health = await waitHealthy(docker, container, role, project.verify.timeout, options.signal);
    const bootSeconds = secondsSince(bootStart);
    if (health.exited !== undefined) {
      await atMost(attached.closed, 1000);
      throw explainBootFailure(roleName, health.exited, output, configure.template.origin);
    }
    const reached = bootTrace(output).find((step) => networkUse(step.command));
    if (reached) {
      throw new ExternalError(`the ${reached.phase} of role ${roleName} reached for the network at boot: \`${reached.command}\` (${networkUse(reached.command)!.why})`, reached.command, { hint: `move it into a layer template so it runs at bake time (${configure.template.origin})` });
    }
    emit({ type: 'notice', level: 'info', message: `${roleName} healthy ${bootSeconds.toFixed(2)}s after boot, with networking disabled` });
    const tests = await runImageTests(docker, container, project, roleName, emit);
    const result: VerifyResult = {
      image: ref, imageId: image.Id, recipeDigest: image.Config.Labels?.[LABEL.recipe] ?? null, role: roleName, instanceId,
      network: 'none', bootSeconds, tests, seconds: secondsSince(started), passed: true,
    };
    await writeJsonAtomic(verificationPath(project, image.Id), { ...result, verifiedAt: new Date().toISOString() });
    return result;
  } catch (error) {
    throw explainDockerError(error, `verifying ${ref}`, output.slice(-15));
  } finally {
    if (!options.keep) await removeContainer(container).catch(() => {});
  }
}

/** Real values where they are set; otherwise a placeholder, since verify proves boot, not credentials. */
function verifySecrets(project: Project, emit: Emit): Map<string, string> {
  const values = resolveSecrets(project, { required: false });
  for (const name of project.secrets.filter((candidate) => !values.has(candidate))) {
    emit({ type: 'notice', level: 'info', message: `secret ${name} has no value here; verify boots with a placeholder` });
    values.set(name, `kiln-verify-placeholder-${name}`);
  }
  return values;
}

/** Where the record of a passing verification is kept (kiln push will require one). */
export function verificationPath(project: Project, imageId: string): string {
  return join(project.dir, '.kiln', 'verified', `${imageId.replace(/^sha256:/, '')}.json`);
}

export type { Docker };
