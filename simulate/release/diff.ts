import type { Project } from '../../bake/config/project.js';
import { diffBoms, type BomDiff } from '../../bake/bom/diff-boms.js';
import { UserError } from '../../bake/errors.js';
import { Journal } from '../journal/journal.js';

/** What changed between two journaled releases, from their bills of materials. Needs no Docker. */
export async function diffReleases(project: Project, env: string, a: string, b: string): Promise<{ from: string; to: string; diff: BomDiff }> {
  const journal = new Journal(project.dir, env, project.project);
  const [from, to] = await Promise.all([journal.load(a), journal.load(b)]);
  for (const record of [from, to]) {
    if (!record.bom) throw new UserError(`release ${record.id} has no bill of materials (it failed before step 5, or predates BOMs)`, 'kiln history shows which releases baked an image');
  }
  return { from: from.id, to: to.id, diff: diffBoms(from.bom!, to.bom!) };
}
