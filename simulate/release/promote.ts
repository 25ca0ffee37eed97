import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { Journal } from '../journal/journal.js';
import type { TargetName } from '../journal/record.js';
import type { ContextOptions } from './environment.js';
import { release } from './release.js';
import type { ReleaseSummary } from './summary.js';

export interface PromoteOptions extends ContextOptions {
  /** The rehearsed release, e.g. hello-r3. */
  release: string;
  /** The environment it was rehearsed in (default local). */
  fromEnv: string;
  to: TargetName;
  /** The environment to promote into (default: the target's name). */
  env?: string;
}

/**
 * Ship a rehearsed release: the same tag runs the twelve steps on the target, and step 5 refuses a recipe
 * digest that differs from the rehearsal's, naming the layers and lines. Both journals link to each other.
 */
export async function promote(project: Project, options: PromoteOptions): Promise<ReleaseSummary> {
  const rehearsals = new Journal(project.dir, options.fromEnv, project.project);
  const rehearsal = await rehearsals.load(options.release);
  if (rehearsal.outcome !== 'live') throw new UserError(`${rehearsal.id} ended ${rehearsal.outcome} in ${options.fromEnv}; only a release that went live in rehearsal is promoted`, 'kiln history marks the ones that went live');
  if (!rehearsal.recipeDigest) throw new UserError(`${rehearsal.id} has no recipe digest to hold the promotion to`);
  const env = options.env ?? options.to;
  if (env === options.fromEnv) throw new UserError(`${rehearsal.id} already runs in ${env}`, 'promote into another environment, e.g. --to aws');
  const summary = await release(project, {
    ...options, env, target: options.to,
    promote: { tag: rehearsal.tag, from: { env: options.fromEnv, release: rehearsal.id, recipeDigest: rehearsal.recipeDigest, recipe: rehearsal.recipe } },
  });
  const latest = await rehearsals.load(rehearsal.id);
  latest.promotedTo = [...(latest.promotedTo ?? []), { env, target: options.to, release: summary.release, outcome: summary.outcome, at: new Date().toISOString() }];
  await rehearsals.save(latest);
  return summary;
}
