import type Docker from 'dockerode';
import type { Project } from '../config/project.js';
import { phase, secondsSince, type Emit } from '../events.js';
import { gitState, type GitState } from '../git.js';
import { runProjectCommand } from '../project-command.js';
import { chainRecipe, renderLayers } from '../recipe/recipe.js';
import { resolveBase } from './base-image.js';
import { resolveSecrets } from '../secrets/resolve.js';
import { bakeLayer } from './bake-layer.js';
import { connectDocker } from './connect.js';
import { imageLabels, tagFinalImage } from './final-image.js';

export interface BakeOptions {
  emit: Emit;
  /** Run app.build first (default true). */
  build?: boolean;
  signal?: AbortSignal;
  docker?: Docker;
  /** Provenance to label the image with, when the project dir is an export rather than a checkout. */
  git?: GitState;
}

/** What a bake produced; `--json` prints exactly this. */
export interface BakeResult {
  image: string;
  imageId: string;
  recipeDigest: string;
  base: { source: 'image' | 'bootstrap'; ref: string; description: string; how: string; digest: string };
  layers: { name: string; digest: string; cached: boolean; seconds: number }[];
  labels: Record<string, string>;
  seconds: number;
}

/** Bake the project's recipe into a Docker image, reusing every layer whose digest is unchanged. */
export async function bakeDocker(project: Project, options: BakeOptions): Promise<BakeResult> {
  const { emit, signal } = options;
  const started = performance.now();
  if (options.build !== false && project.app.build) {
    await phase(emit, 'build', () => runProjectCommand(project.app.build!, project.dir, 'app.build', emit, signal));
  }
  const rendered = await phase(emit, 'render', () => renderLayers(project));
  const docker = options.docker ?? (await connectDocker());
  const base = await phase(emit, 'base', () => resolveBase(docker, project.os, emit), (found) => `${found.description} (${found.how})`);
  const recipe = chainRecipe(base.digest, rendered);
  const secrets = resolveSecrets(project, { required: false });
  const labels = imageLabels(project.project, recipe, base, options.git ?? (await gitState(project.dir)));
  const layers: BakeResult['layers'] = [];
  let parentRef = base.ref;
  for (const [index, layer] of recipe.layers.entries()) {
    const top = index === recipe.layers.length - 1;
    const result = await bakeLayer(docker, layer, parentRef, emit, { signal, imageLabels: top ? labels : {}, secrets });
    layers.push({ name: layer.name, digest: layer.digest, cached: result.cached, seconds: result.seconds });
    parentRef = result.ref;
  }
  const image = await phase(emit, 'label', () => tagFinalImage(docker, project.project, recipe, parentRef, labels), (made) => made.ref);
  return {
    image: image.ref,
    imageId: image.id,
    recipeDigest: recipe.digest,
    base: { source: base.source, ref: base.ref, description: base.description, how: base.how, digest: base.digest },
    layers,
    labels,
    seconds: secondsSince(started),
  };
}
