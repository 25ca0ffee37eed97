import { UserError } from '../../bake/errors.js';
import type { AwsApi } from './api.js';
import { ec2 } from './requests.js';

export interface AwsNetwork {
  vpcId: string;
  subnetIds: string[];
}

/**
 * The VPC an environment lives in. On an emulator kiln makes its own (two subnets, as an ALB needs);
 * on AWS it uses the subnets kiln.yaml names, since creating network infrastructure there is not kiln's call.
 */
export async function ensureAwsNetwork(api: AwsApi, name: string, configured: string[]): Promise<AwsNetwork> {
  if (configured.length > 0) {
    const described = await api.send<{ Subnets?: { VpcId?: string; SubnetId?: string }[] }>({ service: 'ec2', action: 'DescribeSubnets', reversible: true, input: { SubnetIds: configured } });
    const vpcId = described.Subnets?.[0]?.VpcId;
    if (!vpcId) throw new UserError(`aws.subnets ${configured.join(', ')} were not found`, 'list two subnets in different zones of one VPC');
    return { vpcId, subnetIds: configured };
  }
  if (!api.endpoint.emulated) throw new UserError('on AWS, kiln.yaml must name the subnets to use', 'set aws.subnets to two subnets in different availability zones');
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
