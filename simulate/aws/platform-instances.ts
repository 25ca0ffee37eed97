import type { AwsEndpoint } from './endpoint.js';

/** LocalStack's /_localstack/info answer, as far as kiln reads it. */
export interface EmulatorInfo {
  edition?: string;
  version?: string;
  is_license_activated?: boolean;
}

/** Community (which reports its edition as community or unknown) runs no instances; a licensed edition starts each one as a container. */
export function editionRunsInstances(info: EmulatorInfo | undefined): boolean {
  return info?.is_license_activated === true || /^(pro|enterprise|team)$/.test(info?.edition ?? '');
}

/**
 * Whether the emulator runs EC2 instances itself, so kiln adopts its containers rather than starting
 * duplicates. KILN_EMULATOR_RUNS_INSTANCES=1|0 overrides what LocalStack says about itself.
 */
export async function emulatorRunsInstances(endpoint: AwsEndpoint): Promise<boolean> {
  const forced = process.env.KILN_EMULATOR_RUNS_INSTANCES;
  if (forced === '1' || forced === '0') return forced === '1';
  if (endpoint.target !== 'localstack' || !endpoint.endpoint) return false;
  const info = await fetch(new URL('/_localstack/info', endpoint.endpoint)).then((response) => (response.ok ? (response.json() as Promise<EmulatorInfo>) : undefined), () => undefined);
  return editionRunsInstances(info);
}
