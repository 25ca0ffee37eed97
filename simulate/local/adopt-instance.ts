import type Docker from 'dockerode';
import { BOOT_DIR } from '../../bake/boot/boot-files.js';
import { execIn } from '../../bake/docker/exec-in.js';
import { UserError } from '../../bake/errors.js';
import type { InstanceRecord, LaunchSpec } from '../journal/record.js';
import { bootArchive, record, type LaunchContext } from './instances.js';

// Written as the boot starts, not when its files arrive: a crash between the two must not skip the boot.
const BOOTED_MARK = `${BOOT_DIR}/.booted`;

/**
 * An instance the platform runs itself (LocalStack Pro starts each EC2 instance as a container named
 * localstack-ec2.<id>): wait for that container, join it to the environment's network, and boot the
 * role in it from kiln's boot files, instead of starting a duplicate beside it.
 */
export async function adoptInstance(docker: Docker, spec: LaunchSpec, context: LaunchContext, timeoutSeconds: number): Promise<InstanceRecord> {
  // Secrets arrive in a tmpfs kiln mounts when it creates a container; one it did not create has none.
  if (spec.secrets.length) throw new UserError(`instance ${spec.instanceId} needs secrets (${spec.secrets.join(', ')}), which kiln cannot deliver into a container the emulator made`, 'set KILN_EMULATOR_RUNS_INSTANCES=0 so kiln starts the instances itself');
  const container = docker.getContainer(spec.name);
  const deadline = Date.now() + timeoutSeconds * 1000;
  let info = await container.inspect().catch(() => undefined);
  while (!info?.State.Running) {
    if (Date.now() > deadline) {
      throw new UserError(`the emulator started no container ${spec.name} for instance ${spec.instanceId} within ${timeoutSeconds}s`, 'check that it runs EC2 instances in Docker (LocalStack Pro: EC2_VM_MANAGER=docker), or set KILN_EMULATOR_RUNS_INSTANCES=0 to let kiln start them');
    }
    await new Promise((done) => setTimeout(done, 200));
    info = await container.inspect().catch(() => undefined);
  }
  if (!info.NetworkSettings.Networks[context.network]) await docker.getNetwork(context.network).connect({ Container: info.Id });
  // Booted once already (a resumed release): the role runs, and booting twice would start it twice.
  const booted = (await execIn(docker, container, ['test', '-f', BOOTED_MARK])).exitCode === 0;
  if (!booted) {
    await container.putArchive(bootArchive(spec, context), { path: '/' });
    const boot = await container.exec({ Cmd: ['/bin/sh', '-c', `touch ${BOOTED_MARK} && exec /bin/sh ${BOOT_DIR}/boot`], User: '0', AttachStdout: false, AttachStderr: false });
    await boot.start({ Detach: true });
  }
  return record(spec, await container.inspect(), context.network);
}
