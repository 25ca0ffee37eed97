import { cp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CONFIG_NAME } from './config/load.js';
import { UserError } from './errors.js';
import { KILN_ROOT } from './kiln-root.js';

const SKIP = new Set(['dist', '.kiln', 'node_modules']);

/** Scaffold a working project from the bundled example, renamed. Refuses to overwrite a kiln.yaml. */
export async function initProject(dir: string, name?: string): Promise<{ dir: string; project: string }> {
  const target = resolve(dir);
  const project = name ?? basename(target).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(project)) {
    throw new UserError(`${JSON.stringify(project)} is not a valid project name`, 'use --name with lowercase letters, digits and dashes, starting with a letter');
  }
  if (existsSync(join(target, CONFIG_NAME))) throw new UserError(`${join(dir, CONFIG_NAME)} already exists`, 'kiln init never overwrites a project; pick an empty directory');
  await cp(join(KILN_ROOT, 'examples', 'hello'), target, { recursive: true, filter: (source) => !SKIP.has(basename(source)) });
  const config = join(target, CONFIG_NAME);
  await writeFile(config, (await readFile(config, 'utf8')).replace(/^project: hello$/m, `project: ${project}`));
  return { dir: target, project };
}
