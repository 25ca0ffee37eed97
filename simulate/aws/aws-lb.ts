import { createHash } from 'node:crypto';
import { UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import type { Journal } from '../journal/journal.js';
import type { AwsLoadBalancerRecord, LoadBalancerRecord } from '../journal/record.js';
import type { LoadBalancer, Member } from '../targets/target.js';
import { AwsApi } from './api.js';
import { waitAlbActive, type AlbState } from './alb-active.js';
import type { AwsNetwork } from './aws-network.js';
import { elbv2Missing, elbv2NotFound } from './elbv2-errors.js';
import { forwardedGroups, sameForward, servingGroup, switchedTo, withoutGroup, withStaged, type WeightedGroup } from './listener-forward.js';
import { pollUntil } from './poll-until.js';
import { elbv2 } from './requests.js';
import { albHealthWaitSeconds, allHealthy, targetStates, unhealthySummary, type TargetHealthEntry, type TargetState } from './target-health.js';

/** ELB names: at most 32 characters of letters, digits and dashes. */
export function elbName(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 6);
  return `k${hash}-${parts[parts.length - 1]}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 32).replace(/-+$/, '');
}

type Balancer = { LoadBalancerArn?: string; DNSName?: string; State?: AlbState };
type Listener = { ListenerArn?: string; Port?: number; DefaultActions?: Parameters<typeof forwardedGroups>[0] };

/**
 * One ALB listener per environment, one target group per release (blue/green). A new release's group joins
 * the listener's weighted forward at weight 0, so the ALB health-checks it before it takes traffic; cutover
 * moves the weight. On an emulator, which routes nothing, a local HAProxy (`mirror`) follows listener →
 * target group → instances and carries the traffic; where the endpoint has no ELBv2 at all, the mirror is the ALB.
 */
export class AwsLoadBalancer implements LoadBalancer {
  constructor(
    private readonly api: AwsApi,
    private readonly journal: Journal,
    private readonly names: { project: string; env: string; healthPath: string; port: number; securityGroups: readonly string[] },
    private readonly network: () => Promise<AwsNetwork>,
    private readonly mirror: LoadBalancer | undefined,
  ) {}

  async ensure(emit: Emit, signal?: AbortSignal): Promise<LoadBalancerRecord> {
    const mirrored = this.mirror ? await this.mirror.ensure(emit, signal) : undefined;
    const state = await this.journal.state();
    if (state.aws?.listenerArn || state.aws?.mode === 'local-proxy-only') return mirrored ?? (await this.publish(state.aws));
    const network = await this.network();
    const aws: AwsLoadBalancerRecord = { mode: 'elbv2', vpcId: network.vpcId, subnetIds: network.subnetIds, targetGroups: state.aws?.targetGroups ?? {}, members: state.aws?.members ?? {} };
    const name = elbName(this.names.project, this.names.env);
    try {
      const balancer = (await this.findBalancer(name)) ?? (await this.api.send<{ LoadBalancers?: Balancer[] }>(elbv2.createLoadBalancer(name, network.subnetIds, this.names.securityGroups, this.owner()))).LoadBalancers?.[0];
      aws.loadBalancerArn = balancer?.LoadBalancerArn;
      aws.dnsName = balancer?.DNSName;
      // Journaled before the wait, so an interrupted first release still knows (and kiln destroy deletes) its ALB.
      await this.save(aws);
      await waitAlbActive(this.api, name, balancer?.State, { emit, signal });
      aws.listenerArn = port80(await this.listeners(aws))?.ListenerArn;
    } catch (error) {
      if (!this.mirror || !elbv2Missing(this.api, error)) throw error;
      aws.mode = 'local-proxy-only';
      emit({ type: 'notice', level: 'warn', message: `${this.api.endpoint.target} has no ELBv2 (${(error as Error).message.split('\n')[0]}); kiln's local proxy plays the ALB alone` });
    }
    await this.save(aws);
    return mirrored ?? (await this.publish(aws));
  }

  /** Register the members in their release's group and attach it to the listener at weight 0: AWS checks only groups a listener uses. */
  async stage(members: Member[], options: { drainSeconds?: number } = {}): Promise<void> {
    const aws = await this.current();
    if (aws.mode === 'elbv2') {
      for (const [release, group] of groupBy(members)) {
        const arn = await this.targetGroup(aws, release, options.drainSeconds);
        await this.api.send(elbv2.registerTargets(arn, group.map((member) => member.instanceId)));
        for (const member of group) aws.members[member.instanceId] = release;
        await this.save(aws);
        await this.attach(aws, arn);
      }
      await this.save(aws);
    }
    await this.mirror?.stage(members, options);
  }

  healthWaitSeconds(releaseTimeout: number): number {
    if (!this.api.endpoint.emulated) return albHealthWaitSeconds(releaseTimeout);
    // Emulators report targets healthy at once: the local proxy's own checks set the pace.
    return this.mirror?.healthWaitSeconds(releaseTimeout) ?? Math.min(releaseTimeout, 15);
  }

  async waitUp(instanceIds: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
    let last = new Map<string, TargetState>();
    const healthy = await pollUntil(async () => {
      last = await this.targetHealth(instanceIds);
      return allHealthy(instanceIds, last) ? true : undefined;
    }, { deadline: Date.now() + timeoutSeconds * 1000, everyMs: this.api.endpoint.emulated ? 100 : 5000, signal, interrupted: 'interrupted while waiting for ELBv2 target health' });
    if (!healthy) {
      throw new UserError(`ELBv2 target health did not turn healthy within ${timeoutSeconds}s: ${unhealthySummary(instanceIds, last)}`, 'the new stack is not healthy, so traffic stays where it was; check that the security groups let the ALB reach the role\'s port and its health path answers 200');
    }
    await this.mirror?.waitUp(instanceIds, timeoutSeconds, signal);
  }

  async health(): Promise<Map<string, boolean>> {
    const aws = await this.current();
    const mirrored = this.mirror ? await this.mirror.health() : new Map<string, boolean>();
    const ids = Object.keys(aws.members);
    const elb = await this.targetHealth(ids);
    const health = new Map(ids.map((id) => [id, elb.get(id)?.state === 'healthy' && (mirrored.get(id) ?? true)]));
    for (const [id, healthy] of mirrored) if (!health.has(id)) health.set(id, healthy);
    return health;
  }

  /** The release's group takes weight 1; the others stay attached at weight 0. */
  async switchTo(release: string): Promise<number> {
    const aws = await this.current();
    const started = performance.now();
    if (aws.mode === 'elbv2') {
      const arn = aws.targetGroups[release];
      if (!arn) throw new UserError(`release ${release} has no target group to switch to`);
      const forward = await this.forward(aws);
      await this.setForward(aws, forward, switchedTo(forward, arn));
    }
    await this.mirror?.switchTo(release);
    return (performance.now() - started) / 1000;
  }

  async detach(instanceIds: string[]): Promise<void> {
    const aws = await this.current();
    if (aws.mode === 'elbv2') {
      let forward = await this.forward(aws);
      for (const [release, arn] of Object.entries(aws.targetGroups)) {
        const leaving = instanceIds.filter((id) => aws.members[id] === release);
        if (leaving.length) await this.api.send(elbv2.deregisterTargets(arn, leaving));
        for (const id of leaving) delete aws.members[id];
        // An empty group that takes no traffic leaves the listener and is deleted: one target group per live stack.
        if (Object.values(aws.members).includes(release) || forward.some((group) => group.arn === arn && group.weight > 0)) continue;
        const rest = withoutGroup(forward, arn);
        // A listener must forward somewhere: a group it forwards to alone stays.
        if (rest.length === 0 && forward.length > 0) continue;
        forward = await this.setForward(aws, forward, rest);
        // A group AWS would not delete stays journaled, so the next detach (or kiln destroy) tries again.
        const deleted = await this.api.send(elbv2.deleteTargetGroup(arn)).then(() => true, (error: unknown) => elbv2NotFound(error, 'TargetGroup'));
        if (deleted) delete aws.targetGroups[release];
      }
      await this.save(aws);
    }
    await this.mirror?.detach(instanceIds);
  }

  async serving(): Promise<string | undefined> {
    const aws = await this.current();
    if (aws.mode === 'local-proxy-only') return this.mirror?.serving();
    const arn = servingGroup(await this.forward(aws));
    return Object.entries(aws.targetGroups).find(([, group]) => group === arn)?.[0];
  }

  private owner(): Record<string, string> {
    return { 'kiln:project': this.names.project, 'kiln:env': this.names.env };
  }

  /** The ALB of that name, or undefined when AWS says there is none; any other error is an error. */
  private async findBalancer(name: string): Promise<Balancer | undefined> {
    try {
      return (await this.api.send<{ LoadBalancers?: Balancer[] }>(elbv2.describeLoadBalancer(name))).LoadBalancers?.[0];
    } catch (error) {
      if (elbv2NotFound(error, 'LoadBalancer')) return undefined;
      throw error;
    }
  }

  private async listeners(aws: AwsLoadBalancerRecord): Promise<Listener[]> {
    return (await this.api.send<{ Listeners?: Listener[] }>(elbv2.describeListeners(aws.loadBalancerArn!))).Listeners ?? [];
  }

  /** The weighted groups kiln's listener forwards to now (none before the listener exists). */
  private async forward(aws: AwsLoadBalancerRecord): Promise<WeightedGroup[]> {
    if (!aws.listenerArn) return [];
    const listeners = await this.listeners(aws);
    return forwardedGroups((listeners.find((listener) => listener.ListenerArn === aws.listenerArn) ?? port80(listeners))?.DefaultActions);
  }

  private async setForward(aws: AwsLoadBalancerRecord, from: WeightedGroup[], to: WeightedGroup[]): Promise<WeightedGroup[]> {
    if (!sameForward(from, to)) await this.api.send(elbv2.modifyListener(aws.listenerArn!, to));
    return to;
  }

  /** Put the group on the listener: at weight 0 beside the live one, or as the first listener's only group. */
  private async attach(aws: AwsLoadBalancerRecord, arn: string): Promise<void> {
    if (aws.listenerArn) {
      const forward = await this.forward(aws);
      await this.setForward(aws, forward, withStaged(forward, arn));
      return;
    }
    const listener = await this.api.send<{ Listeners?: { ListenerArn?: string }[] }>(elbv2.createListener(aws.loadBalancerArn!, withStaged([], arn)));
    aws.listenerArn = listener.Listeners![0]!.ListenerArn!;
    await this.save(aws);
  }

  /** The release's target group, created (tagged, with its drain time) on first use and journaled at once. */
  private async targetGroup(aws: AwsLoadBalancerRecord, release: string, drainSeconds: number | undefined): Promise<string> {
    if (aws.targetGroups[release]) return aws.targetGroups[release]!;
    const name = elbName(this.names.project, this.names.env, release);
    const made = await this.api.send<{ TargetGroups?: { TargetGroupArn?: string }[] }>(elbv2.createTargetGroup(name, aws.vpcId, this.names.port, this.names.healthPath, { ...this.owner(), 'kiln:release': release }));
    const arn = made.TargetGroups![0]!.TargetGroupArn!;
    aws.targetGroups[release] = arn;
    await this.save(aws);
    if (drainSeconds !== undefined) await this.api.send(elbv2.setDeregistrationDelay(arn, drainSeconds));
    return arn;
  }

  private async targetHealth(instanceIds: string[]): Promise<Map<string, TargetState>> {
    const aws = await this.current();
    if (aws.mode === 'local-proxy-only') return new Map(instanceIds.map((id) => [id, { state: 'healthy' }]));
    const entries: TargetHealthEntry[] = [];
    for (const arn of new Set(instanceIds.map((id) => aws.targetGroups[aws.members[id] ?? '']).filter((arn): arn is string => Boolean(arn)))) {
      entries.push(...((await this.api.send<{ TargetHealthDescriptions?: TargetHealthEntry[] }>(elbv2.describeTargetHealth(arn))).TargetHealthDescriptions ?? []));
    }
    return targetStates(entries);
  }

  private current(): Promise<AwsLoadBalancerRecord> {
    return this.journal.requireSection('aws', 'load balancer');
  }

  private save(aws: AwsLoadBalancerRecord): Promise<void> {
    return this.journal.saveSection('aws', aws);
  }

  /** The environment's load-balancer record; with no local mirror (real AWS) it is the ALB's, journaled for status, heal and the summary. */
  private async publish(aws: AwsLoadBalancerRecord | undefined): Promise<LoadBalancerRecord> {
    const record = albRecord(aws);
    if (this.mirror) return record;
    if (JSON.stringify((await this.journal.state()).lb) !== JSON.stringify(record)) await this.journal.saveSection('lb', record);
    return record;
  }
}

/** The ALB as a load-balancer record: its DNS name is the environment's URL. */
export function albRecord(aws: AwsLoadBalancerRecord | undefined): LoadBalancerRecord {
  return { container: aws?.loadBalancerArn ?? '', port: 80, apiPort: 0, url: `http://${aws?.dnsName ?? 'unknown'}`, slots: {} };
}

/** kiln's listener is the one on port 80 (someone may have added an HTTPS one beside it). */
function port80(listeners: readonly Listener[]): Listener | undefined {
  return listeners.find((listener) => listener.Port === 80);
}

function groupBy(members: Member[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>();
  for (const member of members) groups.set(member.release, [...(groups.get(member.release) ?? []), member]);
  return groups;
}
