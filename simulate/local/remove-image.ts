import type Docker from 'dockerode';
import { REPO } from '../../bake/docker/labels.js';
import { UserError } from '../../bake/errors.js';

/** Untag every name a release image carries (release tag, recipe tag, layer-cache tag); the last untag deletes it. */
export async function removeReleaseImage(docker: Docker, project: string, id: string): Promise<void> {
  const tags = (await docker.getImage(id).inspect()).RepoTags ?? [];
  if (tags.includes(`${REPO.image(project)}:latest`)) throw new UserError('it is the latest bake');
  try {
    for (const tag of tags) await docker.getImage(tag).remove();
  } catch (error) {
    throw new UserError((error as Error).message.replace(/^\(HTTP code \d+\)\s*/, ''), undefined, { cause: error });
  }
}
