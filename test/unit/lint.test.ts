import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadProject } from '../../bake/config/load.js';
import { initProject } from '../../bake/init-project.js';
import { lintProject } from '../../bake/lint/lint.js';

// Uses the real shellcheck on PATH.
let root: string;
let dir: string;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'kiln-lint-'));
  dir = (await initProject(join(root, 'demo'))).dir;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function override(name: string, lines: string[]): void {
  mkdirSync(join(dir, 'templates', name, '..'), { recursive: true });
  writeFileSync(join(dir, 'templates', `${name}.sh.hbs`), `${lines.join('\n')}\n`);
}
const lint = async () => lintProject(await loadProject(dir), { shellcheck: true });

describe('lintProject', () => {
  test('the example project is clean', async () => {
    const result = await lint();
    expect(result.findings).toEqual([]);
    // os, packages, app, and one configure script per role (web, worker).
    expect(result.scripts).toBe(5);
  });

  test('a configure override that downloads at boot is flagged at its template line, for every role using it', async () => {
    override('configure/service', ['# configure', 'mkdir -p /etc/kiln', 'curl -fsS http://127.0.0.1:9/x', 'echo done']);
    const { findings } = await lint();
    const network = findings.filter((finding) => finding.rule === 'boot-network');
    expect(network.map(({ template, script, line }) => ({ template, script, line }))).toEqual([
      { template: 'templates/configure/service.sh.hbs', script: 'configure/web.sh', line: 3 },
      { template: 'templates/configure/service.sh.hbs', script: 'configure/worker.sh', line: 3 },
    ]);
    expect(network[0]!.message).toContain('`curl -fsS http://127.0.0.1:9/x`');
  });

  test('network use is allowed in layer templates, which run at bake time', async () => {
    override('app/install', ['curl -fsS http://127.0.0.1:9/x -o /tmp/x']);
    expect((await lint()).findings).toEqual([]);
  });

  test('a shellcheck bug in a layer template is a finding with its SC code, at its rendered line', async () => {
    override('app/install', ['# install', 'for f in $(ls {{app.install_dir}}); do', '  echo "$f"', 'done']);
    const { findings } = await lint();
    const headerLines = 3; // #!/bin/sh, the "rendered by kiln" comment, set -eu
    expect(findings.map(({ template, script, rule, line }) => ({ template, script, rule, line }))).toEqual([
      { template: 'templates/app/install.sh.hbs', script: 'app/01-app_install.sh', rule: 'SC2045', line: headerLines + 2 },
    ]);
  });

  test('an unquoted command substitution is caught; template variables, quoted by kiln, are not', async () => {
    // Only warnings and errors are reported: shellcheck's SC2086 (an unquoted $x) is an info note and is filtered out.
    override('app/install', ['mkdir -p {{app.install_dir}}', 'echo {{vars.greeting}} > {{app.install_dir}}/greeting', 'chown $(id -u) {{app.install_dir}}/greeting']);
    const { findings } = await lint();
    expect(findings.map(({ rule, line }) => ({ rule, line }))).toEqual([{ rule: 'SC2046', line: 3 + 3 }]);
  });
});
