import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { KilnEvent } from '../../bake/events.js';
import type { AwsApi } from '../../simulate/aws/api.js';
import { albReady, waitAlbActive } from '../../simulate/aws/alb-active.js';
import { AwsLoadBalancer } from '../../simulate/aws/aws-lb.js';
import { forwardedGroups, MAX_FORWARD_GROUPS, sameForward, servingGroup, switchedTo, withoutGroup, withStaged } from '../../simulate/aws/listener-forward.js';
import { elbv2, type AwsRequest } from '../../simulate/aws/requests.js';
import { albHealthWaitSeconds, allHealthy, targetStates, unhealthySummary } from '../../simulate/aws/target-health.js';
import { Journal } from '../../simulate/journal/journal.js';
import type { AwsLoadBalancerRecord } from '../../simulate/journal/record.js';
import type { LoadBalancer } from '../../simulate/targets/target.js';

/** A stand-in for AwsApi that answers from a script, recording what it was sent. */
function scriptedApi(answer: (request: AwsRequest, count: number) => unknown, emulated = false) {
  const sent: AwsRequest[] = [];
  const api = {
    sent,
    endpoint: { target: emulated ? 'moto' : 'aws', region: 'us-east-1', emulated },
    async send(request: AwsRequest) {
      sent.push(request);
      const reply = answer(request, sent.filter((r) => r.action === request.action).length);
      if (reply instanceof Error) throw reply;
      return reply ?? {};
    },
  };
  return api as unknown as AwsApi & { sent: AwsRequest[] };
}
// How AwsApi wraps an SDK error: the SDK's error, with its name and Code, is the cause.
const awsError = (code: string) => Object.assign(new ExternalError(`elbv2 failed: ${code}`), { cause: Object.assign(new Error(code), { name: `${code}Exception`, Code: code }) });
const forwardOf = (request: AwsRequest) => forwardedGroups(request.input.DefaultActions as never);
const actions = (api: { sent: AwsRequest[] }) => api.sent.map((request) => request.action);

