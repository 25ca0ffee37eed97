import { describe, expect, test } from 'vitest';
import { ExternalError } from '../../bake/errors.js';
import type { AwsApi } from '../../simulate/aws/api.js';
import { elbName } from '../../simulate/aws/aws-lb.js';
import { teardownElbv2 } from '../../simulate/aws/elbv2-teardown.js';
import type { AwsRequest } from '../../simulate/aws/requests.js';

function scriptedApi(answer: (request: AwsRequest) => unknown, emulated = false) {
  const sent: AwsRequest[] = [];
  const api = {
    sent,
    endpoint: { target: emulated ? 'localstack' : 'aws', region: 'us-east-1', emulated },
    async send(request: AwsRequest) {
      sent.push(request);
      const reply = answer(request);
      if (reply instanceof Error) throw reply;
      return reply ?? {};
    },
  };
  return api as unknown as AwsApi & { sent: AwsRequest[] };
}
const awsError = (code: string, message = code) => Object.assign(new ExternalError(`elbv2 failed: ${message}`), { cause: Object.assign(new Error(message), { name: `${code}Exception`, Code: code }) });
const tagged = (arn: string, tags: Record<string, string>) => ({ ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
const owner = { project: 'hello', env: 'prod' };
const mine = { 'kiln:managed': 'true', 'kiln:project': 'hello', 'kiln:env': 'prod' };

describe('kiln destroy on ELBv2', () => {
  test('finds the ALB by its name and the target groups by tag, none of them journaled, and deletes listeners first', async () => {
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeLoadBalancers') return { LoadBalancers: [{ LoadBalancerArn: 'alb-1' }] };
      if (request.action === 'DescribeTargetGroups') return request.input.Marker ? { TargetGroups: [{ TargetGroupArn: 'tg-other-env' }] } : { TargetGroups: [{ TargetGroupArn: 'tg-r1' }], NextMarker: 'page-2' };
      if (request.action === 'DescribeTags') {
        const arns = request.input.ResourceArns as string[];
        return { TagDescriptions: arns.map((arn) => tagged(arn, arn === 'tg-other-env' ? { ...mine, 'kiln:env': 'staging' } : mine)) };
      }
      if (request.action === 'DescribeListeners') return { Listeners: [{ ListenerArn: 'listener-80' }] };
      return undefined;
    });
    const result = await teardownElbv2(api, owner, undefined);
    expect(api.sent[0]!.input).toEqual({ Names: [elbName('hello', 'prod')] });
    const deletes = api.sent.filter((request) => request.action.startsWith('Delete')).map((request) => `${request.action} ${Object.values(request.input)[0]}`);
    expect(deletes).toEqual(['DeleteListener listener-80', 'DeleteTargetGroup tg-r1', 'DeleteLoadBalancer alb-1']);
    expect(result).toEqual({ loadBalancer: true, targetGroups: 1, failures: [] });
  });

  test('an ALB of that name that kiln did not make is left alone', async () => {
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeLoadBalancers') return { LoadBalancers: [{ LoadBalancerArn: 'alb-theirs' }] };
      if (request.action === 'DescribeTags') return { TagDescriptions: [tagged('alb-theirs', { team: 'web' })] };
      return { TargetGroups: [] };
    });
    expect(await teardownElbv2(api, owner, undefined)).toEqual({ loadBalancer: false, targetGroups: 0, failures: [] });
    expect(api.sent.some((request) => request.action === 'DeleteLoadBalancer')).toBe(false);
  });

  test('a delete AWS refuses is reported, not counted; one already gone is neither', async () => {
    const api = scriptedApi((request) => {
      if (request.action === 'DescribeLoadBalancers') return awsError('LoadBalancerNotFound');
      if (request.action === 'DescribeTargetGroups') return { TargetGroups: [] };
      if (request.action === 'DescribeListeners') return { Listeners: [] };
      if (request.action === 'DeleteTargetGroup') return request.input.TargetGroupArn === 'tg-r1' ? awsError('ResourceInUse', 'tg-r1 is in use') : awsError('TargetGroupNotFound');
      if (request.action === 'DeleteLoadBalancer') return awsError('AccessDenied', 'not allowed');
      return undefined;
    });
    const lb = { mode: 'elbv2' as const, vpcId: 'vpc-1', subnetIds: [], loadBalancerArn: 'alb-1', listenerArn: 'listener-80', targetGroups: { 'hello-r1': 'tg-r1', 'hello-r2': 'tg-r2' }, members: {} };
    const result = await teardownElbv2(api, owner, lb);
    expect(result.loadBalancer).toBe(false);
    expect(result.targetGroups).toBe(0);
    expect(result.failures).toEqual(['target group tg-r1: elbv2 failed: tg-r1 is in use', 'load balancer alb-1: elbv2 failed: not allowed']);
  });

  test('an emulator without ELBv2 holds nothing to delete', async () => {
    const api = scriptedApi(() => new ExternalError('elbv2.DescribeLoadBalancers failed: InternalFailure: The API for service elbv2 is either not included in your current license plan or has not yet been emulated by LocalStack.'), true);
    expect(await teardownElbv2(api, owner, undefined)).toEqual({ loadBalancer: false, targetGroups: 0, failures: [] });
  });
});
