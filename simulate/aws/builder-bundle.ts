import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { packTar, type TarEntry } from '../../bake/docker/tar.js';
import type { RenderedLayer } from '../../bake/recipe/recipe.js';

// Fixed timestamps, so the same recipe gives the same bundle bytes (and the same S3 key).
const EPOCH = new Date(0);

/** The AMI builder's whole job as one gzipped tar, with its sha256. */
export interface BuilderBundle {
  archive: Buffer;
  sha256: string;
}

/** The script file names, in run order: a numeric prefix keeps os before packages before app. */
export function scriptNames(layers: readonly RenderedLayer[]): { name: string; text: string }[] {
  let n = 0;
  return layers.flatMap((layer) => layer.scripts.map((script, index) => ({ name: `${String(++n).padStart(2, '0')}-${layer.name}-${index + 1}.sh`, text: script.text })));
}

/** scripts/ holds the same rendered layer scripts the Docker bake runs; inputs/ is laid out as under $KILN_INPUTS there. */
export async function builderBundle(layers: readonly RenderedLayer[]): Promise<BuilderBundle> {
  const scripts = scriptNames(layers).map(({ name, text }): TarEntry => ({ name: `scripts/${name}`, mode: 0o755, content: text, mtime: EPOCH }));
  const inputs = layers.flatMap((layer) => layer.inputs.map((input): TarEntry => (input.linkTarget !== undefined
    ? { name: `inputs/${input.dest}`, link: input.linkTarget, mtime: EPOCH }
    : { name: `inputs/${input.dest}`, mode: input.mode, file: input.source, size: input.size, mtime: EPOCH })));
  const chunks: Buffer[] = [];
  for await (const chunk of packTar([...scripts, ...inputs]).pipe(createGzip({ level: 9 }))) chunks.push(chunk as Buffer);
  const archive = Buffer.concat(chunks);
  return { archive, sha256: createHash('sha256').update(archive).digest('hex') };
}
