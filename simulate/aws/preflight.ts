import { UserError } from '../../bake/errors.js';
import type { AwsApi } from './api.js';
import { ec2, sts } from './requests.js';

type Regions = { Regions?: { RegionName?: string }[] };

/**
 * Two calls before anything runs, so nothing is half-made: STS proves the credentials and that the
 * endpoint answers; EC2's region list proves the region exists there (a wrong one fails late and oddly).
 */
export async function preflight(api: AwsApi): Promise<void> {
  await api.send(sts.whoami());
  const { region, target } = api.endpoint;
  const known = await api.send<Regions>(ec2.describeRegions()).catch((error: unknown) => {
    if (error instanceof UserError) throw error;
    throw new UserError(`${target} has no EC2 in region ${region ?? "(the profile's region)"}: ${(error as Error).message.split('\n')[0]}`, 'check aws.region in kiln.yaml, or AWS_REGION; us-east-1 is the usual default', { cause: error });
  });
  const names = (known.Regions ?? []).map((entry) => entry.RegionName).filter((name): name is string => Boolean(name));
  if (region && names.length > 0 && !names.includes(region)) {
    throw new UserError(`${target} has no region ${region}`, `use one of: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
  }
}
