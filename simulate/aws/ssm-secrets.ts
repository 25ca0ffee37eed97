import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { registerSecret } from '../../bake/secrets/redact.js';
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

/** The lines an EC2 instance's user-data runs to read its secrets from SSM at boot, into a tmpfs (needs the AWS CLI and an instance role). */
export function ssmSecretsAtBoot(project: string, env: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return [
    'mkdir -p /run/kiln/secrets && mount -t tmpfs -o size=1m,mode=0700 tmpfs /run/kiln/secrets',
    ...names.map((name) => `aws ssm get-parameter --with-decryption --name ${ssmSecretName(project, env, name)} --query Parameter.Value --output text > /run/kiln/secrets/${name} && chmod 0400 /run/kiln/secrets/${name}`),
  ];
}