describe('the weighted forward', () => {
  test('CreateListener and ModifyListener forward by weight, through ForwardConfig', () => {
    const groups = [{ arn: 'tg-live', weight: 1 }, { arn: 'tg-new', weight: 0 }];
    expect(elbv2.modifyListener('listener-1', groups).input).toEqual({
      ListenerArn: 'listener-1',
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-live', Weight: 1 }, { TargetGroupArn: 'tg-new', Weight: 0 }] } }],
    });
    expect(elbv2.createListener('alb-1', [{ arn: 'tg-1', weight: 1 }]).input).toMatchObject({ Port: 80, Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-1', Weight: 1 }] } }] });
  });

  test('a target group checks faster than its interval, drains for the grace given, and is tagged for its environment', () => {
    const input = elbv2.createTargetGroup('k123-hello-r1', 'vpc-1', 8080, '/health', { 'kiln:project': 'hello', 'kiln:env': 'prod' }).input;
    expect(input.HealthCheckTimeoutSeconds).toBeLessThan(input.HealthCheckIntervalSeconds as number);
    expect(input.Tags).toEqual([{ Key: 'kiln:managed', Value: 'true' }, { Key: 'kiln:project', Value: 'hello' }, { Key: 'kiln:env', Value: 'prod' }]);
    expect(elbv2.setDeregistrationDelay('tg-1', 7)).toMatchObject({ action: 'ModifyTargetGroupAttributes', input: { TargetGroupArn: 'tg-1', Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '7' }] } });
    expect(elbv2.createLoadBalancer('k1-prod', ['subnet-a', 'subnet-b'], [], { 'kiln:project': 'hello', 'kiln:env': 'prod' }).input.Tags).toContainEqual({ Key: 'kiln:env', Value: 'prod' });
  });

  test('reads weighted, plain (older kiln) and missing forwards', () => {
    expect(forwardedGroups([{ Type: 'forward', TargetGroupArn: 'tg-a', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-a', Weight: 1 }, { TargetGroupArn: 'tg-b', Weight: 0 }] } }])).toEqual([{ arn: 'tg-a', weight: 1 }, { arn: 'tg-b', weight: 0 }]);
    expect(forwardedGroups([{ Type: 'forward', TargetGroupArn: 'tg-a' }])).toEqual([{ arn: 'tg-a', weight: 1 }]);
    expect(forwardedGroups([{ Type: 'fixed-response' }])).toEqual([]);
    expect(forwardedGroups(undefined)).toEqual([]);
  });

  test('a staged group joins at weight 0 beside the live one, and serves only when it is alone', () => {
    const live = [{ arn: 'tg-live', weight: 1 }];
    expect(withStaged(live, 'tg-new')).toEqual([{ arn: 'tg-live', weight: 1 }, { arn: 'tg-new', weight: 0 }]);
    expect(withStaged(withStaged(live, 'tg-new'), 'tg-new')).toEqual([{ arn: 'tg-live', weight: 1 }, { arn: 'tg-new', weight: 0 }]);
    expect(withStaged([], 'tg-first')).toEqual([{ arn: 'tg-first', weight: 1 }]);
    expect(servingGroup(withStaged(live, 'tg-new'))).toBe('tg-live');
  });

  test('a switch gives the release all the weight and keeps the others attached at 0; removing a group drops it', () => {
    const staged = [{ arn: 'tg-old', weight: 1 }, { arn: 'tg-new', weight: 0 }];
    const switched = switchedTo(staged, 'tg-new');
    expect(switched).toEqual([{ arn: 'tg-old', weight: 0 }, { arn: 'tg-new', weight: 1 }]);
    expect(servingGroup(switched)).toBe('tg-new');
    expect(switchedTo(switched, 'tg-old')).toEqual(staged);
    expect(withoutGroup(switched, 'tg-old')).toEqual([{ arn: 'tg-new', weight: 1 }]);
    expect(sameForward(switched, [...switched])).toBe(true);
    expect(sameForward(switched, staged)).toBe(false);
    expect(servingGroup([{ arn: 'tg-a', weight: 0 }])).toBeUndefined();
  });

  test(`refuses a forward of more than ${MAX_FORWARD_GROUPS} target groups, as AWS would`, () => {
    const full = Array.from({ length: MAX_FORWARD_GROUPS }, (_, index) => ({ arn: `tg-${index}`, weight: index === 0 ? 1 : 0 }));
    expect(() => withStaged(full, 'tg-one-more')).toThrow(UserError);
    expect(() => withStaged(full, 'tg-one-more')).toThrow(/forward to 6 target groups; AWS allows 5/);
  });
});

describe('target health', () => {
  const entries = [
    { Target: { Id: 'i-ok' }, TargetHealth: { State: 'healthy' } },
    { Target: { Id: 'i-idle' }, TargetHealth: { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' } },
    { Target: { Id: 'i-new' }, TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' } },
  ];

  test('is healthy only when every named target says healthy', () => {
    const states = targetStates(entries);
    expect(allHealthy(['i-ok'], states)).toBe(true);
    expect(allHealthy(['i-ok', 'i-new'], states)).toBe(false);
    expect(allHealthy(['i-missing'], states)).toBe(false);
  });

  test('a wait that ran out names each target that is not healthy, with AWS\'s reason', () => {
    expect(unhealthySummary(['i-ok', 'i-idle', 'i-new', 'i-missing'], targetStates(entries))).toBe(
      'i-idle unused (Target.NotInUse: Target group is not configured to receive traffic from the load balancer); i-new initial (Elb.RegistrationInProgress); i-missing not registered in its target group',
    );
  });

  test('a real ALB gets at least two minutes, or release.timeout when longer', () => {
    expect(albHealthWaitSeconds(45)).toBe(120);
    expect(albHealthWaitSeconds(300)).toBe(300);
  });
});

describe('waiting for a new ALB', () => {
  test('provisioning waits, active and active_impaired route, failed fails with AWS\'s reason', () => {
    expect(albReady('alb', { Code: 'provisioning' })).toBeUndefined();
    expect(albReady('alb', { Code: 'active' })).toBe(true);
    expect(albReady('alb', { Code: 'active_impaired' })).toBe(true);
    expect(() => albReady('alb', { Code: 'failed', Reason: 'subnet has no free addresses' })).toThrow(/ALB alb failed to provision: subnet has no free addresses/);
  });

  test('polls DescribeLoadBalancers until the state is active', async () => {
    const api = scriptedApi((_request, count) => ({ LoadBalancers: [{ State: { Code: count < 3 ? 'provisioning' : 'active' } }] }), true);
    const seen: KilnEvent[] = [];
    await waitAlbActive(api, 'k1-prod', { Code: 'provisioning' }, { emit: (event) => void seen.push(event) });
    expect(actions(api)).toEqual(['DescribeLoadBalancers', 'DescribeLoadBalancers', 'DescribeLoadBalancers']);
    expect(seen.some((event) => event.type === 'notice' && /provisioning; waiting/.test(event.message))).toBe(true);
  });

  test('an abort ends the wait at once', async () => {
    const stop = new AbortController();
    const api = scriptedApi(() => {
      stop.abort();
      return { LoadBalancers: [{ State: { Code: 'provisioning' } }] };
    });
    const started = Date.now();
    await expect(waitAlbActive(api, 'k1-prod', { Code: 'provisioning' }, { emit: () => {}, signal: stop.signal })).rejects.toThrow(/interrupted while waiting for ALB k1-prod/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('AwsLoadBalancer on AWS', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const journal = async (aws?: AwsLoadBalancerRecord) => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-alb-'));
    dirs.push(dir);
    const made = new Journal(dir, 'prod', 'hello');
    await made.prepare();
    if (aws) await made.saveState({ ...(await made.state()), aws });
    return made;
  };
  const names = { project: 'hello', env: 'prod', healthPath: '/health', port: 8080, securityGroups: ['sg-1'] };
  const network = async () => ({ vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'] });
  const live = (): AwsLoadBalancerRecord => ({ mode: 'elbv2', vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], loadBalancerArn: 'alb-1', listenerArn: 'listener-80', dnsName: 'k1-prod.elb.amazonaws.com', targetGroups: { 'hello-r1': 'tg-r1' }, members: { 'i-old': 'hello-r1' } });
  /** An ALB whose listener holds `forward`, which ModifyListener changes. */
  const alb = (forward: { arn: string; weight: number }[], extra: (request: AwsRequest) => unknown = () => undefined) => scriptedApi((request) => {
    if (request.action === 'DescribeListeners') return { Listeners: [{ ListenerArn: 'listener-443', Port: 443, DefaultActions: [] }, { ListenerArn: 'listener-80', Port: 80, DefaultActions: elbv2.modifyListener('listener-80', forward).input.DefaultActions }] };
    if (request.action === 'ModifyListener') forward.splice(0, forward.length, ...forwardOf(request));
    if (request.action === 'CreateTargetGroup') return { TargetGroups: [{ TargetGroupArn: 'tg-r2' }] };
    return extra(request);
  });

  test('the first release creates the ALB (tagged), waits until it is active, takes the port-80 listener, and journals its URL', async () => {
    const api = scriptedApi((request, count) => {
      if (request.action === 'DescribeLoadBalancers' && count === 1) return awsError('LoadBalancerNotFound');
      if (request.action === 'CreateLoadBalancer') return { LoadBalancers: [{ LoadBalancerArn: 'alb-1', DNSName: 'k1-prod.elb.amazonaws.com', State: { Code: 'provisioning' } }] };
      if (request.action === 'DescribeLoadBalancers') return { LoadBalancers: [{ LoadBalancerArn: 'alb-1', State: { Code: 'active' } }] };
      if (request.action === 'DescribeListeners') return { Listeners: [{ ListenerArn: 'listener-443', Port: 443 }, { ListenerArn: 'listener-80', Port: 80 }] };
      return undefined;
    });
    const env = await journal();
    const record = await new AwsLoadBalancer(api, env, names, network, undefined).ensure(() => {});
    expect(actions(api)).toEqual(['DescribeLoadBalancers', 'CreateLoadBalancer', 'DescribeLoadBalancers', 'DescribeListeners']);
    expect(api.sent[1]!.input.Tags).toEqual([{ Key: 'kiln:managed', Value: 'true' }, { Key: 'kiln:project', Value: 'hello' }, { Key: 'kiln:env', Value: 'prod' }]);
    const state = await env.state();
    expect(state.aws?.listenerArn).toBe('listener-80');
    expect(record.url).toBe('http://k1-prod.elb.amazonaws.com');
    // status, heal and the release summary read the environment's record: on AWS it is the ALB's.
    expect(state.lb?.url).toBe('http://k1-prod.elb.amazonaws.com');
  });

  test('an ALB AWS says failed stops the release, naming the reason', async () => {
    const api = scriptedApi((request) => (request.action === 'DescribeLoadBalancers' ? { LoadBalancers: [{ LoadBalancerArn: 'alb-1', State: { Code: 'failed', Reason: 'no capacity' } }] } : undefined));
    await expect(new AwsLoadBalancer(api, await journal(), names, network, undefined).ensure(() => {})).rejects.toThrow(/failed to provision: no capacity/);
  });

  test('only LoadBalancerNotFound means "create it": any other DescribeLoadBalancers error stops, creating nothing', async () => {
    const api = scriptedApi((request) => (request.action === 'DescribeLoadBalancers' ? awsError('AccessDenied') : undefined));
    await expect(new AwsLoadBalancer(api, await journal(), names, network, undefined).ensure(() => {})).rejects.toThrow(/AccessDenied/);
    expect(actions(api)).toEqual(['DescribeLoadBalancers']);
  });

  test('a new release\'s group is attached at weight 0 before anyone waits on its health, and drains for the grace given', async () => {
    const forward = [{ arn: 'tg-r1', weight: 1 }];
    const api = alb(forward, (request) => (request.action === 'DescribeTargetHealth' ? { TargetHealthDescriptions: [{ Target: { Id: 'i-new' }, TargetHealth: { State: 'healthy' } }] } : undefined));
    const lb = new AwsLoadBalancer(api, await journal(live()), names, network, undefined);
    await lb.stage([{ release: 'hello-r2', instanceId: 'i-new', address: '10.0.0.5', port: 8080 }], { drainSeconds: 7 });
    await lb.waitUp(['i-new'], 5);
    expect(actions(api)).toEqual(['CreateTargetGroup', 'ModifyTargetGroupAttributes', 'RegisterTargets', 'DescribeListeners', 'ModifyListener', 'DescribeTargetHealth']);
    expect(api.sent[0]!.input.Tags).toContainEqual({ Key: 'kiln:release', Value: 'hello-r2' });
    expect(api.sent[1]!.input.Attributes).toEqual([{ Key: 'deregistration_delay.timeout_seconds', Value: '7' }]);
    expect(forward).toEqual([{ arn: 'tg-r1', weight: 1 }, { arn: 'tg-r2', weight: 0 }]);
    expect(await lb.serving()).toBe('hello-r1');
  });

  test('cutover moves the weight, and shutting the old stack down takes its group off the listener before deleting it', async () => {
    const forward = [{ arn: 'tg-r1', weight: 1 }, { arn: 'tg-r2', weight: 0 }];
    const api = alb(forward);
    const lb = new AwsLoadBalancer(api, await journal({ ...live(), targetGroups: { 'hello-r1': 'tg-r1', 'hello-r2': 'tg-r2' }, members: { 'i-old': 'hello-r1', 'i-new': 'hello-r2' } }), names, network, undefined);
    await lb.switchTo('hello-r2');
    expect(forward).toEqual([{ arn: 'tg-r1', weight: 0 }, { arn: 'tg-r2', weight: 1 }]);
    expect(await lb.serving()).toBe('hello-r2');
    api.sent.length = 0;
    await lb.detach(['i-old']);
    expect(actions(api)).toEqual(['DescribeListeners', 'DeregisterTargets', 'ModifyListener', 'DeleteTargetGroup']);
    expect(forward).toEqual([{ arn: 'tg-r2', weight: 1 }]);
  });

  test('rollback switches back, and the group that takes traffic is never deleted', async () => {
    const forward = [{ arn: 'tg-r1', weight: 0 }, { arn: 'tg-r2', weight: 1 }];
    const api = alb(forward);
    const env = await journal({ ...live(), targetGroups: { 'hello-r1': 'tg-r1', 'hello-r2': 'tg-r2' }, members: { 'i-old': 'hello-r1', 'i-new': 'hello-r2' } });
    const lb = new AwsLoadBalancer(api, env, names, network, undefined);
    await lb.switchTo('hello-r1');
    await lb.detach(['i-new']);
    expect(forward).toEqual([{ arn: 'tg-r1', weight: 1 }]);
    expect((await env.state()).aws?.targetGroups).toEqual({ 'hello-r1': 'tg-r1' });
    // The serving group, emptied, stays: a listener must forward somewhere.
    await lb.detach(['i-old']);
    expect(api.sent.filter((request) => request.action === 'DeleteTargetGroup').map((request) => request.input.TargetGroupArn)).toEqual(['tg-r2']);
    expect((await env.state()).aws?.targetGroups).toEqual({ 'hello-r1': 'tg-r1' });
  });

  test('a group AWS would not delete stays journaled, to be retried', async () => {
    const api = alb([{ arn: 'tg-r2', weight: 1 }], (request) => (request.action === 'DeleteTargetGroup' ? awsError('ResourceInUse') : undefined));
    const env = await journal({ ...live(), targetGroups: { 'hello-r1': 'tg-r1', 'hello-r2': 'tg-r2' }, members: { 'i-old': 'hello-r1', 'i-new': 'hello-r2' } });
    await new AwsLoadBalancer(api, env, names, network, undefined).detach(['i-old']);
    expect((await env.state()).aws?.targetGroups['hello-r1']).toBe('tg-r1');
  });

  test('a health wait that runs out says why each target is not healthy', async () => {
    const api = alb([{ arn: 'tg-r1', weight: 1 }], (request) => (request.action === 'DescribeTargetHealth' ? { TargetHealthDescriptions: [{ Target: { Id: 'i-old' }, TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' } }] } : undefined));
    const lb = new AwsLoadBalancer(api, await journal(live()), names, network, undefined);
    await expect(lb.waitUp(['i-old'], 0.2)).rejects.toThrow(/within 0.2s: i-old unhealthy \(Target\.Timeout: Request timed out\)/);
  });

  test('how long cutover waits: AWS at least two minutes; on an emulator, whatever the local proxy needs', async () => {
    expect(new AwsLoadBalancer(scriptedApi(() => undefined), await journal(), names, network, undefined).healthWaitSeconds(45)).toBe(120);
    const mirror = { healthWaitSeconds: (timeout: number) => Math.min(timeout, 15) } as LoadBalancer;
    expect(new AwsLoadBalancer(scriptedApi(() => undefined, true), await journal(), names, network, mirror).healthWaitSeconds(45)).toBe(15);
  });
});
