import { relative } from 'node:path';
import { initProject } from '../../bake/init-project.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(args: string[], options: { name?: string }, global: GlobalOptions): Promise<number> {
  const made = await initProject(args[0] ?? '.', options.name);
  const shown = relative(process.cwd(), made.dir) || '.';
  printResult(global, made, () => `created project ${made.project} in ${shown}\nnext:\n  kiln bake -C ${shown}\n  kiln verify -C ${shown}`);
  return 0;
}
