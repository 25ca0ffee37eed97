import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { registerSecret } from '../../bake/secrets/redact.js';
import { shellQuote } from '../../bake/template/shell-quote.js';
import { AwsApi } from './api.js';
import { ssm } from './requests.js';

/** Where a secret lives on the aws targets: one SecureString parameter per project, environment and name. */
export function ssmSecretName(project: string, env: string, name: string): string {
  return `/kiln/${project}/${env}/${name}`;
}

/** Read every declared secret from SSM (decrypted), registering each value for redaction. */
export async function ssmSecrets(api: AwsApi, project: Project, env: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const name of project.secrets) {
    const parameter = ssmSecretName(project.project, env, name);
    const found = await api.send<{ Parameter?: { Value?: string } }>(ssm.getSecureParameter(parameter)).catch((error: unknown) => {
      if (/ParameterNotFound/.test((error as Error).message)) return { Parameter: undefined };
      throw error;
    });
    const value = found.Parameter?.Value;
    if (!value) throw new UserError(`secret ${name} has no value in SSM parameter ${parameter}`, `aws ssm put-parameter --type SecureString --name ${parameter} --value …`);
    registerSecret(value);
    values.set(name, value);
  }
  return values;
}

/**
 * The lines an EC2 instance's user-data runs to read its secrets from SSM at boot, into a tmpfs (needs the
 * AWS CLI and an instance role). Each line ends in `|| exit 1`: under set -e a failure inside an && list
 * would be ignored, and the role must never start without its secrets. The region comes from IMDS,
 * which AWS CLI v1 does not consult.
 */
export function ssmSecretsAtBoot(project: string, env: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const fail = (what: string) => `|| { echo "kiln-boot: ${what}" >&2; exit 1; }`;
  return [
    // A restarted role (systemd) finds the tmpfs mounted already: mount it once.
    `mkdir -p /run/kiln/secrets && { mountpoint -q /run/kiln/secrets || mount -t tmpfs -o size=1m,mode=0700 tmpfs /run/kiln/secrets; } ${fail('could not mount the secrets tmpfs')}`,
    ...names.map((name) => `aws ssm get-parameter --region "$(cat /run/kiln/meta-data/placement/region)" --with-decryption --name ${shellQuote(ssmSecretName(project, env, name))} --query Parameter.Value --output text > /run/kiln/secrets/${name} && chmod 0400 /run/kiln/secrets/${name} ${fail(`could not read secret ${name} from SSM`)}`),
  ];
}
