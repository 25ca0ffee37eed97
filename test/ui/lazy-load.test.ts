import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HOOK = join(ROOT, 'test/ui/fixtures/trace-imports.mjs');

/** Run node with the import tracer; returns what it printed and which ink/react modules it loaded. */
async function traced(args: string[], env: Record<string, string> = {}) {
  const trace = join(mkdtempSync(join(tmpdir(), 'kiln-trace-')), 'loaded.txt');
  const result = await execa('node', ['--import', HOOK, ...args], { cwd: ROOT, env: { KILN_TRACE_FILE: trace, ...env }, reject: false });
  return { ...result, loaded: existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n') : [] };
}

describe('ink and React load lazily', () => {
  it('the tracer sees ink when something imports it (so the checks below can fail)', async () => {
    const { loaded } = await traced(['--input-type=module', '-e', "await import('ink')"]);
    expect(loaded.some((url) => url.includes('/node_modules/ink/'))).toBe(true);
  });

  it.each([['--help'], ['--version'], ['release', '--help'], ['ui', '--help']])('kiln %s loads neither ink nor React', async (...args) => {
    const { exitCode, loaded } = await traced(['bin/kiln.js', ...args]);
    expect(exitCode).toBe(0);
    expect(loaded).toEqual([]);
  });

  it('kiln without a terminal, or with CI=true, --json or --plain, refuses the UI without loading it', async () => {
    for (const [args, env] of [[[], {}], [[], { CI: 'true' }], [['--json'], {}], [['--plain'], {}]] as [string[], Record<string, string>][]) {
      const { exitCode, stderr, loaded } = await traced(['bin/kiln.js', '-C', 'examples/hello', ...args], env);
      expect(exitCode).toBe(2);
      expect(stderr).toContain('the interactive UI does not start here');
      expect(loaded).toEqual([]);
    }
  });
});
