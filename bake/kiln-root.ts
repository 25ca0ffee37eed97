import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** kiln's install directory; found by walking up so it works from source (tests) and from dist/. */
export const KILN_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kiln') {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`kiln's package.json not found above ${start}`);
  }
}

/** kiln's own version; it is stamped into every image. */
export const KILN_VERSION: string = (
  JSON.parse(readFileSync(join(KILN_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** Where the shipped templates live. */
export const SHIPPED_TEMPLATES = join(KILN_ROOT, 'templates');
