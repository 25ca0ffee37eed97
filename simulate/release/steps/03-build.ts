import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runProjectCommand } from '../../../bake/project-command.js';
import type { Step } from '../context.js';
import { exportTag } from '../git-release.js';

/** 3. Build: from a clean export of the tag, never from the working tree. */
export const build: Step = {
  n: 3,
  name: 'build',
  async run(context) {
    const { project, record } = context;
    record.workdir = join(context.journal.root, 'builds', record.id);
    await context.save();
    await exportTag(project.dir, record.tag, record.workdir);
    const built = await context.built();
    if (!built.app.build) return `exported ${record.tag}; no app.build`;
    await runProjectCommand(built.app.build, built.dir, 'app.build', context.emit, context.signal);
    return `exported ${record.tag} and ran app.build`;
  },
  async cleanup({ record }) {
    if (record.workdir) await rm(record.workdir, { recursive: true, force: true });
  },
};
