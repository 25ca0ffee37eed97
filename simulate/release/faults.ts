import { UserError } from '../../bake/errors.js';

/** Faults `kiln release --inject` can rehearse, and what each one does. */
export const FAULTS = {
  'builder:hang': 'the AMI builder never powers off, so the bake hits aws.builder_timeout (step 5, moto/localstack/aws)',
  'launch:fail': 'the first instance launched (step 7) exits at boot',
  'test:fail': 'an extra image test (step 8) fails',
  'start:die': 'a new instance dies during start services (step 9)',
  'cutover:unhealthy': 'a new instance stops answering during cutover (step 10)',
  'prod-test:fail': 'an extra production test (step 11) fails',
} as const;

export type Fault = keyof typeof FAULTS;

export function parseFaults(values: readonly string[]): Fault[] {
  return values.map((value) => {
    if (!(value in FAULTS)) {
      throw new UserError(`unknown fault ${JSON.stringify(value)}`, `inject one of: ${Object.entries(FAULTS).map(([name, what]) => `${name} (${what})`).join('; ')}`);
    }
    return value as Fault;
  });
}
