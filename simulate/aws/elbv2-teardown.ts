import type { AwsLoadBalancerRecord } from '../journal/record.js';
import type { AwsApi } from './api.js';
import { elbName } from './aws-lb.js';
import { elbv2Missing, elbv2NotFound } from './elbv2-errors.js';
import { elbv2 } from './requests.js';

export interface Elbv2Teardown {
  /** Whether kiln deleted a load balancer (one already gone does not count). */
  loadBalancer: boolean;
  /** Target groups kiln deleted. */
  targetGroups: number;
  /** Deletes AWS refused, one line each: the resource is still there. */
  failures: string[];
}

type Tagged = { ResourceArn?: string; Tags?: { Key?: string; Value?: string }[] };

/**
 * The environment's ALB, its listeners and target groups: the journaled ones, plus any found by the
 * ALB's deterministic name or by the kiln:project/kiln:env tags (made, but never journaled), deleted.
 */
export async function teardownElbv2(api: AwsApi, owner: { project: string; env: string }, lb: AwsLoadBalancerRecord | undefined): Promise<Elbv2Teardown> {
  const done: Elbv2Teardown = { loadBalancer: false, targetGroups: 0, failures: [] };
  if (lb?.mode === 'local-proxy-only') return done;
  let balancers: string[];
  let groups: string[];
  try {
    balancers = unique([lb?.loadBalancerArn, await balancerByName(api, elbName(owner.project, owner.env))]);
    groups = unique([...Object.values(lb?.targetGroups ?? {}), ...(await groupsTagged(api, owner))]);
  } catch (error) {
    // An endpoint without ELBv2 (LocalStack community) holds none of it.
    if (elbv2Missing(api, error)) return done;
    throw error;
  }
  const attempt = async (what: string, request: Parameters<AwsApi['send']>[0]): Promise<boolean> => {
    try {
      await api.send(request);
      return true;
    } catch (error) {
      if (!elbv2NotFound(error)) done.failures.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
      return false;
    }
  };
  // Listeners go first: AWS refuses to delete a target group a listener still forwards to.
  for (const arn of balancers) {
    const listeners = await api.send<{ Listeners?: { ListenerArn?: string }[] }>(elbv2.describeListeners(arn)).then((found) => found.Listeners ?? [], () => []);
    for (const listener of unique([...listeners.map((entry) => entry.ListenerArn), arn === lb?.loadBalancerArn ? lb.listenerArn : undefined])) {
      await attempt(`listener ${listener}`, elbv2.deleteListener(listener));
    }
  }
  for (const arn of groups) if (await attempt(`target group ${arn}`, elbv2.deleteTargetGroup(arn))) done.targetGroups++;
  for (const arn of balancers) if (await attempt(`load balancer ${arn}`, elbv2.deleteLoadBalancer(arn))) done.loadBalancer = true;
  return done;
}

/** The environment's ALB by its deterministic name, if kiln made it (tagged kiln:managed). */
async function balancerByName(api: AwsApi, name: string): Promise<string | undefined> {
  const found = await api.send<{ LoadBalancers?: { LoadBalancerArn?: string }[] }>(elbv2.describeLoadBalancer(name)).catch((error: unknown) => {
    if (elbv2NotFound(error, 'LoadBalancer')) return { LoadBalancers: [] };
    throw error;
  });
  const arn = found.LoadBalancers?.[0]?.LoadBalancerArn;
  if (!arn) return undefined;
  const tags = (await api.send<{ TagDescriptions?: Tagged[] }>(elbv2.describeTags([arn]))).TagDescriptions ?? [];
  return tags.some((entry) => tagOf(entry, 'kiln:managed') === 'true') ? arn : undefined;
}

/** Every target group in the region tagged for this project and environment (DescribeTags takes 20 ARNs a call). */
async function groupsTagged(api: AwsApi, owner: { project: string; env: string }): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await api.send<{ TargetGroups?: { TargetGroupArn?: string }[]; NextMarker?: string }>(elbv2.listTargetGroups(marker));
    arns.push(...(page.TargetGroups ?? []).map((group) => group.TargetGroupArn!).filter(Boolean));
    marker = page.NextMarker;
  } while (marker);
  const mine: string[] = [];
  for (let index = 0; index < arns.length; index += 20) {
    const described = (await api.send<{ TagDescriptions?: Tagged[] }>(elbv2.describeTags(arns.slice(index, index + 20)))).TagDescriptions ?? [];
    for (const entry of described) {
      if (tagOf(entry, 'kiln:project') === owner.project && tagOf(entry, 'kiln:env') === owner.env && entry.ResourceArn) mine.push(entry.ResourceArn);
    }
  }
  return mine;
}

function tagOf(entry: Tagged, key: string): string | undefined {
  return entry.Tags?.find((tag) => tag.Key === key)?.Value;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))];
}
