import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bom } from './bom.js';

/** The npm dependency tree from package-lock.json (artifact first, then project), else package.json's declared ranges. */
export function appDependencies(dirs: readonly string[]): Bom['app']['dependencies'] {
  for (const dir of dirs) {
    const lock = join(dir, 'package-lock.json');
    if (existsSync(lock)) {
      const packages = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { version?: string }> }).packages ?? {};
      return Object.entries(packages)
        .filter(([path]) => path.startsWith('node_modules/'))
        .map(([path, info]) => ({ name: path.replace(/^(.*\/)?node_modules\//, ''), version: info.version ?? '?' }))
        .sort((a, b) => a.name.localeCompare(b.name));
    }
  }
  for (const dir of dirs) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const declared = (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
      return Object.entries(declared).map(([name, version]) => ({ name, version })).sort((a, b) => a.name.localeCompare(b.name));
    }
  }
  return [];
}
