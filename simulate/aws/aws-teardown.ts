import type { Project } from '../../bake/config/project.js';
import type { AwsLoadBalancerRecord } from '../journal/record.js';
import { AwsApi } from './api.js';
import { endpointFor, type AwsTargetName } from './endpoint.js';
import { awsNetworkName, removeAwsNetwork } from './aws-network.js';
import { teardownElbv2 } from './elbv2-teardown.js';
import { instancesIn, type DescribedInstances } from './ec2-instances.js';
import { ec2 } from './requests.js';

export interface AwsTeardown {
  instances: string[];
  /** Whether kiln deleted the load balancer. */
  loadBalancer: boolean;
  /** Target groups deleted. */
  targetGroups: number;
  /** Whether the VPC kiln made on an emulator went too. */
  network: boolean;
  /** Deletes AWS refused: those resources are still there (kiln destroy again retries; they are found by tag). */
  failures: string[];
}

/**
 * Everything kiln made on AWS for one environment, found by tag (or the ALB's name) as well as in the journal,
 * terminated or deleted: the instances (left running they cost money), the listener, target groups and load balancer.
 */
export async function teardownAws(project: Project, env: string, target: AwsTargetName, lb: AwsLoadBalancerRecord | undefined): Promise<AwsTeardown> {
  const api = new AwsApi(endpointFor(project, target));
  const found = await api.send<DescribedInstances>(ec2.describeTaggedInstances({ 'kiln:project': project.project, 'kiln:env': env }));
  const instances = instancesIn(found).map((instance) => instance.InstanceId!).filter(Boolean);
  if (instances.length) await api.send(ec2.terminateInstances(instances));
  const elb = await teardownElbv2(api, { project: project.project, env }, lb);
  const network = await removeAwsNetwork(api, awsNetworkName(project.project, env)).catch(() => false);
  return { instances, ...elb, network };
}
