import { randomBytes } from 'node:crypto';

/** What an instance knows about itself at boot, shaped like EC2's instance metadata tree. */
export interface InstanceIdentity {
  instanceId: string;
  imageId: string;
  role: string;
  project: string;
  zone: string;
  /** Extra instance tags (Name, Role and kiln:project are always set). */
  tags?: Record<string, string>;
}

/** An id in EC2's shape: i- then 17 hex digits. */
export function newInstanceId(): string {
  return `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** The metadata as IMDS paths (meta-data/…) mapped to their values. */
export function metadataTree(identity: InstanceIdentity): Record<string, string> {
  const region = identity.zone.replace(/[a-z]$/, '');
  const tags = { Name: `${identity.project}-${identity.role}`, Role: identity.role, 'kiln:project': identity.project, ...identity.tags };
  return {
    'instance-id': identity.instanceId,
    'ami-id': identity.imageId,
    'instance-type': 'kiln.local',
    'placement/availability-zone': identity.zone,
    'placement/region': region,
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`tags/instance/${key}`, value])),
  };
}
