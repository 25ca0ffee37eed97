import { ExternalError, UserError } from '../../bake/errors.js';
import type { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { instancesIn, type DescribedInstances } from './ec2-instances.js';
import { ec2 } from './requests.js';
import { builderVerdict } from './user-data.js';


// EC2 posts a console some time after the instance stops; this long at most, kiln waits for the verdict line.
const CONSOLE_WAIT_SECONDS = 300;

/** Wait for the builder to power off; a builder that is terminated under kiln, or never stops, ends the bake. */
export async function waitForBuilder(api: AwsApi, instanceId: string, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const state = await pollUntil(async () => {
    const name = instancesIn(await api.send<DescribedInstances>(ec2.describeInstance(instanceId)))[0]?.State?.Name;
    return name === 'stopped' || name === 'terminated' || name === 'shutting-down' ? name : undefined;
  }, { deadline: Date.now() + timeoutSeconds * 1000, everyMs: api.endpoint.emulated ? 100 : 5000, signal, interrupted: 'interrupted while waiting for the AMI builder' });
  if (state === 'stopped') return;
  if (state) throw new UserError(`the AMI builder ${instanceId} was terminated before it finished; no AMI was made`, 'someone or something else terminated it (a spot reclaim, a cleanup job): bake again');
  throw new ExternalError(`the AMI builder ${instanceId} did not power off within ${timeoutSeconds}s (aws.builder_timeout); it was terminated and no AMI was made`, `builder ${instanceId}`, {
    hint: 'the tail below is its console: a layer script may be waiting for input; raise aws.builder_timeout if the bake is only slow',
    tail: api.endpoint.emulated ? [] : (await consoleText(api, instanceId)).split('\n').slice(-20),
  });
}

/**
 * The builder prints whether its scripts succeeded and powers off either way; a stopped builder is only
 * imaged once its console says done. No verdict at all is a failure too: a failed build never becomes an AMI.
 */
export async function requireBuilderDone(api: AwsApi, instanceId: string, signal: AbortSignal): Promise<void> {
  let text = '';
  const verdict = await pollUntil(async () => builderVerdict((text = await consoleText(api, instanceId))), {
    deadline: Date.now() + CONSOLE_WAIT_SECONDS * 1000, everyMs: 10_000, signal, interrupted: 'interrupted while reading the AMI builder console',
  });
  if (verdict === 'done') return;
  const tail = text.trimEnd().split('\n').slice(-20);
  if (verdict === 'failed') throw new ExternalError(`a layer script failed on the AMI builder ${instanceId}; no AMI was made`, `builder ${instanceId}`, { hint: 'the tail below is its console output', tail });
  throw new ExternalError(`the AMI builder ${instanceId} stopped, but its console never said whether its scripts succeeded (${CONSOLE_WAIT_SECONDS}s); no AMI was made`, `builder ${instanceId}`, {
    hint: 'the base AMI must send user-data output to the console (cloud-init does); bake again', tail,
  });
}

/** Its console as text: the newest output where the instance type offers it (Nitro), else the buffered one. */
export async function consoleText(api: AwsApi, instanceId: string): Promise<string> {
  const read = (latest: boolean) => api.send<{ Output?: string }>(ec2.consoleOutput(instanceId, latest));
  const output = await read(true).catch(() => read(false)).catch(() => ({}) as { Output?: string });
  return Buffer.from(output.Output ?? '', 'base64').toString();
}

/** Builders of this recipe that a killed kiln left behind (older than the builder timeout): terminated before a new one starts. */
export async function terminateStaleBuilders(api: AwsApi, recipeDigest: string, timeoutSeconds: number): Promise<string[]> {
  const described = await api.send<DescribedInstances>(ec2.describeTaggedInstances({ 'kiln:purpose': 'builder', 'kiln:recipe-digest': recipeDigest }));
  const cutoff = Date.now() - timeoutSeconds * 1000;
  const stale = instancesIn(described)
    .filter((instance) => instance.LaunchTime !== undefined && new Date(instance.LaunchTime).getTime() < cutoff)
    .map((instance) => instance.InstanceId!);
  if (stale.length) await api.send(ec2.terminateInstances(stale));
  return stale;
}
