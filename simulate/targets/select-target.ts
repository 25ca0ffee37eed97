import type { Project } from '../../bake/config/project.js';
import { connectDocker } from '../../bake/docker/connect.js';
import { UserError } from '../../bake/errors.js';
import { awsTarget } from '../aws/aws-target.js';
import type { Journal } from '../journal/journal.js';
import type { TargetName } from '../journal/record.js';
import { ensureNetwork } from '../local/network.js';
import { localTarget } from './local-target.js';
import type { Target } from './target.js';

export const TARGETS: readonly TargetName[] = ['local', 'moto', 'localstack', 'aws'];

/**
 * The one place that decides where a release runs. An environment keeps the target it was first used
 * with, so `kiln rollback --env moto` needs no --target.
 */
export async function selectTarget(project: Project, journal: Journal, requested?: TargetName): Promise<Target> {
  const state = await journal.state();
  if (requested && !TARGETS.includes(requested)) throw new UserError(`unknown target ${JSON.stringify(requested)}`, `use one of: ${TARGETS.join(', ')}`);
  if (requested && state.target && state.target !== requested) {
    throw new UserError(`environment ${journal.env} runs on ${state.target}, not ${requested}`, `use --env to name another environment for ${requested}`);
  }
  const name = requested ?? state.target ?? 'local';
  const target = name === 'local' ? localTarget(await connectDocker(), journal, project, await ensureNetwork(await connectDocker(), project.project, journal.env)) : await awsTarget(project, journal, name);
  // Remembered only once the target answered, so a failed first attempt leaves no journal behind.
  if (!state.target) await journal.saveSection('target', name);
  return target;
}
