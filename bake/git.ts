import { execa } from 'execa';

/** What git says about a project directory; absent when it is not a repository. */
export interface GitState {
  commit: string;
  dirty: boolean;
}

export async function gitState(dir: string): Promise<GitState | undefined> {
  const head = await execa('git', ['rev-parse', 'HEAD'], { cwd: dir, reject: false });
  if (head.exitCode !== 0) return undefined;
  const status = await execa('git', ['status', '--porcelain', '--', '.'], { cwd: dir, reject: false });
  return { commit: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
}
