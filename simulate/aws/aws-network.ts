import { UserError } from '../../bake/errors.js';
import type { Project } from '../../bake/config/project.js';
import { fieldAt } from '../../bake/config/where.js';
import { AwsApi } from './api.js';
import { ec2 } from './requests.js';

export interface AwsNetwork {
  vpcId: string;
  subnetIds: string[];
}

/**
 * The VPC an environment lives in. On an emulator kiln makes its own (two subnets, as an ALB needs);
 * on AWS it uses the subnets kiln.yaml names, since creating network infrastructure there is not kiln's call.
 */
/** The name of the VPC kiln makes for an environment on an emulator. */
export const awsNetworkName = (project: string, env: string) => `kiln-${project}-${env}`;

export async function ensureAwsNetwork(api: AwsApi, name: string, project: Project): Promise<AwsNetwork> {
  const configured = project.aws.subnets;
  if (configured.length > 0) return configuredNetwork(api, project, configured);
  if (!api.endpoint.emulated) throw new UserError(`${fieldAt(project, 'aws')}: on AWS, kiln.yaml must name the subnets to use`, 'set aws.subnets to two subnets in different availability zones of one VPC');
  const found = await api.send<{ Vpcs?: { VpcId?: string }[] }>(ec2.describeVpcs(name));
  let vpcId = found.Vpcs?.[0]?.VpcId;
  if (!vpcId) vpcId = (await api.send<{ Vpc?: { VpcId?: string } }>(ec2.createVpc(name))).Vpc!.VpcId!;
  const subnets = await api.send<{ Subnets?: { SubnetId?: string }[] }>(ec2.describeSubnets(vpcId));
  const subnetIds = (subnets.Subnets ?? []).map((subnet) => subnet.SubnetId!).filter(Boolean);
  for (const [index, zone] of ['a', 'b'].entries()) {
    if (subnetIds.length > index) continue;
    const made = await api.send<{ Subnet?: { SubnetId?: string } }>(ec2.createSubnet(vpcId, `${api.endpoint.region}${zone}`, `10.77.${index + 1}.0/24`));
    subnetIds.push(made.Subnet!.SubnetId!);
  }
  return { vpcId, subnetIds };
}

/** The subnets kiln.yaml names: each must exist, and all in one VPC (an ALB and its targets share one). */
async function configuredNetwork(api: AwsApi, project: Project, configured: string[]): Promise<AwsNetwork> {
  const field = fieldAt(project, 'aws.subnets');
  const described = await api.send<{ Subnets?: { VpcId?: string; SubnetId?: string; AvailabilityZone?: string }[] }>(ec2.describeSubnetsById(configured)).catch((error: unknown) => {
    if (!/InvalidSubnetID/.test(String(AwsApi.code(error)) + (error as Error).message)) throw error;
    const missing = configured.filter((id) => (error as Error).message.includes(id));
    throw new UserError(`${field}: ${missing.length ? missing.join(', ') : configured.join(', ')} not found in ${api.endpoint.target}${api.endpoint.region ? ` (${api.endpoint.region})` : ''}`, 'subnets are per region and account: list two existing subnets in different zones of one VPC', { cause: error });
  });
  const found = described.Subnets ?? [];
  const missing = configured.filter((id) => !found.some((subnet) => subnet.SubnetId === id));
  if (missing.length) throw new UserError(`${field}: ${missing.join(', ')} not found in ${api.endpoint.target}`, 'list two existing subnets in different zones of one VPC');
  const vpcs = [...new Set(found.map((subnet) => subnet.VpcId))];
  if (vpcs.length !== 1 || !vpcs[0]) throw new UserError(`${field}: the subnets are in ${vpcs.length} VPCs (${vpcs.join(', ')}); they must share one`, 'list subnets of the one VPC the load balancer lives in');
  // An ALB refuses fewer than two zones; finding out at cutover would waste the whole bake.
  const zones = new Set(found.map((subnet) => subnet.AvailabilityZone));
  if (zones.size < 2) throw new UserError(`${field}: the subnets are all in ${[...zones].join(', ') || 'one zone'}; an application load balancer needs two availability zones`, 'add a subnet of the same VPC in another zone');
  return { vpcId: vpcs[0], subnetIds: configured };
}

/** Delete the VPC kiln made on an emulator, subnets first; a VPC kiln.yaml named is never kiln's to delete. */
export async function removeAwsNetwork(api: AwsApi, name: string): Promise<boolean> {
  if (!api.endpoint.emulated) return false;
  const found = await api.send<{ Vpcs?: { VpcId?: string }[] }>(ec2.describeVpcs(name));
  const vpcId = found.Vpcs?.[0]?.VpcId;
  if (!vpcId) return false;
  const subnets = await api.send<{ Subnets?: { SubnetId?: string }[] }>(ec2.describeSubnets(vpcId));
  for (const subnet of subnets.Subnets ?? []) await api.send(ec2.deleteSubnet(subnet.SubnetId!));
  await api.send(ec2.deleteVpc(vpcId));
  return true;
}
