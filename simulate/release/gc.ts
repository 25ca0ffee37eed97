import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import type { Journal } from '../journal/journal.js';
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
  const state = await journal.state();
  const releases = (await journal.list()).filter((record) => record.image);
  const kept = new Set([...releases.slice(-keep).map((record) => record.id), ...(state.live ? [state.live] : []), ...state.standby]);
  const keptImages = new Set(releases.filter((record) => kept.has(record.id)).map((record) => record.image!.id));
  const result: GcResult = { kept: [...kept], removed: [], skipped: [] };
  const seen = new Set<string>();
  for (const record of releases) {
    const image = record.image!;
    // Releases of an unchanged recipe share one image: it goes once, and only if no kept release uses it.
    if (kept.has(record.id) || keptImages.has(image.id) || seen.has(image.id)) continue;
    seen.add(image.id);
    if (!(await target.imageExists(image.id))) continue;
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
