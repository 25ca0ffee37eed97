import { UserError } from '../../bake/errors.js';
import { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { ec2 } from './requests.js';

/** DescribeInstances' answer, as far as kiln reads it. */
export interface Ec2Instance {
  InstanceId?: string;
  PrivateIpAddress?: string;
  LaunchTime?: Date | string;
  State?: { Name?: string };
  StateReason?: { Message?: string };
}
export type DescribedInstances = { Reservations?: { Instances?: Ec2Instance[] }[] };

/** Every instance in an answer, whatever reservations they came in. */
export function instancesIn(answer: DescribedInstances): Ec2Instance[] {
  return (answer.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

/** EC2's "no such instance" (also said right after RunInstances, before the id has spread). */
export function isInstanceNotFound(error: unknown): boolean {
  return /InvalidInstanceID\.NotFound/.test(`${AwsApi.code(error)} ${(error as Error).message}`);
}

/** An instance's state as EC2 reports it, or 'gone' when EC2 no longer (or not yet) knows the id. */
export interface Ec2State {
  name: string;
  reason?: string;
  ip?: string;
}

/** Only "no such instance" means gone; throttling or AccessDenied must not make a healthy instance look dead. */
export async function ec2State(api: AwsApi, instanceId: string): Promise<Ec2State> {
  try {
    const instance = instancesIn(await api.send<DescribedInstances>(ec2.describeInstance(instanceId)))[0];
    return instance ? { name: instance.State?.Name ?? 'unknown', reason: instance.StateReason?.Message, ip: instance.PrivateIpAddress } : { name: 'gone' };
  } catch (error) {
    if (isInstanceNotFound(error)) return { name: 'gone' };
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
