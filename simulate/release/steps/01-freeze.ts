import { UserError } from '../../../bake/errors.js';
import { gitState } from '../../../bake/git.js';
import type { Step } from '../context.js';
import { dirtyFiles } from '../git-release.js';

/** 1. Freeze: only committed code is released; record the commit. (The lock was taken before the journal entry.) */
export const freeze: Step = {
  n: 1,
  name: 'freeze',
  async run({ project, record }) {
    const git = await gitState(project.dir);
    if (!git) throw new UserError(`${project.dir} is not in a git repository`, 'kiln releases tagged commits: git init, commit, then release');
    if (git.dirty) {
      const files = await dirtyFiles(project.dir);
      throw new UserError(`the working tree has uncommitted changes:\n${files.slice(0, 10).map((line) => `    ${line}`).join('\n')}`, 'commit or stash them; kiln only releases committed code');
    }
    record.commit = git.commit;
    return `commit ${git.commit.slice(0, 12)}`;
  },
};
