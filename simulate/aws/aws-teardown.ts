import type { Project } from '../../bake/config/project.js';
import type { AwsLoadBalancerRecord } from '../journal/record.js';
import { AwsApi } from './api.js';
import { endpointFor, type AwsTargetName } from './endpoint.js';
import { awsNetworkName, removeAwsNetwork } from './aws-network.js';
import { ec2, elbv2 } from './requests.js';

export interface AwsTeardown {
  instances: string[];
  loadBalancer: boolean;
  targetGroups: number;
  /** Whether the VPC kiln made on an emulator went too. */
  network: boolean;
}

/**
 * Everything kiln made on AWS for one environment, found by tag, terminated or deleted: the instances
 * (left running they cost money), the target groups, the listener and the load balancer.
 */
export async function teardownAws(project: Project, env: string, target: AwsTargetName, lb: AwsLoadBalancerRecord | undefined): Promise<AwsTeardown> {
  const api = new AwsApi(endpointFor(project, target));
  const found = await api.send<{ Reservations?: { Instances?: { InstanceId?: string }[] }[] }>(ec2.describeInstances({ 'kiln:project': project.project, 'kiln:env': env }));
  const instances = (found.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId!).filter(Boolean);
  if (instances.length) await api.send(ec2.terminateInstances(instances));
  if (lb?.listenerArn) await api.send(elbv2.deleteListener(lb.listenerArn)).catch(() => undefined);
  const groups = Object.values(lb?.targetGroups ?? {});
  for (const arn of groups) await api.send(elbv2.deleteTargetGroup(arn)).catch(() => undefined);
  if (lb?.loadBalancerArn) await api.send(elbv2.deleteLoadBalancer(lb.loadBalancerArn)).catch(() => undefined);
  const network = await removeAwsNetwork(api, awsNetworkName(project.project, env)).catch(() => false);
  return { instances, loadBalancer: Boolean(lb?.loadBalancerArn), targetGroups: groups.length, network };
}
