import { run } from './process/run.js';

/** What git says about a project directory; absent when it is not a repository. */
export interface GitState {
  commit: string;
  dirty: boolean;
  /** The release tag, when the bake is part of a release. */
  tag?: string;
}

export async function gitState(dir: string): Promise<GitState | undefined> {
  const head = await run('git', ['rev-parse', 'HEAD'], { cwd: dir });
  if (head.exitCode !== 0) return undefined;
  const status = await run('git', ['status', '--porcelain', '--', '.'], { cwd: dir });
  return { commit: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
}
