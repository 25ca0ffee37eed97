import { UserError } from '../../../bake/errors.js';
import type { Step } from '../context.js';
import { createTag, tagCommit } from '../git-release.js';

/** 2. Tag: an annotated tag on the frozen commit; re-running (resume) reuses it. */
export const tag: Step = {
  n: 2,
  name: 'tag',
  async run({ project, record }) {
    const existing = await tagCommit(project.dir, record.tag);
    if (existing && existing !== record.commit) throw new UserError(`tag ${record.tag} already points at ${existing.slice(0, 12)}`, 'delete that tag or change release.tag');
    if (!existing) await createTag(project.dir, record.tag, record.commit, `kiln release ${record.tag} of ${project.project} (${record.env})`);
    return `${record.tag} → ${record.commit.slice(0, 12)}`;
  },
};
