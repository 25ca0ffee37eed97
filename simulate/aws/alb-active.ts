import { UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import type { AwsApi } from './api.js';
import { pollUntil } from './poll-until.js';
import { elbv2 } from './requests.js';

export interface AlbState {
  Code?: string;
  Reason?: string;
}

/**
 * true once the ALB routes (active; active_impaired routes too); undefined while it is provisioning; throws
 * when AWS says it failed. An emulator that reports no state at all is taken as active.
 */
export function albReady(name: string, state: AlbState | undefined): true | undefined {
  const code = state?.Code;
  if (code === undefined || code === 'active' || code === 'active_impaired') return true;
  if (code === 'failed') throw new UserError(`ALB ${name} failed to provision${state?.Reason ? `: ${state.Reason}` : ''}`, 'check the subnets and security groups in kiln.yaml (aws.subnets, aws.security_groups), then release again');
  return undefined;
}

// A new ALB provisions for a few minutes on AWS; emulators answer at once.
export const ALB_ACTIVE_SECONDS = { aws: 600, emulated: 60 };

/** Wait until the ALB named `name` is active (its targets stay `initial` until then), bounded and abortable. */
export async function waitAlbActive(api: AwsApi, name: string, known: AlbState | undefined, options: { emit: Emit; signal?: AbortSignal }): Promise<void> {
  if (albReady(name, known)) return;
  const { emulated } = api.endpoint;
  const seconds = emulated ? ALB_ACTIVE_SECONDS.emulated : ALB_ACTIVE_SECONDS.aws;
  options.emit({ type: 'notice', level: 'info', message: `ALB ${name} is ${known?.Code}; waiting for it to turn active (a few minutes on AWS, at most ${seconds / 60} min)` });
  let last = known?.Code;
  const ready = await pollUntil(async () => {
    const state = (await api.send<{ LoadBalancers?: { State?: AlbState }[] }>(elbv2.describeLoadBalancer(name))).LoadBalancers?.[0]?.State;
    last = state?.Code;
    return albReady(name, state);
  }, { deadline: Date.now() + seconds * 1000, everyMs: emulated ? 200 : 10_000, signal: options.signal, interrupted: `interrupted while waiting for ALB ${name} to turn active` });
  if (!ready) throw new UserError(`ALB ${name} is still ${last ?? 'not active'} after ${seconds / 60} min`, 'run kiln release again later: it resumes with the same ALB');
}
