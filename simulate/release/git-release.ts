import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { ExternalError, UserError } from '../../bake/errors.js';
import { run } from '../../bake/process/run.js';

/** Fill a tag pattern: {project}, {n} and {date}. */
export function tagName(pattern: string, project: string, n: number, now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  return pattern.replaceAll('{project}', project).replaceAll('{n}', String(n)).replaceAll('{date}', date);
}

/** Refuse tag names git would refuse, before anything is created. */
export async function checkTagName(dir: string, name: string): Promise<void> {
  const result = await run('git', ['check-ref-format', `refs/tags/${name}`], { cwd: dir });
  if (result.exitCode !== 0) throw new UserError(`release tag ${JSON.stringify(name)} is not a valid git tag name`, 'fix release.tag in kiln.yaml');
}

/** The commit a tag points at, if the tag exists. */
export async function tagCommit(dir: string, name: string): Promise<string | undefined> {
  const result = await run('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`], { cwd: dir });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function createTag(dir: string, name: string, commit: string, message: string): Promise<void> {
  const result = await run('git', ['tag', '-a', name, '-m', message, commit], { cwd: dir });
  if (result.exitCode !== 0) throw new ExternalError(`git tag ${name} failed: ${result.stderr.trim()}`, `git tag -a ${name}`);
}

/** Files git reports as changed under `dir`. */
export async function dirtyFiles(dir: string): Promise<string[]> {
  const result = await run('git', ['status', '--porcelain', '--', '.'], { cwd: dir });
  return result.stdout.split('\n').filter(Boolean);
}

/** Export the project directory as it is in `tag` into `target`: a clean tree, never the working copy. */
export async function exportTag(dir: string, tag: string, target: string): Promise<void> {
  const prefix = (await run('git', ['rev-parse', '--show-prefix'], { cwd: dir })).stdout.trim().replace(/\/$/, '');
  // From a subdirectory, git archive would also filter by it; run it at the top, with the subtree as the tree-ish.
  const top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim();
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const treeish = prefix ? `${tag}:${prefix}` : `${tag}^{tree}`;
  const archive = spawn('git', ['archive', '--format=tar', treeish], { cwd: top, stdio: ['ignore', 'pipe', 'pipe'] });
  const extract = spawn('tar', ['-x', '-C', target], { stdio: ['pipe', 'ignore', 'pipe'] });
  archive.stdout.pipe(extract.stdin);
  const errors: string[] = [];
  archive.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  extract.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const [archived, extracted] = await Promise.all([archive, extract].map((child) => new Promise<number | null>((done) => child.on('close', done))));
  if (archived !== 0 || extracted !== 0) throw new ExternalError(`exporting ${treeish} failed: ${errors.join('').trim()}`, `git archive ${treeish} | tar -x`);
}
