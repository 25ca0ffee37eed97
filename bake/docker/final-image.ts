import type Docker from 'dockerode';
import type { GitState } from '../git.js';
import { KILN_VERSION } from '../kiln-root.js';
import { shortDigest } from '../recipe/digest.js';
import type { Recipe } from '../recipe/recipe.js';
import type { ResolvedBase } from './base-image.js';
import { explainDockerError } from './docker-errors.js';
import { LABEL, REPO } from './labels.js';
import { packTar } from './tar.js';

/** The labels that make an image reproducible: what went in, from which commit, by which kiln. */
export function imageLabels(project: string, recipe: Recipe, base: ResolvedBase, git: GitState | undefined): Record<string, string> {
  return {
    [LABEL.managed]: 'true',
    [LABEL.purpose]: 'image',
    [LABEL.project]: project,
    [LABEL.recipe]: recipe.digest,
    ...Object.fromEntries(recipe.layers.map((layer) => [LABEL.layerDigest(layer.name), layer.digest])),
    [LABEL.commit]: git?.commit ?? 'none',
    [LABEL.dirty]: String(git?.dirty ?? false),
    [LABEL.version]: KILN_VERSION,
    [LABEL.osSource]: base.description,
    [LABEL.baseDigest]: base.digest,
    ...(git?.tag ? { [LABEL.releaseTag]: git.tag } : {}),
  };
}

/**
 * Label the top layer as the project's image. The classic builder's LABEL adds no filesystem
 * layer, so a new commit of unchanged code costs a config change, not a rebuild.
 */
export async function tagFinalImage(docker: Docker, project: string, recipe: Recipe, topRef: string, labels: Record<string, string>): Promise<{ ref: string; id: string; reused: boolean }> {
  const ref = `${REPO.image(project)}:${shortDigest(recipe.digest)}`;
  const tagAs = async (id: string) => {
    await docker.getImage(id).tag({ repo: REPO.image(project), tag: ref.slice(ref.lastIndexOf(':') + 1) });
    await docker.getImage(id).tag({ repo: REPO.image(project), tag: 'latest' });
    if (labels[LABEL.releaseTag]) await docker.getImage(id).tag({ repo: REPO.image(project), tag: labels[LABEL.releaseTag] });
  };
  const matches = (image: Docker.ImageInspectInfo | undefined) => image && Object.entries(labels).every(([key, value]) => image.Config.Labels?.[key] === value);
  const top = await docker.getImage(topRef).inspect();
  const previous = await docker.getImage(ref).inspect().catch(() => undefined);
  for (const candidate of [top, previous]) {
    if (candidate && matches(candidate)) {
      await tagAs(candidate.Id);
      return { ref, id: candidate.Id, reused: candidate.Id === previous?.Id };
    }
  }
  try {
    const stream = await docker.buildImage(packTar([{ name: 'Dockerfile', content: `FROM ${topRef}\n` }]), { t: ref, labels, rm: true, forcerm: true });
    await new Promise<void>((done, fail) =>
      docker.modem.followProgress(stream, (error, events: { error?: string }[]) => {
        const failed = error ?? events?.find((event) => event.error)?.error;
        return failed ? fail(failed instanceof Error ? failed : new Error(String(failed))) : done();
      }),
    );
  } catch (error) {
    throw explainDockerError(error, `labelling ${ref}`);
  }
  const image = await docker.getImage(ref).inspect();
  await tagAs(image.Id);
  // The image this tag pointed at before is now untagged; don't leave it dangling.
  if (previous && previous.Id !== image.Id) await docker.getImage(previous.Id).remove({ noprune: false }).catch(() => {});
  return { ref, id: image.Id, reused: false };
}
