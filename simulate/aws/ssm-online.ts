import { UserError } from '../../bake/errors.js';
import type { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { ssm } from './requests.js';

// A fresh instance boots, starts its agent and registers with SSM: often more than a minute, so never wait less than this.
export const SSM_REGISTRATION_MIN_SECONDS = 300;

/** How long kiln waits for an instance's SSM agent to come Online: release.timeout, but at least five minutes. */
export function registrationSeconds(releaseTimeout: number): number {
  return Math.max(releaseTimeout, SSM_REGISTRATION_MIN_SECONDS);
}

export type InstanceInformation = { InstanceInformationList?: { InstanceId?: string; PingStatus?: string }[] };

/** The instance's SSM ping status (Online, ConnectionLost, Inactive), or undefined while its agent has not registered. */
export function pingStatus(answer: InstanceInformation, instanceId: string): string | undefined {
  return answer.InstanceInformationList?.find((entry) => entry.InstanceId === instanceId)?.PingStatus;
}

/** Wait until the instance's SSM agent is registered and Online: Run Command reaches no other instance. */
export async function waitSsmOnline(api: AwsApi, instanceId: string, options: { timeoutSeconds: number; signal?: AbortSignal; pollMs?: number }): Promise<void> {
  let last: string | undefined;
  const online = await pollUntil(async () => {
    last = pingStatus(await api.send<InstanceInformation>(ssm.describeInstanceInformation(instanceId)), instanceId);
    return last === 'Online' ? true : undefined;
  }, { deadline: Date.now() + options.timeoutSeconds * 1000, everyMs: options.pollMs ?? 5000, signal: options.signal, interrupted: `interrupted while waiting for ${instanceId} to register with SSM` });
  if (online) return;
  throw new UserError(
    `instance ${instanceId} did not come online in SSM within ${options.timeoutSeconds}s (${last ? `ping status ${last}` : 'its agent never registered'}), so its image tests cannot run`,
    `the image needs the SSM agent running at boot (Debian AMIs lack amazon-ssm-agent: install it in a layer), aws.instance_profile needs AmazonSSMManagedInstanceCore, and the subnet needs a route to SSM (NAT or VPC endpoints); this wait lasts release.timeout or ${SSM_REGISTRATION_MIN_SECONDS}s, whichever is longer`,
  );
}
