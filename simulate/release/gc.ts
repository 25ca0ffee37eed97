import type { Project } from '../../bake/config/project.js';
import { REPO } from '../../bake/docker/labels.js';
import type Docker from 'dockerode';
import type { Journal } from '../journal/journal.js';
import { takeLock } from '../journal/lock.js';
import { openEnvironment } from './environment.js';
import { connectDocker } from '../../bake/docker/connect.js';

export interface GcResult {
  kept: string[];
  removed: { release: string; image: string }[];
  skipped: { release: string; image: string; why: string }[];
}

/** Remove the images of releases older than the newest `keep`; the live and standby ones always stay. */
export async function gc(project: Project, options: { env: string; keep?: number; dryRun?: boolean }): Promise<GcResult> {
  const { journal } = await openEnvironment(project, options.env);
  const docker = await connectDocker(); // release images live in the local engine's image store
  const unlock = await takeLock(journal.lockFile, 'gc');
  try {
    return await collect(project, journal, docker, options);
  } finally {
    await unlock();
  }
}

async function collect(project: Project, journal: Journal, docker: Docker, options: { keep?: number; dryRun?: boolean }): Promise<GcResult> {
  const keep = options.keep ?? project.release.keep;
  const state = await journal.state();
  const releases = (await journal.list()).filter((record) => record.image);
  const kept = new Set([...releases.slice(-keep).map((record) => record.id), ...(state.live ? [state.live] : []), ...state.standby]);
  const keptImages = new Set(releases.filter((record) => kept.has(record.id)).map((record) => record.image!.id));
  const result: GcResult = { kept: [...kept], removed: [], skipped: [] };
  for (const record of releases) {
    if (kept.has(record.id) || keptImages.has(record.image!.id)) continue;
    const image = record.image!;
    if (!(await docker.getImage(image.id).inspect().catch(() => undefined))) continue;
    if (options.dryRun) {
      result.removed.push({ release: record.id, image: image.ref });
      continue;
    }
    // Untag every name the image carries (release tag, recipe tag, its layer-cache tag); the last untag deletes it.
    const tags = (await docker.getImage(image.id).inspect()).RepoTags ?? [];
    if (tags.includes(`${REPO.image(project.project)}:latest`)) {
      result.skipped.push({ release: record.id, image: image.ref, why: 'it is the latest bake' });
      continue;
    }
    try {
      for (const tag of tags) await docker.getImage(tag).remove();
      result.removed.push({ release: record.id, image: image.ref });
    } catch (error) {
      result.skipped.push({ release: record.id, image: image.ref, why: (error as Error).message.replace(/^\(HTTP code \d+\)\s*/, '') });
    }
  }
  return result;
}
