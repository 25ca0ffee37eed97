#!/usr/bin/env node
// Probe an AWS emulator (moto server, LocalStack) for the calls kiln's emulated-AWS target makes,
// and print per call what worked, what failed (with the SDK's exact error) and how it behaved.
//
//   node scripts/emulator-probe.mjs http://127.0.0.1:5005          (moto, see start-emulators.sh)
//   node scripts/emulator-probe.mjs http://127.0.0.1:4566 --json   (also print all results as JSON)
//
// Every call is attempted even when an earlier one failed, unless it needs that call's result.
// It cleans up what it created. Exit status: 0 when the probe ran (whatever failed), 2 on bad usage.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateImageCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RegisterTargetsCommand,
  waitUntilLoadBalancerAvailable,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const args = process.argv.slice(2);
const endpoint = args.find((a) => !a.startsWith('--'));
const asJson = args.includes('--json');
if (!endpoint || !/^https?:\/\//.test(endpoint)) {
  console.error('usage: node scripts/emulator-probe.mjs <endpoint-url> [--json]   e.g. http://127.0.0.1:5005');
  process.exit(2);
}

// Static test credentials and one region: emulators accept any keys; maxAttempts 1 so an
// unsupported call fails once, with its own error, instead of being retried.
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
};
const sts = new STSClient(config);
const ssm = new SSMClient(config);
const ec2 = new EC2Client(config);
const elb = new ElasticLoadBalancingV2Client(config);

const SSM_DEBIAN = '/aws/service/debian/release/bookworm/latest/amd64';
const SSM_AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const DIGEST = `sha256:${'ab'.repeat(32)}`; // stands in for a recipe digest
const RUN = Date.now().toString(36); // keeps names unique across runs against one emulator
const USER_DATA = '#!/bin/sh\necho kiln-probe > /run/kiln/probe\n';

const results = [];

// The SDK's error, as kiln would see it: name, HTTP status, fault side, message.
function describeError(e) {
  const status = e?.$metadata?.httpStatusCode;
  const where = [status && `HTTP ${status}`, e?.$fault && `${e.$fault} fault`].filter(Boolean).join(', ');
  return `${e?.name ?? 'Error'}${where ? ` (${where})` : ''}: ${String(e?.message ?? e).split('\n')[0]}`;
}

// Run one call, record ok/FAIL with a note, and return its value (undefined on failure).
async function step(label, fn, { needs = [] } = {}) {
  const missing = needs.filter(([, v]) => v === undefined || v === null).map(([n]) => n);
  if (missing.length) {
    results.push({ label, outcome: 'skip', note: `needs ${missing.join(', ')}` });
    console.log(`skip  ${label} — needs ${missing.join(', ')}`);
    return undefined;
  }
  const started = performance.now();
  try {
    const { value, note } = await fn();
    const ms = Math.round(performance.now() - started);
    results.push({ label, outcome: 'ok', ms, note });
    console.log(`ok    ${label} (${ms} ms)${note ? ` — ${note}` : ''}`);
    return value;
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    results.push({ label, outcome: 'FAIL', ms, note: describeError(e) });
    console.log(`FAIL  ${label} (${ms} ms) — ${describeError(e)}`);
    return undefined;
  }
}

const tagValue = (tags, key) => tags?.find((t) => t.Key === key)?.Value;
const instanceState = async (id) =>
  (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];

console.log(`probing ${endpoint} (region us-east-1, static test credentials)`);

// ---- STS, SSM ------------------------------------------------------------------------------------
await step('sts.GetCallerIdentity', async () => {
  const r = await sts.send(new GetCallerIdentityCommand({}));
  return { note: `account=${r.Account} arn=${r.Arn}` };
});
const ssmAmi = await step(`ssm.GetParameter ${SSM_DEBIAN}`, async () => {
  const r = await ssm.send(new GetParameterCommand({ Name: SSM_DEBIAN }));
  return { value: r.Parameter?.Value, note: `value=${r.Parameter?.Value}` };
});

// A fallback base image parameter that AWS publishes too, in case the Debian one is missing.
await step(`ssm.GetParameter ${SSM_AL2023}`, async () => {
  const r = await ssm.send(new GetParameterCommand({ Name: SSM_AL2023 }));
  const id = r.Parameter?.Value;
  const img = id && (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] })).catch(() => undefined))?.Images?.[0];
  return { note: `value=${id}${img ? ` (DescribeImages knows it: ${img.Name})` : ' (unknown to DescribeImages)'}` };
});

