import { createHash } from 'node:crypto';
import { UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import type { Journal } from '../journal/journal.js';
import type { AwsLoadBalancerRecord, LoadBalancerRecord } from '../journal/record.js';
import type { LoadBalancer, Member } from '../targets/target.js';
import { AwsApi } from './api.js';
import type { AwsNetwork } from './aws-network.js';
import { pollUntil } from './poll-until.js';
import { elbv2 } from './requests.js';

/** ELB names: at most 32 characters of letters, digits and dashes. */
export function elbName(...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 6);
  return `k${hash}-${parts[parts.length - 1]}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 32).replace(/-+$/, '');
}

/**
 * One ALB listener per environment, one target group per release (blue/green); cutover is ModifyListener.
 * On an emulator, which routes nothing, a local HAProxy (`mirror`) follows listener → target group →
 * instances and carries the traffic; where the endpoint has no ELBv2 at all, the mirror is the ALB.
 */
export class AwsLoadBalancer implements LoadBalancer {
  constructor(
    private readonly api: AwsApi,
    private readonly journal: Journal,
    private readonly names: { project: string; env: string; healthPath: string; port: number; securityGroups: readonly string[] },
    private readonly network: () => Promise<AwsNetwork>,
    private readonly mirror: LoadBalancer | undefined,
  ) {}

  async ensure(emit: Emit): Promise<LoadBalancerRecord> {
    const mirrored = this.mirror ? await this.mirror.ensure(emit) : undefined;
    const state = await this.journal.state();
    if (state.aws?.listenerArn || state.aws?.mode === 'local-proxy-only') return mirrored ?? this.record(state.aws);
    const network = await this.network();
    const aws: AwsLoadBalancerRecord = { mode: 'elbv2', vpcId: network.vpcId, subnetIds: network.subnetIds, targetGroups: state.aws?.targetGroups ?? {}, members: state.aws?.members ?? {} };
    const name = elbName(this.names.project, this.names.env);
    try {
      const found = await this.api.send<{ LoadBalancers?: { LoadBalancerArn?: string; DNSName?: string }[] }>(elbv2.describeLoadBalancer(name)).catch(() => ({ LoadBalancers: [] }));
      const balancer = found.LoadBalancers?.[0] ?? (await this.api.send<{ LoadBalancers?: { LoadBalancerArn?: string; DNSName?: string }[] }>(elbv2.createLoadBalancer(name, network.subnetIds, this.names.securityGroups))).LoadBalancers?.[0];
      aws.loadBalancerArn = balancer?.LoadBalancerArn;
      aws.dnsName = balancer?.DNSName;
      const listeners = await this.api.send<{ Listeners?: { ListenerArn?: string }[] }>(elbv2.describeListeners(aws.loadBalancerArn!));
      aws.listenerArn = listeners.Listeners?.[0]?.ListenerArn;
    } catch (error) {
      if (!this.api.endpoint.emulated || !this.mirror || !/not (yet )?(implemented|included|available|supported)|InternalFailure|UnknownOperation|501/i.test((error as Error).message)) throw error;
      aws.mode = 'local-proxy-only';
      emit({ type: 'notice', level: 'warn', message: `${this.api.endpoint.target} has no ELBv2 (${(error as Error).message.split('\n')[0]}); kiln's local proxy plays the ALB alone` });
    }
    await this.save(aws);
    return mirrored ?? this.record(aws);
  }

  async stage(members: Member[]): Promise<void> {
    const aws = await this.current();
    if (aws.mode === 'elbv2') {
      for (const [release, group] of groupBy(members)) {
        const arn = await this.targetGroup(aws, release);
        await this.api.send(elbv2.registerTargets(arn, group.map((member) => member.instanceId)));
        for (const member of group) aws.members[member.instanceId] = release;
      }
      await this.save(aws);
    }
    await this.mirror?.stage(members);
  }

  async waitUp(instanceIds: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
    const healthy = await pollUntil(async () => ((await this.elbHealth(instanceIds)).every(Boolean) ? true : undefined), {
      deadline: Date.now() + timeoutSeconds * 1000, everyMs: this.api.endpoint.emulated ? 100 : 5000, signal, interrupted: 'interrupted while waiting for ELBv2 target health',
    });
    if (!healthy) throw new UserError(`ELBv2 target health did not turn healthy for ${instanceIds.join(', ')} within ${timeoutSeconds}s`);
    await this.mirror?.waitUp(instanceIds, timeoutSeconds, signal);
  }

  async health(): Promise<Map<string, boolean>> {
    const aws = await this.current();
    const mirrored = this.mirror ? await this.mirror.health() : new Map<string, boolean>();
    const ids = Object.keys(aws.members);
    const elb = await this.elbHealth(ids);
    const health = new Map(ids.map((id, index) => [id, elb[index]! && (mirrored.get(id) ?? true)]));
    for (const [id, healthy] of mirrored) if (!health.has(id)) health.set(id, healthy);
    return health;
  }

  async switchTo(release: string): Promise<number> {
    const aws = await this.current();
    const started = performance.now();
    if (aws.mode === 'elbv2') {
      const arn = aws.targetGroups[release];
      if (!arn) throw new UserError(`release ${release} has no target group to switch to`);
      await this.api.send(elbv2.modifyListener(aws.listenerArn!, arn));
    }
    await this.mirror?.switchTo(release);
    return (performance.now() - started) / 1000;
  }

  async detach(instanceIds: string[]): Promise<void> {
    const aws = await this.current();
    if (aws.mode === 'elbv2') {
      const listener = await this.listenerTarget(aws);
      for (const [release, arn] of Object.entries(aws.targetGroups)) {
        const leaving = instanceIds.filter((id) => aws.members[id] === release);
        if (leaving.length) await this.api.send(elbv2.deregisterTargets(arn, leaving));
        for (const id of leaving) delete aws.members[id];
        // An empty group that takes no traffic is deleted: one target group per live stack.
        if (!Object.values(aws.members).includes(release) && arn !== listener) {
          await this.api.send(elbv2.deleteTargetGroup(arn)).catch(() => undefined);
          delete aws.targetGroups[release];
        }
      }
      await this.save(aws);
    }
    await this.mirror?.detach(instanceIds);
  }

  async serving(): Promise<string | undefined> {
    const aws = await this.current();
    if (aws.mode === 'local-proxy-only') return this.mirror?.serving();
    const arn = await this.listenerTarget(aws);
    return Object.entries(aws.targetGroups).find(([, group]) => group === arn)?.[0];
  }

  private async listenerTarget(aws: AwsLoadBalancerRecord): Promise<string | undefined> {
    const listeners = await this.api.send<{ Listeners?: { DefaultActions?: { TargetGroupArn?: string }[] }[] }>(elbv2.describeListeners(aws.loadBalancerArn!));
    return listeners.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn;
  }

  /** The release's target group, created on first use; the listener is created pointing at the first one. */
  private async targetGroup(aws: AwsLoadBalancerRecord, release: string): Promise<string> {
    if (aws.targetGroups[release]) return aws.targetGroups[release]!;
    const made = await this.api.send<{ TargetGroups?: { TargetGroupArn?: string }[] }>(elbv2.createTargetGroup(elbName(this.names.project, this.names.env, release), aws.vpcId, this.names.port, this.names.healthPath));
    const arn = made.TargetGroups![0]!.TargetGroupArn!;
    aws.targetGroups[release] = arn;
    if (!aws.listenerArn) {
      const listener = await this.api.send<{ Listeners?: { ListenerArn?: string }[] }>(elbv2.createListener(aws.loadBalancerArn!, arn));
      aws.listenerArn = listener.Listeners![0]!.ListenerArn!;
    }
    return arn;
  }

  private async elbHealth(instanceIds: string[]): Promise<boolean[]> {
    const aws = await this.current();
    if (aws.mode === 'local-proxy-only') return instanceIds.map(() => true);
    const states = new Map<string, string>();
    for (const arn of new Set(instanceIds.map((id) => aws.targetGroups[aws.members[id] ?? '']).filter((arn): arn is string => Boolean(arn)))) {
      const described = await this.api.send<{ TargetHealthDescriptions?: { Target?: { Id?: string }; TargetHealth?: { State?: string } }[] }>(elbv2.describeTargetHealth(arn));
      for (const entry of described.TargetHealthDescriptions ?? []) states.set(entry.Target?.Id ?? '', entry.TargetHealth?.State ?? '');
    }
    return instanceIds.map((id) => states.get(id) === 'healthy');
  }

  private async current(): Promise<AwsLoadBalancerRecord> {
    const aws = (await this.journal.state()).aws;
    if (!aws) throw new UserError(`no load balancer in environment ${this.journal.env} yet`, 'run kiln release first');
    return aws;
  }

  private async save(aws: AwsLoadBalancerRecord): Promise<void> {
    const state = await this.journal.state();
    state.aws = aws;
    await this.journal.saveState(state);
  }

  private record(aws: AwsLoadBalancerRecord | undefined): LoadBalancerRecord {
    return { container: aws?.loadBalancerArn ?? '', port: 80, apiPort: 0, url: `http://${aws?.dnsName ?? 'unknown'}`, slots: {} };
  }
}

function groupBy(members: Member[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>();
  for (const member of members) groups.set(member.release, [...(groups.get(member.release) ?? []), member]);
  return groups;
}
