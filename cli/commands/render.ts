import { relative } from 'node:path';
import { loadProject } from '../../bake/config/load.js';
import { writeRendered } from '../../bake/render-project.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(_args: string[], options: { out: string }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const files = await writeRendered(project, options.out);
  const shown = files.map((file) => ({ kind: file.kind, name: file.name, file: relative(process.cwd(), file.file), template: file.script.template.origin }));
  printResult(global, { files: shown }, () => shown.map((file) => `${file.file}  ← ${file.template}`).join('\n'));
  return 0;
}
