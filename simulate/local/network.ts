import type Docker from 'dockerode';
import { LABEL } from '../../bake/docker/labels.js';
import { explainDockerError } from '../../bake/docker/docker-errors.js';
import { INSTANCE_LABEL, localNames } from './names.js';

/** The environment's own bridge network: instances and the load balancer meet there, nothing else does. */
export async function ensureNetwork(docker: Docker, project: string, env: string): Promise<string> {
  const name = localNames.network(project, env);
  const found = await docker.listNetworks({ filters: { name: [name] } });
  if (found.some((network) => network.Name === name)) return name;
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [LABEL.managed]: 'true', [LABEL.purpose]: 'network', [LABEL.project]: project, [INSTANCE_LABEL.env]: env } });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) throw explainDockerError(error, `creating network ${name}`);
  }
  return name;
}
