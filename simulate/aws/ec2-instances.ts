import { UserError } from '../../bake/errors.js';
import { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { ec2 } from './requests.js';

type Described = { Reservations?: { Instances?: { PrivateIpAddress?: string; State?: { Name?: string }; StateReason?: { Message?: string } }[] }[] };

/** An instance's state as EC2 reports it, or 'gone' when EC2 no longer (or not yet) knows the id. */
export interface Ec2State {
  name: string;
  reason?: string;
  ip?: string;
}

/** Only "no such instance" means gone; throttling or AccessDenied must not make a healthy instance look dead. */
export async function ec2State(api: AwsApi, instanceId: string): Promise<Ec2State> {
  try {
    const instance = (await api.send<Described>(ec2.describeInstance(instanceId))).Reservations?.[0]?.Instances?.[0];
    return instance ? { name: instance.State?.Name ?? 'unknown', reason: instance.StateReason?.Message, ip: instance.PrivateIpAddress } : { name: 'gone' };
  } catch (error) {
    if (/InvalidInstanceID\.NotFound/.test(`${AwsApi.code(error)} ${(error as Error).message}`)) return { name: 'gone' };
    throw error;
  }
}

/**
 * Wait until the instance runs. EC2 is eventually consistent, so an id it does not know yet is waited
 * for; an instance that stops or terminates instead ends the wait at once, with EC2's reason.
 */
export async function waitEc2Running(api: AwsApi, instanceId: string, timeoutSeconds: number, signal?: AbortSignal): Promise<Ec2State> {
  const settled = await pollUntil(async () => {
    const state = await ec2State(api, instanceId);
    return ['running', 'stopping', 'stopped', 'shutting-down', 'terminated'].includes(state.name) ? state : undefined;
  }, { deadline: Date.now() + timeoutSeconds * 1000, everyMs: 5000, signal, interrupted: `interrupted while waiting for instance ${instanceId}` });
  if (!settled) throw new UserError(`instance ${instanceId} did not reach running within ${timeoutSeconds}s`, 'its console (EC2 → Get system log) shows how far it booted');
  if (settled.name !== 'running') throw new UserError(`instance ${instanceId} is ${settled.name}${settled.reason ? ` (${settled.reason})` : ''}, not running`, 'check the instance type\'s capacity and your account limits, then release again');
  return settled;
}
