import type { InputFile } from './inputs.js';
import { sha256Text } from './inputs.js';

/**
 * A layer's identity: sha256 over its parent's digest, its rendered scripts and its input files.
 * Anything not listed here (machine paths, timestamps, the project name) must not change it.
 */
export function layerDigest(parent: string, scripts: readonly string[], inputs: readonly InputFile[]): string {
  const lines = [
    'kiln-layer/v1',
    `parent ${parent}`,
    ...scripts.map((script) => `script ${sha256Text(script)}`),
    ...inputs.map((input) => `input ${input.dest} ${input.mode.toString(8)} ${input.sha256}`),
  ];
  return `sha256:${sha256Text(lines.join('\n'))}`;
}

/** The digest of a whole recipe: its layers in order. */
export function recipeDigest(layers: readonly { name: string; digest: string }[]): string {
  return `sha256:${sha256Text(['kiln-recipe/v1', ...layers.map((layer) => `${layer.name} ${layer.digest}`)].join('\n'))}`;
}

/** The digest hex without its algorithm, shortened for tags and names. */
export function shortDigest(digest: string, length = 12): string {
  return digest.replace(/^sha256:/, '').slice(0, length);
}
