import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint } from '../../simulate/aws/endpoint.js';
import { emulatorRunsInstances } from '../../simulate/aws/platform-instances.js';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import { release } from '../../simulate/release/release.js';
import { docker, recorder } from './fixtures.js';
import { releaseProject, servedVersion } from './release-fixtures.js';

const MOTO = process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005';
const ENV = 'it-platform';
const ec2 = new EC2Client({ endpoint: MOTO, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const PLATFORM_LABEL = 'kiln-test.platform';

/**
 * Plays LocalStack Pro's part, which this machine cannot run: every instance the environment starts on
 * the emulator becomes a container named localstack-ec2.<id>, from the AMI's image, made by "the
 * platform" (this loop), not by kiln, and on no network of kiln's.
 */
function platform(): { started: string[]; stop: () => Promise<void> } {
  const started: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const found = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:kiln:env', Values: [ENV] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
      for (const instance of (found.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
        if (started.includes(instance.InstanceId!)) continue;
        started.push(instance.InstanceId!);
        const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [instance.ImageId!] }))).Images![0]!;
        const container = await docker.createContainer({
          name: `localstack-ec2.${instance.InstanceId}`, Image: `localstack-ec2/${image.Name}:${instance.ImageId}`,
          Entrypoint: ['/bin/sh', '-c'], Cmd: ['trap "exit 0" TERM; while :; do sleep 1; done'], Labels: { [PLATFORM_LABEL]: 'true' },
        });
        await container.start();
      }
      await new Promise((done) => setTimeout(done, 150));
    }
  })();
  return { started, stop: async () => { running = false; await loop; } };
}

async function platformContainers(): Promise<string[]> {
  return (await docker.listContainers({ all: true, filters: { label: [PLATFORM_LABEL] } })).map((container) => container.Names[0]!.slice(1));
}

describe('an emulator that runs EC2 instances itself (LocalStack Pro)', () => {
  let fixture: Awaited<ReturnType<typeof releaseProject>>;

  beforeAll(async () => {
    fixture = await releaseProject(ENV);
  });
  afterAll(async () => {
    delete process.env.KILN_EMULATOR_RUNS_INSTANCES;
    await destroyEnvironment(await fixture.project(), ENV).catch(() => {});
    for (const name of await platformContainers()) await docker.getContainer(name).remove({ force: true }).catch(() => {});
    await fixture.cleanup();
  });

  it('LocalStack community says it runs none, so kiln starts the containers itself there', async () => {
    expect(await emulatorRunsInstances(resolveEndpoint('localstack', 'us-east-1'))).toBe(false);
    expect(await emulatorRunsInstances(resolveEndpoint('moto', 'us-east-1'))).toBe(false);
  });

  it('kiln adopts the platform\'s containers, joins them to its network, boots the role in them, and starts no duplicate', async () => {
    process.env.KILN_EMULATOR_RUNS_INSTANCES = '1';
    const pro = platform();
    const { emit, events } = recorder();
    try {
      const summary = await release(await fixture.project(), { env: ENV, target: 'moto', emit, signal: new AbortController().signal });
      expect(summary.outcome, summary.error ?? '').toBe('live');
      expect(await servedVersion(summary.url!)).toBe('1.0.0');
      expect(events.some((event) => event.type === 'notice' && /runs EC2 instances itself: kiln adopts/.test(event.message))).toBe(true);
      const live = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:kiln:release', Values: [summary.release] }, { Name: 'instance-state-name', Values: ['running'] }] })));
      const ids = (live.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).map((instance) => instance.InstanceId!);
      expect(ids.length).toBe(3);
      // Every instance's one container is the platform's, and it sits on kiln's network too.
      for (const id of ids) {
        const info = await docker.getContainer(`localstack-ec2.${id}`).inspect();
        expect(info.Config.Labels[PLATFORM_LABEL]).toBe('true');
        expect(Object.keys(info.NetworkSettings.Networks).some((network) => network.includes(ENV))).toBe(true);
      }
      const all = (await docker.listContainers({ all: true })).flatMap((container) => container.Names).filter((name) => ids.some((id) => name.includes(id)));
      expect(all.length).toBe(ids.length);
    } finally {
      await pro.stop();
    }
  });
});
