import { UserError } from '../../../bake/errors.js';
import { gitState } from '../../../bake/git.js';
import type { Step } from '../context.js';
import { dirtyFiles, tagCommit } from '../git-release.js';

/** 1. Freeze: only committed code is released; record the commit. (The lock was taken before the journal entry.) */
export const freeze: Step = {
  n: 1,
  name: 'freeze',
  async run({ project, record }) {
    if (record.promotedFrom) {
      // A promotion ships an existing tag: the working tree is not what is released.
      const commit = await tagCommit(project.dir, record.tag);
      if (!commit) throw new UserError(`tag ${record.tag} of ${record.promotedFrom.release} is gone from this repository`, 'fetch the tag, or promote another release');
      record.commit = commit;
      return `promoting ${record.tag} (${commit.slice(0, 12)}), rehearsed in ${record.promotedFrom.env}`;
    }
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
