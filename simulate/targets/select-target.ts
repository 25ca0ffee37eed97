import type { Project } from '../../bake/config/project.js';
import { connectDocker } from '../../bake/docker/connect.js';
import type { Journal } from '../journal/journal.js';
import { ensureNetwork } from '../local/network.js';
import { localTarget } from './local-target.js';
import type { Target } from './target.js';

/** The one place that decides where a release runs. Only the local Docker engine exists so far. */
export async function selectTarget(project: Project, journal: Journal): Promise<Target> {
  const docker = await connectDocker();
  const network = await ensureNetwork(docker, project.project, journal.env);
  return localTarget(docker, journal, project, network);
}
