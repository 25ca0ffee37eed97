import { UserError } from '../../bake/errors.js';

export type AwsTargetName = 'moto' | 'localstack' | 'aws';

/** Where AWS calls go, and whether kiln must supply the data plane itself (emulators run no instances). */
export interface AwsEndpoint {
  target: AwsTargetName;
  endpoint?: string;
  region: string;
  emulated: boolean;
}

const EMULATORS: Record<'moto' | 'localstack', { variable: string; fallback: string }> = {
  moto: { variable: 'KILN_MOTO_ENDPOINT', fallback: 'http://127.0.0.1:5005' },
  localstack: { variable: 'KILN_LOCALSTACK_ENDPOINT', fallback: 'http://127.0.0.1:4566' },
};

/** Resolve a target name to an endpoint: emulators on 127.0.0.1, AWS through the SDK's default chain (or AWS_ENDPOINT_URL). */
export function resolveEndpoint(target: AwsTargetName, region: string, configured?: string): AwsEndpoint {
  if (target === 'aws') return { target, endpoint: configured ?? process.env.AWS_ENDPOINT_URL, region, emulated: false };
  const { variable, fallback } = EMULATORS[target];
  const endpoint = process.env[variable] ?? configured ?? fallback;
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint)) {
    throw new UserError(`${variable}=${endpoint}: an emulator endpoint must be on 127.0.0.1`, `unset ${variable}, or point it at the emulator started by scripts/start-emulators.sh`);
  }
  return { target, endpoint, region, emulated: true };
}