// ---- EC2: images and a builder instance --------------------------------------------------------
const baseAmi = await step('ec2.DescribeImages (all)', async () => {
  const r = await ec2.send(new DescribeImagesCommand({}));
  const images = r.Images ?? [];
  const fromSsm = ssmAmi && images.find((i) => i.ImageId === ssmAmi);
  // Prefer a Linux x86_64 image by name: the emulators list Windows images too.
  const linux = (re) => images.find((i) => i.Architecture === 'x86_64' && re.test(i.Name ?? ''));
  const pick = fromSsm ?? linux(/debian/i) ?? linux(/ubuntu/i) ?? linux(/amzn|al20/i) ?? images[0];
  return {
    value: pick?.ImageId,
    note: `${images.length} images; using ${pick?.ImageId} (${pick?.Name ?? 'no name'})${fromSsm ? ', the SSM parameter' : ''}`,
  };
});

const vpcId = await step('ec2.CreateVpc 10.213.0.0/16', async () => {
  const r = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.213.0.0/16' }));
  return { value: r.Vpc?.VpcId, note: `${r.Vpc?.VpcId} state=${r.Vpc?.State}` };
});
const subnets = [];
for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
  const id = await step(
    `ec2.CreateSubnet ${az}`,
    async () => {
      const r = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.213.${i + 1}.0/24`, AvailabilityZone: az }));
      return { value: r.Subnet?.SubnetId, note: `${r.Subnet?.SubnetId} az=${r.Subnet?.AvailabilityZone}` };
    },
    { needs: [['vpc', vpcId]] },
  );
  if (id) subnets.push(id);
}

// Launch one instance with user-data and tags; report its state as returned and as described.
async function launch(role) {
  return step(
    `ec2.RunInstances (${role}, UserData, TagSpecifications)`,
    async () => {
      const r = await ec2.send(
        new RunInstancesCommand({
          ImageId: baseAmi,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnets[0],
          UserData: Buffer.from(USER_DATA).toString('base64'),
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'kiln:role', Value: role }, { Key: 'kiln:probe', Value: RUN }] },
          ],
        }),
      );
      const inst = r.Instances?.[0];
      const tags = inst?.Tags?.map((t) => `${t.Key}=${t.Value}`).join(',') || 'none in response';
      return {
        value: inst?.InstanceId,
        note: `${inst?.InstanceId} state in response=${inst?.State?.Name} tags=${tags} privateIp=${inst?.PrivateIpAddress} publicIp=${inst?.PublicIpAddress ?? 'none'}`,
      };
    },
    { needs: [['image', baseAmi]] },
  );
}

const builder = await launch('builder');
await step(
  'ec2.DescribeInstances (right after launch)',
  async () => {
    const inst = await instanceState(builder);
    const tags = inst?.Tags?.map((t) => `${t.Key}=${t.Value}`).join(',');
    return { note: `state=${inst?.State?.Name} tags=${tags} az=${inst?.Placement?.AvailabilityZone}` };
  },
  { needs: [['instance', builder]] },
);
await step(
  'ec2.DescribeInstanceAttribute userData',
  async () => {
    const r = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: builder, Attribute: 'userData' }));
    const text = r.UserData?.Value ? Buffer.from(r.UserData.Value, 'base64').toString() : undefined;
    const same = text === USER_DATA;
    if (!same) throw new Error(`user-data not returned intact: ${JSON.stringify(text)}`);
    return { note: 'stored and returned byte for byte (base64); never executed by the emulator' };
  },
  { needs: [['instance', builder]] },
);
await step(
  'ec2.StopInstances',
  async () => {
    const r = await ec2.send(new StopInstancesCommand({ InstanceIds: [builder] }));
    const c = r.StoppingInstances?.[0];
    return { note: `${c?.PreviousState?.Name} -> ${c?.CurrentState?.Name} in response` };
  },
  { needs: [['instance', builder]] },
);
await step(
  'ec2 waitUntilInstanceStopped',
  async () => {
    const w = await waitUntilInstanceStopped({ client: ec2, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { InstanceIds: [builder] });
    const inst = await instanceState(builder);
    return { note: `waiter ${w.state}; state=${inst?.State?.Name}` };
  },
  { needs: [['instance', builder]] },
);
const imageId = await step(
  'ec2.CreateImage (TagSpecifications kiln:recipe-digest)',
  async () => {
    const r = await ec2.send(
      new CreateImageCommand({
        InstanceId: builder,
        Name: `kiln-probe-${RUN}`,
        Description: 'kiln emulator probe',
        TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'kiln:recipe-digest', Value: DIGEST }] }],
      }),
    );
    const img = (await ec2.send(new DescribeImagesCommand({ ImageIds: [r.ImageId] }))).Images?.[0];
    return { value: r.ImageId, note: `${r.ImageId} state=${img?.State} owner=${img?.OwnerId} tags=${JSON.stringify(img?.Tags ?? [])}` };
  },
  { needs: [['instance', builder]] },
);
await step(
  'ec2.DescribeImages Filters tag:kiln:recipe-digest',
  async () => {
    const r = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [DIGEST] }] }));
    const ids = (r.Images ?? []).map((i) => i.ImageId);
    if (!ids.includes(imageId)) throw new Error(`image ${imageId} not found by its tag (got ${JSON.stringify(ids)})`);
    return { note: `found ${ids.join(',')} (tags from CreateImage TagSpecifications are applied)` };
  },
  { needs: [['image', imageId]] },
);
await step(
  'ec2.CreateTags on the image + DescribeImages by the new tag',
  async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: 'kiln:release-tag', Value: `probe-${RUN}` }] }));
    const r = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:kiln:release-tag', Values: [`probe-${RUN}`] }] }));
    const img = r.Images?.find((i) => i.ImageId === imageId);
    if (!img) throw new Error('image not found by the tag just created');
    return { note: `tags now ${img.Tags?.map((t) => `${t.Key}=${t.Value}`).join(',')}` };
  },
  { needs: [['image', imageId]] },
);
await step(
  'ec2.TerminateInstances (builder)',
  async () => {
    const r = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [builder] }));
    const c = r.TerminatingInstances?.[0];
    const after = await instanceState(builder);
    return { note: `${c?.PreviousState?.Name} -> ${c?.CurrentState?.Name} in response; described state=${after?.State?.Name}` };
  },
  { needs: [['instance', builder]] },
);
await step(
  'ec2.DeregisterImage',
  async () => {
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    const left = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [DIGEST] }] }))).Images ?? [];
    return { note: `images left with the digest tag: ${left.length}` };
  },
  { needs: [['image', imageId]] },
);

// ---- ELBv2: one ALB, blue and green target groups, cutover by ModifyListener --------------------
// The cheapest call that tells whether the endpoint has ELBv2 at all (LocalStack community lacks it).
await step('elbv2.DescribeLoadBalancers (is ELBv2 there?)', async () => {
  const r = await elb.send(new DescribeLoadBalancersCommand({}));
  return { note: `${r.LoadBalancers?.length ?? 0} load balancers` };
});
const blue = await launch('blue');
const green = await launch('green');
const lb = await step(
  'elbv2.CreateLoadBalancer (application, 2 subnets)',
  async () => {
    const r = await elb.send(new CreateLoadBalancerCommand({ Name: `kiln-probe-${RUN}`, Subnets: subnets, Type: 'application', Scheme: 'internet-facing' }));
    const l = r.LoadBalancers?.[0];
    return { value: l, note: `dns=${l?.DNSName} state=${l?.State?.Code} arn=${l?.LoadBalancerArn}` };
  },
  { needs: [['two subnets', subnets.length === 2 ? subnets : undefined]] },
);
await step(
  'elbv2 waitUntilLoadBalancerAvailable',
  async () => {
    const w = await waitUntilLoadBalancerAvailable({ client: elb, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { LoadBalancerArns: [lb.LoadBalancerArn] });
    const l = (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb.LoadBalancerArn] }))).LoadBalancers?.[0];
    return { note: `waiter ${w.state}; state=${l?.State?.Code}` };
  },
  { needs: [['load balancer', lb]] },
);
const tgs = {};
for (const color of ['blue', 'green']) {
  tgs[color] = await step(
    `elbv2.CreateTargetGroup ${color}`,
    async () => {
      const r = await elb.send(
        new CreateTargetGroupCommand({
          Name: `kiln-${color}-${RUN}`.slice(0, 32),
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: vpcId,
          TargetType: 'instance',
          HealthCheckPath: '/health',
        }),
      );
      const arn = r.TargetGroups?.[0]?.TargetGroupArn;
      return { value: arn, note: arn };
    },
    { needs: [['vpc', vpcId]] },
  );
}
for (const [color, inst] of [['blue', blue], ['green', green]]) {
  await step(
    `elbv2.RegisterTargets ${color} <- ${inst}`,
    async () => {
      await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgs[color], Targets: [{ Id: inst, Port: 8080 }] }));
      return {};
    },
    { needs: [[`${color} target group`, tgs[color]], [`${color} instance`, inst]] },
  );
}
const listener = await step(
  'elbv2.CreateListener HTTP:80 forward -> blue',
  async () => {
    const r = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgs.blue }],
      }),
    );
    const arn = r.Listeners?.[0]?.ListenerArn;
    return { value: arn, note: arn };
  },
  { needs: [['load balancer', lb], ['blue target group', tgs.blue]] },
);
for (const color of ['blue', 'green']) {
  await step(
    `elbv2.DescribeTargetHealth ${color} (immediately${color === 'green' ? ', not yet behind the listener' : ''})`,
    async () => {
      const r = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgs[color] }));
      const states = (r.TargetHealthDescriptions ?? []).map(
        (d) => `${d.Target?.Id}=${d.TargetHealth?.State}${d.TargetHealth?.Reason ? `(${d.TargetHealth.Reason})` : ''}`,
      );
      return { note: states.join(', ') || 'no targets' };
    },
    { needs: [[`${color} target group`, tgs[color]]] },
  );
}
await step(
  'elbv2.ModifyListener forward -> green',
  async () => {
    await elb.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgs.green }] }));
    return {};
  },
  { needs: [['listener', listener], ['green target group', tgs.green]] },
);
await step(
  'elbv2.DescribeListeners (confirm green)',
  async () => {
    const r = await elb.send(new DescribeListenersCommand({ ListenerArns: [listener] }));
    const action = r.Listeners?.[0]?.DefaultActions?.[0];
    const target = action?.TargetGroupArn ?? action?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    if (target !== tgs.green) throw new Error(`listener forwards to ${target}, not green`);
    return { note: 'forwards to green' };
  },
  { needs: [['listener', listener]] },
);
await step(
  'elbv2.DescribeTargetHealth blue (after cutover)',
  async () => {
    const r = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgs.blue }));
    return { note: (r.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}=${d.TargetHealth?.State}`).join(', ') };
  },
  { needs: [['blue target group', tgs.blue], ['listener', listener]] },
);
await step(
  'elbv2.DeleteTargetGroup green while in use (AWS refuses: ResourceInUse)',
  async () => {
    try {
      await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgs.green }));
    } catch (e) {
      return { note: `refused as on AWS: ${describeError(e)}` };
    }
    tgs.green = undefined;
    return { note: 'NOT refused: the emulator deleted a target group a listener forwards to' };
  },
  { needs: [['green target group', tgs.green], ['listener', listener]] },
);
await step(
  'elbv2.DeleteTargetGroup blue (no longer in use)',
  async () => {
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgs.blue }));
    return {};
  },
  { needs: [['blue target group', tgs.blue]] },
);

