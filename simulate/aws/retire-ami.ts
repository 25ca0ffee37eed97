import type Docker from 'dockerode';
import { UserError } from '../../bake/errors.js';
import { discardAmi } from './discard-ami.js';
import type { AwsApi } from './api.js';
import { emulatedImageRef } from './emulated-images.js';
import { instancesIn, type DescribedInstances } from './ec2-instances.js';
import { ec2 } from './requests.js';

/**
 * Deregister a release's AMI and delete its snapshots (kiln gc). AMIs belong to the account, not to one
 * environment, so one that any instance still runs from stays. On an emulator its Docker image goes too.
 */
export async function retireAmi(api: AwsApi, docker: Docker, imageId: string): Promise<void> {
  const running = instancesIn(await api.send<DescribedInstances>(ec2.describeLiveInstances({ 'image-id': imageId }))).map((instance) => instance.InstanceId!);
  if (running.length) throw new UserError(`instances still run from it (${running.join(', ')})`);
  const name = (await api.send<{ Images?: { Name?: string }[] }>(ec2.describeImage(imageId))).Images?.[0]?.Name;
  await discardAmi(api, imageId);
  if (api.endpoint.emulated && name) await docker.getImage(emulatedImageRef(name, imageId)).remove().catch(() => undefined);
}
