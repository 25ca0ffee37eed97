import type Docker from 'dockerode';
import type { Project } from '../config/project.js';
import { phase, secondsSince, type Emit } from '../events.js';
import { gitState, type GitState } from '../git.js';
import { runProjectCommand } from '../project-command.js';
import { chainRecipe, renderLayers } from '../recipe/recipe.js';
import { join } from 'node:path';
import { resolveBase, type ResolvedBase } from './base-image.js';
import { appDependencies } from '../bom/app-dependencies.js';
import { appFiles, bomDigest, type Bom } from '../bom/bom.js';
import { installedPackages } from '../bom/installed-packages.js';
import { shortDigest } from '../recipe/digest.js';
import type { Recipe } from '../recipe/recipe.js';
import { writeJsonAtomic } from '../state/atomic-write.js';
import { LABEL } from './labels.js';
import { resolveSecrets } from '../secrets/resolve.js';
import { bakeLayer } from './bake-layer.js';
import { connectDocker } from './connect.js';
import { removeStaleHelpers } from './stale-containers.js';
import { imageLabels, tagFinalImage } from './final-image.js';

export interface BakeOptions {
  emit: Emit;
  /** Run app.build first (default true). */
  build?: boolean;
  signal?: AbortSignal;
  docker?: Docker;
  /** Provenance to label the image with, when the project dir is an export rather than a checkout. */
  git?: GitState;
  /** Where kiln keeps state such as BOMs (default: the project's .kiln/; a release bakes an export but keeps state in the real project). */
  stateDir?: string;
}

/** What a bake produced; `--json` prints exactly this. */
export interface BakeResult {
  image: string;
  imageId: string;
  recipeDigest: string;
  base: { source: 'image' | 'bootstrap'; ref: string; description: string; how: string; digest: string };
  layers: { name: string; digest: string; cached: boolean; seconds: number }[];
  labels: Record<string, string>;
  /** What went into the image; also written to .kiln/bom/<digest>.json and labelled kiln.bom.digest. */
  bom: Bom;
  bomDigest: string;
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
  const stale = await removeStaleHelpers(docker);
  if (stale) emit({ type: 'notice', level: 'info', message: `removed ${stale} helper container(s) an interrupted kiln left behind` });
  const base = await phase(emit, 'base', () => resolveBase(docker, project.os, emit), (found) => `${found.description} (${found.how})`);
  const recipe = chainRecipe(base.digest, rendered);
  const secrets = resolveSecrets(project, { required: false });
  const bomDir = join(options.stateDir ?? join(project.dir, '.kiln'), 'bom');
  const labels = imageLabels(project.project, recipe, base, options.git ?? (await gitState(project.dir)));
  const layers: BakeResult['layers'] = [];
  let parentRef = base.ref;
  let packages: Bom['packages'] = [];
  let bom: Bom | undefined;
  for (const [index, layer] of recipe.layers.entries()) {
    const top = index === recipe.layers.length - 1;
    if (top) {
      // The bill of materials is known before the top layer is committed, so the image can carry its digest.
      bom = billOfMaterials(project, recipe, base, packages);
      labels[LABEL.bom] = bomDigest(bom);
    }
    const result = await bakeLayer(docker, layer, parentRef, emit, { signal, imageLabels: top ? labels : {}, secrets, network: layer.name !== 'app' || project.app.network });
    if (layer.name === 'packages') packages = await installedPackages(docker, result.ref, layer.digest, bomDir);
    layers.push({ name: layer.name, digest: layer.digest, cached: result.cached, seconds: result.seconds });
    parentRef = result.ref;
  }
  const image = await phase(emit, 'label', () => tagFinalImage(docker, project.project, recipe, parentRef, labels), (made) => made.ref);
  await writeJsonAtomic(join(bomDir, `${shortDigest(labels[LABEL.bom]!, 64)}.json`), bom);
  return {
    image: image.ref,
    imageId: image.id,
    recipeDigest: recipe.digest,
    base: { source: base.source, ref: base.ref, description: base.description, how: base.how, digest: base.digest },
    layers,
    labels,
    bom: bom!,
    bomDigest: labels[LABEL.bom]!,
    seconds: secondsSince(started),
  };
}

function billOfMaterials(project: Project, recipe: Recipe, base: ResolvedBase, packages: Bom['packages']): Bom {
  const app = recipe.layers.find((layer) => layer.name === 'app')!;
  return {
    schema: 1,
    recipeDigest: recipe.digest,
    base: { description: base.description, digest: base.digest },
    layers: recipe.layers.map((layer) => ({ name: layer.name, digest: layer.digest })),
    packages,
    app: { files: appFiles(app.inputs), dependencies: appDependencies([join(project.dir, project.app.artifact), project.dir]) },
  };
}
