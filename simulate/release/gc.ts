import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { Journal } from '../journal/journal.js';
import { takeLock } from '../journal/lock.js';
import { openEnvironment } from './environment.js';
import type { Target } from '../targets/target.js';

export interface GcResult {
  kept: string[];
  removed: { release: string; image: string }[];
  skipped: { release: string; image: string; why: string }[];
}

/**
 * Remove the images of releases older than the newest `keep` (Docker images locally, AMIs on the aws
 * targets); the live and standby ones always stay.
 */
export async function gc(project: Project, options: { env: string; keep?: number; dryRun?: boolean }): Promise<GcResult> {
  const { journal, target } = await openEnvironment(project, options.env);
  const unlock = await takeLock(journal.lockFile, 'gc');
  try {
    return await collect(project, journal, target, options);
  } finally {
    await unlock();
  }
}

async function collect(project: Project, journal: Journal, target: Target, options: { keep?: number; dryRun?: boolean }): Promise<GcResult> {
  const keep = options.keep ?? project.release.keep;
  const releases = (await journal.list()).filter((record) => record.image);
  const kept = await keptReleases(journal, keep);
  const keptImages = new Set(releases.filter((record) => kept.has(record.id)).map((record) => record.image!.id));
  // An unchanged recipe gives every environment the same image (one AMI per account): another environment's keep protects it.
  const elsewhere = await imagesKeptElsewhere(project, journal.env);
  const result: GcResult = { kept: [...kept], removed: [], skipped: [] };
  const seen = new Set<string>();
  for (const record of releases) {
    const image = record.image!;
    // Releases of an unchanged recipe share one image: it goes once, and only if no kept release uses it.
    if (kept.has(record.id) || keptImages.has(image.id) || seen.has(image.id)) continue;
    seen.add(image.id);
    if (!(await target.imageExists(image.id))) continue;
    const keeper = elsewhere.get(image.id);
    if (keeper) {
      result.skipped.push({ release: record.id, image: image.ref, why: `environment ${keeper} keeps it` });
      continue;
    }
    if (options.dryRun) {
      result.removed.push({ release: record.id, image: image.ref });
      continue;
    }
    try {
      await target.removeImage(image.id);
      result.removed.push({ release: record.id, image: image.ref });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      result.skipped.push({ release: record.id, image: image.ref, why: error.message });
    }
  }
  return result;
}

/** The releases an environment keeps: its newest `keep`, its live one and its standbys. */
async function keptReleases(journal: Journal, keep: number): Promise<Set<string>> {
  const state = await journal.state();
  const releases = (await journal.list()).filter((record) => record.image);
  return new Set([...releases.slice(-keep).map((record) => record.id), ...(state.live ? [state.live] : []), ...state.standby]);
}

/** Image id → the other environment of this project that keeps it. */
async function imagesKeptElsewhere(project: Project, env: string): Promise<Map<string, string>> {
  const keepers = new Map<string, string>();
  for (const other of (await Journal.environments(project.dir)).filter((name) => name !== env)) {
    const journal = new Journal(project.dir, other, project.project);
    const kept = await keptReleases(journal, project.release.keep);
    for (const record of await journal.list()) if (record.image && kept.has(record.id)) keepers.set(record.image.id, other);
  }
  return keepers;
}