// ---- cleanup: best effort, reported in one line ---------------------------------------------------
const leftovers = [];
const attempt = async (what, fn) => {
  try {
    await fn();
  } catch (e) {
    leftovers.push(`${what}: ${describeError(e)}`);
  }
};
if (listener) await attempt('DeleteListener', () => elb.send(new DeleteListenerCommand({ ListenerArn: listener })));
if (lb) await attempt('DeleteLoadBalancer', () => elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn })));
if (tgs.green) await attempt('DeleteTargetGroup green', () => elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgs.green })));
const instances = [blue, green].filter(Boolean);
if (instances.length) await attempt('TerminateInstances', () => ec2.send(new TerminateInstancesCommand({ InstanceIds: instances })));
await sleep(100);
for (const s of subnets) await attempt(`DeleteSubnet ${s}`, () => ec2.send(new DeleteSubnetCommand({ SubnetId: s })));
if (vpcId) await attempt('DeleteVpc', () => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
console.log(leftovers.length ? `cleanup: ${leftovers.length} failed — ${leftovers.join('; ')}` : 'cleanup: ok');

const count = (o) => results.filter((r) => r.outcome === o).length;
console.log(`summary: ${count('ok')} ok, ${count('FAIL')} failed, ${count('skip')} skipped`);
if (asJson) console.log(JSON.stringify({ endpoint, results, cleanup: leftovers }, null, 2));
