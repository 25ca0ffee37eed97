import { loadProject } from '../../bake/config/load.js';
import { lintProject } from '../../bake/lint/lint.js';
import type { GlobalOptions } from '../global-options.js';
import { EXIT } from '../render-error.js';
import { printResult } from '../output.js';

export async function run(_args: string[], options: { shellcheck: boolean }, global: GlobalOptions): Promise<number> {
  const project = await loadProject(global.project);
  const result = await lintProject(project, { shellcheck: options.shellcheck });
  printResult(global, { ok: result.findings.length === 0, ...result }, () =>
    result.findings.length === 0
      ? `lint: ${result.scripts} scripts rendered, no findings${options.shellcheck ? ' (shellcheck included)' : ' (shellcheck skipped)'}`
      : [...result.findings.map((finding) => `${finding.template}:${finding.line}: ${finding.rule}: ${finding.message} [${finding.script}]`), `lint: ${result.findings.length} finding(s) in ${result.scripts} scripts`].join('\n'));
  return result.findings.length === 0 ? EXIT.ok : EXIT.failure;
}
