import type { Project } from '../../bake/config/project.js';
import { Journal } from '../journal/journal.js';
import { readLock, processAlive } from '../journal/lock.js';
import type { Outcome } from '../journal/record.js';
import { openEnvironment } from './environment.js';

export interface EnvironmentStatus {
  env: string;
  live: string | null;
  url: string | null;
  /** The release the load balancer actually sends traffic to, as HAProxy reports it. */
  serving: string | null;
  standby: string[];
  instances: { instanceId: string; role: string; release: string; running: boolean; healthy: boolean | null }[];
  inProgress: { release: string; pid: number; alive: boolean } | null;
}

/** Ask the journal and the engine what an environment looks like right now. */
export async function environmentStatus(project: Project, env: string): Promise<EnvironmentStatus> {
  const environment = await openEnvironment(project, env);
  const { journal, target } = environment;
  const { lb } = target;
  const state = await journal.state();
  const health = state.lb ? await lb.health().catch(() => new Map<string, boolean>()) : new Map<string, boolean>();
  const serving = state.lb ? await lb.serving().catch(() => undefined) : undefined;
  const releases = [state.live, ...state.standby].filter((id): id is string => Boolean(id));
  const instances = [];
  for (const id of releases) {
    const record = await journal.load(id);
    for (const instance of record.instances.filter((candidate) => candidate.state === 'running')) {
      instances.push({ instanceId: instance.instanceId, role: instance.role, release: id, running: await target.running(instance.container), healthy: health.get(instance.instanceId) ?? null });
    }
  }
  const lock = await readLock(journal.lockFile);
  return {
    env, live: state.live, url: state.lb?.url ?? null, serving: serving ?? null, standby: state.standby, instances,
    inProgress: lock ? { release: lock.release, pid: lock.pid, alive: processAlive(lock.pid) } : null,
  };
}

export interface HistoryEntry {
  release: string;
  outcome: Outcome;
  live: boolean;
  commit: string;
  recipeDigest: string | null;
  image: string | null;
  startedAt: string;
  seconds: number;
  error: string | null;
}

/** Every release of an environment, oldest first; `live` marks the one serving now. Needs no Docker. */
export async function releaseHistory(project: Project, env: string): Promise<HistoryEntry[]> {
  const journal = new Journal(project.dir, env, project.project);
  const live = (await journal.state()).live;
  return (await journal.list()).map((record) => ({
    release: record.id, outcome: record.outcome, live: record.id === live, commit: record.commit, recipeDigest: record.recipeDigest ?? null,
    image: record.image?.ref ?? null, startedAt: record.startedAt, seconds: Math.round(record.steps.reduce((sum, step) => sum + (step.seconds ?? 0), 0) * 100) / 100, error: record.error ?? null,
  }));
}
