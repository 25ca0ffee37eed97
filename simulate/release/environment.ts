import { existsSync } from 'node:fs';
import { loadProject } from '../../bake/config/load.js';
import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import type { Emit } from '../../bake/events.js';
import { Journal } from '../journal/journal.js';
import type { ReleaseRecord } from '../journal/record.js';
import { selectTarget } from '../targets/select-target.js';
import type { Target } from '../targets/target.js';
import type { TargetName } from '../journal/record.js';
import type { Decision, ReleaseContext } from './context.js';
import type { Fault } from './faults.js';

/** The pieces every release-time command needs for one environment. */
export interface Environment {
  project: Project;
  env: string;
  journal: Journal;
  target: Target;
}

export async function openEnvironment(project: Project, env: string, target?: TargetName): Promise<Environment> {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(env)) throw new UserError(`environment name ${JSON.stringify(env)} is not valid`, 'use lowercase letters, digits and dashes, e.g. local or staging');
  const journal = new Journal(project.dir, env, project.project);
  await journal.prepare();
  return { project, env, journal, target: await selectTarget(project, journal, target) };
}

export interface ContextOptions {
  emit: Emit;
  signal: AbortSignal;
  decide?: (decision: Decision) => Promise<boolean>;
}

/** A step context around a journal record; `save` persists the record after every change a step makes. */
export function releaseContext(environment: Environment, record: ReleaseRecord, options: ContextOptions): ReleaseContext {
  let built: Project | undefined;
  let secrets: Promise<ReadonlyMap<string, string>> | undefined;
  return {
    ...environment,
    record,
    emit: options.emit,
    signal: options.signal,
    faults: record.faults as Fault[],
    keepOld: record.keepOld,
    decide: options.decide ?? (async () => true),
    save: () => environment.journal.save(record),
    secretValues: () => (secrets ??= environment.target.secretValues(environment.project)),
    async built() {
      if (built) return built;
      if (!record.workdir || !existsSync(record.workdir)) throw new UserError(`the build export of ${record.id} is gone`, 'abort this release (kiln release --abort) and release again');
      built = await loadProject(record.workdir);
      return built;
    },
  };
}
