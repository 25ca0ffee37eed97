import { createHash } from 'node:crypto';
import { createReadStream, realpathSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';

/** One file a layer takes from the project; its hash enters the layer digest. */
export interface InputFile {
  /** Path under the layer's inputs directory, with / separators. */
  dest: string;
  /** Absolute path on this machine; never hashed. */
  source: string;
  mode: number;
  size: number;
  sha256: string;
  /** Set for symbolic links (which must stay inside the project). */
  linkTarget?: string;
}

/** Resolve a project-relative path and refuse anything that leaves the project. */
export function projectPath(projectDir: string, path: string, field: string): string {
  if (isAbsolute(path)) throw new UserError(`${field}: ${JSON.stringify(path)} is absolute`, 'use a path relative to the project directory');
  const full = resolve(projectDir, path);
  if (!isInside(projectDir, full)) throw new UserError(`${field}: ${JSON.stringify(path)} leaves the project directory`, 'inputs must live inside the project');
  return full;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Collect a file or a directory tree (sorted, so digests are stable) under `destPrefix`. */
export async function collectInputs(projectDir: string, path: string, destPrefix: string, field: string): Promise<InputFile[]> {
  const root = realpathSync(projectDir);
  const start = projectPath(projectDir, path, field);
  const info = await lstat(start).catch(() => undefined);
  // A path through a symlinked directory can leave the project even when no component is a link itself.
  if (info && !isInside(root, realpathSync(start))) throw new UserError(`${field}: ${JSON.stringify(path)} resolves outside the project through a symlink`, 'copy the files into the project instead of linking to them');
  if (!info) throw new UserError(`${field}: ${JSON.stringify(path)} does not exist`, field.startsWith('app.') ? 'run the build first (kiln bake runs app.build for you)' : 'check the path');
  const found: InputFile[] = [];
  await walk(root, start, destPrefix, field, found);
  return found;
}

async function walk(root: string, path: string, dest: string, field: string, out: InputFile[]): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) {
    const target = await readlink(path);
    const real = realpathSync(path);
    if (!isInside(root, real)) throw new UserError(`${field}: ${relative(root, path)} is a symlink to ${target}, outside the project`, 'copy the file into the project instead of linking to it');
    out.push({ dest, source: path, mode: 0o777, size: 0, sha256: sha256Text(`symlink:${target}`), linkTarget: target });
  } else if (info.isDirectory()) {
    for (const name of (await readdir(path)).sort()) await walk(root, join(path, name), `${dest}/${name}`, field, out);
  } else if (info.isFile()) {
    out.push({ dest, source: path, mode: info.mode & 0o777, size: info.size, sha256: await sha256File(path) });
  }
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', fail).on('data', (chunk) => hash.update(chunk)).on('end', () => done(hash.digest('hex')));
  });
}
