import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RenderedLayer } from '../../bake/recipe/recipe.js';
import { builderBundle, scriptNames } from '../../simulate/aws/builder-bundle.js';
import { BUILDER_DONE, BUILDER_FAILED, builderUserData, builderVerdict, instanceBootScript, instanceUserData, roleUnit } from '../../simulate/aws/user-data.js';
import { ssmSecretsAtBoot } from '../../simulate/aws/ssm-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-builder-ud-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const layer = (name: RenderedLayer['name'], ...texts: string[]): RenderedLayer => ({
  name, inputs: [], scripts: texts.map((text) => ({ text, headerLines: 0, template: { name: `${name}/t`, path: `${name}.sh.hbs`, source: 'project' } as never })),
});
const LAYERS = [layer('os', 'echo os'), layer('packages', 'echo one', 'echo two'), layer('app', 'echo app')];

/** Real sh parses it and the real shellcheck finds nothing at warning level. */
function checkShell(script: string): void {
  const file = join(dir, `ud-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  execFileSync('sh', ['-n', file]);
  execFileSync('shellcheck', ['-s', 'sh', '-S', 'warning', file]);
}

describe('the AMI builder user-data', () => {
  it('numbers the scripts in run order, so a glob runs os, then packages, then app', () => {
    expect(scriptNames(LAYERS).map((script) => script.name)).toEqual(['01-os-1.sh', '02-packages-1.sh', '03-packages-2.sh', '04-app-1.sh']);
  });

  it('bundles the same layers into the same bytes (so the same recipe stages the same object)', async () => {
    const [first, second] = [await builderBundle(LAYERS), await builderBundle(LAYERS)];
    expect(first.sha256).toBe(second.sha256);
    expect(first.archive.equals(second.archive)).toBe(true);
    expect((await builderBundle([layer('os', 'echo other')])).sha256).not.toBe(first.sha256);
  });

  it('is valid sh with the bundle embedded, and with it fetched from a presigned URL', async () => {
    const bundle = await builderBundle(LAYERS);
    checkShell(builderUserData({ embedded: bundle.archive }));
    const staged = builderUserData({ url: "https://bucket.example/kiln/x.tgz?X-Amz-Signature=a&b='c'", sha256: bundle.sha256 });
    checkShell(staged);
    // The URL is one shell word, quotes and ampersands included.
    expect(staged).toContain(`fetch 'https://bucket.example/kiln/x.tgz?X-Amz-Signature=a&b='\\''c'\\''' /kiln/bundle.tgz`);
    expect(staged).toContain(`${bundle.sha256}  /kiln/bundle.tgz`);
  });

  it('reports its verdict on the console and powers off either way', async () => {
    const userData = builderUserData({ embedded: (await builderBundle(LAYERS)).archive });
    const lines = userData.split('\n');
    expect(lines.at(-2)).toBe('poweroff');
    expect(userData).toContain(BUILDER_DONE);
    expect(userData).toContain(BUILDER_FAILED);
    // cloud-init's copy of the user-data (the bundle, or its URL) must not end up in the image.
    expect(userData).toContain('cloud-init clean --logs');
  });
});

describe('reading the builder console', () => {
  it('a failure counts wherever it is in the output, even with shutdown lines after it', () => {
    const shutdown = Array.from({ length: 60 }, (_, index) => `[  OK  ] Stopped unit ${index}.`).join('\n');
    expect(builderVerdict(`kiln-builder: running 02-packages-1.sh\nE: Unable to locate package nodjs\n${BUILDER_FAILED}\n${shutdown}`)).toBe('failed');
  });

  it('done only when the builder said so; an empty or partial console has no verdict yet', () => {
    expect(builderVerdict(`kiln-builder: running 04-app-1.sh\n${BUILDER_DONE}\n[  OK  ] Reached target Power-Off.`)).toBe('done');
    expect(builderVerdict('')).toBeUndefined();
    expect(builderVerdict('kiln-builder: running 01-os-1.sh\n')).toBeUndefined();
  });
});

describe('an EC2 instance\'s user-data', () => {
  it('is valid sh, and a secret that cannot be read stops the boot before the role starts', () => {
    const boot = instanceBootScript('#!/bin/sh\necho configured\n', 'node /opt/app/server.mjs', 'web', ssmSecretsAtBoot('hello', 'prod', ['API_TOKEN']));
    checkShell(boot);
    const userData = boot;
    const read = userData.split('\n').find((line) => line.includes('aws ssm get-parameter'))!;
    // Under set -e a failure inside an && list is ignored: the line must exit on its own.
    expect(read).toMatch(/\|\| \{ echo "kiln-boot: could not read secret API_TOKEN from SSM" >&2; exit 1; \}$/);
    expect(read).toContain('--region "$(cat /run/kiln/meta-data/placement/region)"');
    expect(userData.indexOf(read)).toBeLessThan(userData.indexOf("exec sh -c 'node /opt/app/server.mjs'"));
  });

  it('a failing secret read really ends the script (run by sh, with a stand-in aws that fails)', () => {
    const lines = ssmSecretsAtBoot('hello', 'prod', ['API_TOKEN']).slice(1);
    const script = ['set -eu', 'aws() { return 255; }', 'mkdir -p "$TMP/run/kiln/secrets" "$TMP/run/kiln/meta-data/placement"', 'echo us-east-1 > "$TMP/run/kiln/meta-data/placement/region"',
      ...lines.map((line) => line.replaceAll('/run/kiln', '"$TMP/run/kiln"').replace('"$(cat "$TMP/run/kiln"/meta-data/placement/region)"', '"$(cat "$TMP/run/kiln/meta-data/placement/region")"')), 'echo role started'].join('\n');
    const file = join(dir, 'boot.sh');
    writeFileSync(file, script);
    let status = 0;
    let stdout = '';
    try {
      stdout = execFileSync('sh', [file], { env: { ...process.env, TMP: dir }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    } catch (error) {
      status = (error as { status: number }).status;
      stdout = String((error as { stdout: Buffer }).stdout);
    }
    expect(status).toBe(1);
    expect(stdout).not.toContain('role started');
  });
});

describe('the role on EC2 survives a reboot', () => {
  it('user-data installs the boot script verbatim and a systemd unit that runs it at every boot and restarts it', () => {
    const boot = instanceBootScript('#!/bin/sh\necho configured\n', 'node /opt/app/server.mjs', 'web');
    const userData = instanceUserData('#!/bin/sh\necho configured\n', 'node /opt/app/server.mjs', 'web');
    checkShell(userData);
    const installed = /<<'KILN_BOOT'\n([\s\S]*?)\nKILN_BOOT\n/.exec(userData)![1];
    expect(`${installed}\n`).toBe(boot);
    const unit = /<<'KILN_UNIT'\n([\s\S]*?)\nKILN_UNIT\n/.exec(userData)![1];
    expect(unit).toBe(roleUnit('web'));
    expect(unit).toContain('ExecStart=/bin/sh /var/lib/kiln/boot.sh');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('WantedBy=multi-user.target');
    // cloud-init must not wait on the role: it starts without blocking, and step 7 asks the role itself.
    expect(userData).toContain('systemctl enable kiln-role.service\nsystemctl start --no-block kiln-role.service');
  });
});
