/** Every label kiln writes. Anything kiln creates carries `kiln.managed` so it can be found again. */
export const LABEL = {
  managed: 'kiln.managed',
  purpose: 'kiln.purpose',
  project: 'kiln.project',
  recipe: 'kiln.recipe.digest',
  layer: 'kiln.layer',
  layerDigest: (name: string) => `kiln.layer.${name}.digest`,
  commit: 'kiln.git.commit',
  dirty: 'kiln.git.dirty',
  version: 'kiln.version',
  osSource: 'kiln.os.source',
  baseDigest: 'kiln.base.digest',
  releaseTag: 'kiln.release.tag',
  bom: 'kiln.bom.digest',
} as const;

/** Repositories kiln tags into. Layer images are shared between projects: their digests say what they hold. */
export const REPO = {
  base: 'kiln-base/debootstrap',
  layer: (name: string) => `kiln-cache/${name}`,
  image: (project: string) => `kiln/${project}`,
} as const;
