import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import Docker from 'dockerode';
import { loadProject } from '../../bake/config/load.js';
import type { Emit, KilnEvent } from '../../bake/events.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const KILN_BIN = join(REPO_ROOT, 'bin', 'kiln.js');
export const docker = new Docker();

/** A copy of the bundled example in a temp dir, committed to a fresh git repo. */
export async function exampleCopy(prefix = 'kiln-it-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(REPO_ROOT, 'examples', 'hello'), dir, { recursive: true, filter: (source) => !['dist', '.kiln', 'node_modules'].includes(basename(source)) });
  await git(dir, 'init', '-q');
  await commitAll(dir, 'initial');
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function git(dir: string, ...args: string[]): Promise<string> {
  const env = { GIT_AUTHOR_NAME: 'kiln test', GIT_AUTHOR_EMAIL: 'test@kiln.invalid', GIT_COMMITTER_NAME: 'kiln test', GIT_COMMITTER_EMAIL: 'test@kiln.invalid' };
  return (await execa('git', args, { cwd: dir, env })).stdout;
}

export async function commitAll(dir: string, message: string): Promise<string> {
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Collects events so tests can assert on what the engine reported. */
export function recorder(): { emit: Emit; events: KilnEvent[] } {
  const events: KilnEvent[] = [];
  return { emit: (event) => events.push(event), events };
}

export const load = (dir: string) => loadProject(dir);

/** Containers and dangling images kiln might leave behind; compared before and after a failure. */
export async function leftovers(): Promise<{ containers: string[]; dangling: string[] }> {
  // Containers inherit image labels, so kiln's own are told apart by the name kiln gives them.
  const containers = (await docker.listContainers({ all: true, filters: { label: ['kiln.managed=true'] } })).filter((container) => container.Names.some((name) => name.startsWith('/kiln-')));
  const dangling = await docker.listImages({ filters: { dangling: ['true'] } });
  return {
    containers: containers.map((container) => container.Names[0] ?? container.Id).sort(),
    dangling: dangling.map((image) => image.Id).sort(),
  };
}

/** Run the kiln CLI as a user would, without throwing on a non-zero exit. */
export function kiln(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa('node', [KILN_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { CI: 'true', ...options.env }, reject: false });
}
