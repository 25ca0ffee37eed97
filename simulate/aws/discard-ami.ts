import type { AwsApi } from './api.js';
import { ec2 } from './requests.js';

type Described = { Images?: { BlockDeviceMappings?: { Ebs?: { SnapshotId?: string } }[] }[] };

/**
 * Deregister an AMI and delete its snapshots: an AMI's volumes outlive it otherwise, and cost money.
 * `quiet` (for cleanup after a failure, which must not hide the failure) swallows errors.
 */
export async function discardAmi(api: AwsApi, imageId: string, options: { quiet?: boolean } = {}): Promise<void> {
  const attempt = async (request: Promise<unknown>) => (options.quiet ? request.catch(() => undefined) : request);
  const described = (await attempt(api.send<Described>(ec2.describeImage(imageId)))) as Described | undefined;
  const snapshots = (described?.Images?.[0]?.BlockDeviceMappings ?? []).map((mapping) => mapping.Ebs?.SnapshotId).filter((id): id is string => Boolean(id));
  await attempt(api.send(ec2.deregisterImage(imageId)));
  for (const snapshot of snapshots) await attempt(api.send(ec2.deleteSnapshot(snapshot)));
}
