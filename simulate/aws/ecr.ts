import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { registerSecret } from '../../bake/secrets/redact.js';
import type { RegistryRef } from '../../bake/push/registry-ref.js';
import { AwsApi } from './api.js';
import { ecr } from './requests.js';
import { endpointFor, type AwsTargetName } from './endpoint.js';

/** ECR as a push destination: where docker sends the layers, with what credentials, and what to do after. */
export interface EcrDestination {
  registry: RegistryRef;
  auth: Record<string, string>;
  repositoryName: string;
  /** On an emulator: copy the pushed manifest into its ECR, so its DescribeImages knows the digest. */
  afterPush(repository: string, tags: string[], digest: string): Promise<void>;
}

// An emulator's ECR has a control plane only; kiln's local registry plays its data plane, as HAProxy plays the ALB.
const LOCAL_REGISTRY = '127.0.0.1:5000';

/**
 * Make sure `kiln/<project>` exists in ECR (creating it when missing) and log in with GetAuthorizationToken.
 * Requests go through the same AwsApi as every other AWS call.
 */
export async function ecrDestination(project: Project, target: AwsTargetName): Promise<EcrDestination> {
  const api = new AwsApi(endpointFor(project, target));
  const repositoryName = `kiln/${project.project}`;
  await api.send(ecr.describeRepository(repositoryName)).catch(async (error: unknown) => {
    if (!/RepositoryNotFound/.test((error as Error).message)) throw error;
    await api.send(ecr.createRepository(repositoryName));
  });
  const token = await api.send<{ authorizationData?: { authorizationToken?: string; proxyEndpoint?: string }[] }>(ecr.authorizationToken());
  const data = token.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new UserError(`${target}'s ECR gave no authorization token`);
  const [username, password] = Buffer.from(data.authorizationToken, 'base64').toString().split(':') as [string, string];
  registerSecret(password);
  if (!api.endpoint.emulated) {
    return { registry: { host: new URL(data.proxyEndpoint).host, path: '' }, auth: { username, password, serveraddress: data.proxyEndpoint }, repositoryName, afterPush: async () => {} };
  }
  return {
    registry: { host: LOCAL_REGISTRY, path: 'ecr' },
    auth: {},
    repositoryName,
    async afterPush(repository, tags, digest) {
      const path = repository.slice(LOCAL_REGISTRY.length + 1);
      for (const tag of tags) {
        const response = await fetch(`http://${LOCAL_REGISTRY}/v2/${path}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
        if (!response.ok) throw new UserError(`the local registry has no manifest for ${repository}:${tag} (HTTP ${response.status})`);
        await api.send(ecr.putImage(repositoryName, await response.text(), tag, digest));
      }
    },
  };
}
