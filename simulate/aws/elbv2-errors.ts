import { AwsApi } from './api.js';

/** The endpoint has no ELBv2 at all (LocalStack community answers 501): only an emulator may say so. */
export function elbv2Missing(api: AwsApi, error: unknown): boolean {
  return api.endpoint.emulated && /not (yet )?(implemented|included|available|supported)|InternalFailure|UnknownOperation|501/i.test((error as Error).message);
}

/** AWS says the resource does not exist (e.g. `LoadBalancer` → LoadBalancerNotFound): a lookup's "none", a delete's "already gone". */
export function elbv2NotFound(error: unknown, what: 'LoadBalancer' | 'TargetGroup' | 'Listener' | '' = ''): boolean {
  const cause = (error as { cause?: { name?: string } }).cause;
  return new RegExp(`^${what}\\w*NotFound`).test(AwsApi.code(error) ?? '') || new RegExp(`^${what}\\w*NotFound`).test(cause?.name ?? '');
}
