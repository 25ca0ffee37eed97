import type Docker from 'dockerode';
import type { Project } from '../../bake/config/project.js';
import { takeLock } from '../journal/lock.js';
import { LABEL } from '../../bake/docker/labels.js';
import { connectDocker } from '../../bake/docker/connect.js';
import { Journal } from '../journal/journal.js';
import { teardownAws, type AwsTeardown } from '../aws/aws-teardown.js';
import { terminateInstance } from '../local/instances.js';
import { INSTANCE_LABEL, localNames } from '../local/names.js';

export interface DestroyResult {
  containers: string[];
  network: boolean;
  /** On the aws targets: what was terminated or deleted there. */
  aws?: AwsTeardown;
}

/** Remove everything kiln created for an environment (found by label or tag): instances, load balancer, network. The journal stays. */
export async function destroyEnvironment(project: Project, env: string): Promise<DestroyResult> {
  const docker = await connectDocker();
  const journal = new Journal(project.dir, env, project.project);
  await journal.prepare();
  // Destroying under a running release would leave its journal describing containers that are gone.
  const unlock = await takeLock(journal.lockFile, 'destroy', { takeOver: true });
  try {
    return await removeAll(docker, project, env, journal);
  } finally {
    await unlock();
  }
}

async function removeAll(docker: Docker, project: Project, env: string, journal: Journal): Promise<DestroyResult> {
  const before = await journal.state();
  const aws = before.target && before.target !== 'local' ? await teardownAws(project, env, before.target, before.aws) : undefined;
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`, `${LABEL.project}=${project.project}`, `${INSTANCE_LABEL.env}=${env}`] } });
  const containers = found.map((container) => container.Names[0]!.replace(/^\//, ''));
  await Promise.all(containers.map((name) => terminateInstance(docker, name, 0)));
  const name = localNames.network(project.project, env);
  const network = (await docker.listNetworks({ filters: { name: [name] } })).some((entry) => entry.Name === name);
  if (network) await docker.getNetwork(name).remove();
  const state = await journal.state();
  if (state.live || state.lb || state.aws) {
    await journal.saveState({ ...state, live: null, standby: [], lb: null, aws: undefined, events: [...state.events, { at: new Date().toISOString(), kind: 'abort', release: state.live ?? '-', detail: 'environment destroyed' }] });
  }
  return { containers, network, ...(aws ? { aws } : {}) };
}
