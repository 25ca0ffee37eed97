import type { Project } from '../../bake/config/project.js';
import { fieldAt } from '../../bake/config/where.js';
import { UserError } from '../../bake/errors.js';

export type AwsTargetName = 'moto' | 'localstack' | 'aws';

/** Where AWS calls go, and whether kiln must supply the data plane itself (emulators run no instances). */
export interface AwsEndpoint {
  target: AwsTargetName;
  endpoint?: string;
  /** Unset on AWS when neither kiln.yaml nor the environment names one: the SDK's profile chain decides. */
  region?: string;
  emulated: boolean;
}

const EMULATORS: Record<'moto' | 'localstack', { variable: string; fallback: string }> = {
  moto: { variable: 'KILN_MOTO_ENDPOINT', fallback: 'http://127.0.0.1:5005' },
  localstack: { variable: 'KILN_LOCALSTACK_ENDPOINT', fallback: 'http://127.0.0.1:4566' },
};

// us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5: the shape of every AWS region name.
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Resolve a target name to an endpoint: emulators on 127.0.0.1, AWS through the SDK's default chain (or AWS_ENDPOINT_URL). */
export function resolveEndpoint(target: AwsTargetName, region: string | undefined, configured?: string): AwsEndpoint {
  if (target === 'aws') return { target, endpoint: configured ?? process.env.AWS_ENDPOINT_URL, region, emulated: false };
  const { variable, fallback } = EMULATORS[target];
  const endpoint = process.env[variable] ?? configured ?? fallback;
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint)) {
    throw new UserError(`${variable}=${endpoint}: an emulator endpoint must be on 127.0.0.1`, `unset ${variable}, or point it at the emulator started by scripts/start-emulators.sh`);
  }
  // Emulators read no AWS profile; us-east-1 is what they and their tests assume.
  return { target, endpoint, region: region ?? 'us-east-1', emulated: true };
}

/** The endpoint a project's AWS calls go to: kiln.yaml's aws.region first, then AWS_REGION / AWS_DEFAULT_REGION. */
export function endpointFor(project: Project, target: AwsTargetName): AwsEndpoint {
  const fromEnv = process.env.AWS_REGION ? 'AWS_REGION' : process.env.AWS_DEFAULT_REGION ? 'AWS_DEFAULT_REGION' : undefined;
  const region = project.aws.region ?? (fromEnv && process.env[fromEnv]);
  if (region !== undefined && !REGION_PATTERN.test(region)) {
    const where = project.aws.region !== undefined ? fieldAt(project, 'aws.region') : fromEnv!;
    throw new UserError(`${where}: ${JSON.stringify(region)} is not an AWS region name`, 'use a name such as us-east-1 or eu-west-2');
  }
  return resolveEndpoint(target, region, project.aws.endpoint);
}
