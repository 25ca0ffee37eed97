import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import type { Project } from '../config/project.js';
import { LABEL, REPO } from '../docker/labels.js';
import { UserError } from '../errors.js';
import { Journal } from '../../simulate/journal/journal.js';

/** What `kiln push [release|image]` named, resolved to one local image and what it was baked from. */
export interface PushTarget {
  kind: 'release' | 'image';
  /** The release id or image reference as given (or the default, the project's latest bake). */
  name: string;
  /** A local reference to the image, for messages and `kiln verify`. */
  ref: string;
  imageId: string;
  /** The local repository the image lives in, e.g. kiln/hello; the pushed repository ends with it. */
  repository: string;
  recipeDigest: string;
  releaseTag?: string;
  release?: { env: string; id: string };
  /** The image's layers (diff ids, base first), to name what a push uploads. */
  diffIds: string[];
  labels: Record<string, string>;
}

const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A release id in the environment's journal wins over an image of the same name; no name means the latest bake. */
export async function resolvePushTarget(docker: Docker, project: Project, env: string, name: string | undefined): Promise<PushTarget> {
  const journal = new Journal(project.dir, env, project.project);
  if (name !== undefined && RELEASE_ID.test(name) && existsSync(journal.releaseFile(name))) {
    const record = await journal.load(name);
    // A running release saves its record as it goes, and would overwrite the push journaled into it.
    if (record.outcome === 'running') throw new UserError(`release ${name} is still running (or was interrupted)`, 'push it once it has finished: kiln status shows it; kiln release --resume or --abort ends an interrupted one');
    if (!record.image) throw new UserError(`release ${name} has no image (it stopped before step 5, image)`, 'kiln history shows how far each release got');
    const image = await inspect(docker, record.image.id, () => new UserError(`the image of release ${name} (${record.image!.ref}) is gone (kiln gc removed it?)`, `release its tag again: git checkout ${record.tag} && kiln release`));
    return fromImage(image, { kind: 'release', name, ref: record.image.ref, releaseTag: record.tag, release: { env, id: record.id } });
  }
  const ref = name ?? `${REPO.image(project.project)}:latest`;
  const image = await inspect(docker, ref, () =>
    new UserError(`no release or image named ${ref}`, name ? `kiln history --env ${env} lists releases; docker images lists images` : 'bake it first: kiln bake'));
  return fromImage(image, { kind: 'image', name: ref, ref });
}

async function inspect(docker: Docker, ref: string, missing: () => UserError): Promise<Docker.ImageInspectInfo> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw Object.assign(missing(), { cause: error });
    throw error;
  }
}

function fromImage(image: Docker.ImageInspectInfo, named: Pick<PushTarget, 'kind' | 'name' | 'ref' | 'releaseTag' | 'release'>): PushTarget {
  const labels = image.Config.Labels ?? {};
  const recipeDigest = labels[LABEL.recipe];
  const project = labels[LABEL.project];
  if (!recipeDigest || !project) throw new UserError(`${named.ref} is not an image kiln baked (it has no ${LABEL.recipe} label)`, 'kiln pushes only images it baked and verified: kiln bake, then kiln verify');
  return {
    ...named,
    imageId: image.Id,
    repository: REPO.image(project),
    recipeDigest,
    releaseTag: named.releaseTag ?? labels[LABEL.releaseTag],
    diffIds: image.RootFS?.Layers ?? [],
    labels,
  };
}
