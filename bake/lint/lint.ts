import type { Project } from '../config/project.js';
import { renderAll } from '../render-project.js';
import { networkUseInScript } from './network-commands.js';
import { shellcheck } from './shellcheck.js';

/** One problem lint found, placed in the template it came from. */
export interface LintFinding {
  /** The template, e.g. kiln:templates/configure/service.sh.hbs or templates/app/install.sh.hbs. */
  template: string;
  /** The rendered script it was found in, e.g. configure/web.sh. */
  script: string;
  /** Line in the template (network findings) or in the rendered script (shellcheck). */
  line: number;
  rule: string;
  message: string;
}

/** Render everything, flag boot-time network use in configure scripts, and shellcheck every script. */
export async function lintProject(project: Project, options: { shellcheck: boolean }): Promise<{ scripts: number; findings: LintFinding[] }> {
  const rendered = await renderAll(project);
  const findings: LintFinding[] = [];
  for (const entry of rendered) {
    const { script } = entry;
    if (entry.kind === 'configure') {
      // Scan the template for exact line numbers, and the rendered text for commands that came in through variables.
      const seen = new Set<string>();
      for (const use of networkUseInScript(script.template.text)) {
        seen.add(use.command);
        findings.push({ template: script.template.origin, script: entry.name, line: use.line, rule: 'boot-network', message: `\`${use.command}\` reaches for the network at boot (${use.why}); do it in a layer template at bake time` });
      }
      for (const use of networkUseInScript(script.text)) {
        if (seen.has(use.command) || use.command.startsWith('kiln_meta()')) continue;
        findings.push({ template: script.template.origin, script: entry.name, line: use.line, rule: 'boot-network', message: `\`${use.command}\` (rendered line ${use.line}) reaches for the network at boot (${use.why})` });
      }
    }
    if (options.shellcheck) {
      for (const finding of await shellcheck(script.text)) {
        findings.push({ template: script.template.origin, script: entry.name, line: finding.line, rule: finding.code, message: `${finding.level}: ${finding.message} (rendered line ${finding.line})` });
      }
    }
  }
  return { scripts: rendered.length, findings };
}
