import type { InputFile } from '../recipe/inputs.js';
import { sha256Text } from '../recipe/inputs.js';

/** A bill of materials: everything that went into an image, enough to say what changed between two. */
export interface Bom {
  schema: 1;
  recipeDigest: string;
  base: { description: string; digest: string };
  layers: { name: string; digest: string }[];
  /** Debian packages installed in the image, from dpkg-query. */
  packages: { name: string; version: string }[];
  app: {
    /** The artifact's files with their hashes (the app layer's inputs). */
    files: { path: string; sha256: string }[];
    /** The app's own dependency tree, when its artifact or project has an npm lockfile. */
    dependencies: { name: string; version: string }[];
  };
}

export function appFiles(inputs: readonly InputFile[]): Bom['app']['files'] {
  return inputs.map((input) => ({ path: input.dest.replace(/^artifact\//, ''), sha256: input.sha256 }));
}

/** The BOM's own digest, over a canonical rendering; images carry it as a label. */
export function bomDigest(bom: Bom): string {
  return `sha256:${sha256Text(JSON.stringify(bom))}`;
}

/** Parse `dpkg-query -W -f='${Package}\t${Version}\n'` output, sorted by name. */
export function parseDpkgList(text: string): Bom['packages'] {
  return text.split('\n').filter((line) => line.includes('\t')).map((line) => {
    const [name, version] = line.split('\t');
    return { name: name!.trim(), version: version!.trim() };
  }).sort((a, b) => a.name.localeCompare(b.name));
}
