import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { parseProject } from '../../bake/config/load.js';
import { UserError } from '../../bake/errors.js';
import { renderAll } from '../../bake/render-project.js';

// Fixed so a failure reproduces; fast-check prints the seed and the shrunk counterexample when it fails.
const SEED = Number(process.env.KILN_FUZZ_SEED ?? 20261126);
const root = mkdtempSync(join(tmpdir(), 'kiln-fuzz-'));
const canary = join(root, 'pwned');
mkdirSync(join(root, 'templates', 'app'), { recursive: true });
mkdirSync(join(root, 'dist'));
// A project template that puts every var into a script: hostile values must come out as inert words.
writeFileSync(join(root, 'templates', 'app', 'echo-vars.sh.hbs'), '{{#each vars}}\nprintf \'%s\\n\' {{this}}\n{{/each}}\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(`$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary} #`, `"; touch ${canary}; "`, `\n touch ${canary}`, '{{raw x}}', '--', '-n'),
  fc.string().map((text) => `$(touch ${canary})${text}`),
);
const name = fc.oneof(fc.constantFrom('web', 'worker', 'a', 'web;touch /tmp/x', 'Web', '1web', 'web-2', ''), fc.string({ maxLength: 12 }));
const scalar = fc.oneof(hostile, fc.integer(), fc.boolean(), fc.constant(null));

// Mostly valid, sometimes not: enough valid configs reach the renderer, and every field meets junk too.
const usually = <T, U>(valid: fc.Arbitrary<T>, junk: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: junk, weight: 1 });

const config = fc.record({
  project: usually(fc.constantFrom('hello', 'my-app'), fc.oneof(name, scalar)),
  vars: usually(fc.dictionary(fc.constantFrom('a', 'b', 'greeting', 'x_1'), fc.oneof(hostile, fc.integer(), fc.array(hostile, { maxLength: 3 }))), fc.oneof(fc.dictionary(fc.constantFrom('bad key', '$x', '1a'), hostile), scalar)),
  os: usually(fc.record({ image: fc.constant('debian:bookworm-slim') }), fc.oneof(fc.record({ image: hostile }), fc.record({ bootstrap: fc.record({ suite: hostile }) }), scalar)),
  packages: usually(fc.record({ apt: fc.array(fc.constantFrom('nodejs', 'jq'), { maxLength: 2 }) }), fc.oneof(fc.record({ apt: fc.array(hostile, { maxLength: 2 }) }), scalar)),
  app: usually(fc.record({ artifact: fc.constant('dist'), template: fc.constant('app/echo-vars'), build: hostile }), fc.oneof(fc.record({ artifact: hostile }), scalar)),
  roles: usually(
    fc.dictionary(fc.constantFrom('web', 'worker'), fc.record({ command: hostile, port: fc.integer({ min: 1, max: 65535 }), health: fc.constant('/health') }), { minKeys: 1, maxKeys: 2 }),
    fc.oneof(fc.dictionary(name, fc.record({ command: hostile, port: fc.oneof(fc.integer({ min: -5, max: 70000 }), hostile), health: hostile })), scalar),
  ),
  release: usually(fc.record({ tag: fc.constant('{project}-r{n}') }), fc.oneof(fc.record({ tag: hostile }), scalar)),
}, { requiredKeys: ['project', 'os', 'app', 'roles'] });

describe('config loader and renderer, under 1000 generated configs', () => {
  test('every config loads or is a user error; every valid one renders inert or is a user error', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(config, async (generated) => {
        rmSync(canary, { force: true }); // so a shrunk counterexample is judged on its own
        let project;
        try {
          project = parseProject(stringify(generated), join(root, 'kiln.yaml'));
        } catch (error) {
          expect(error, String((error as Error)?.stack)).toBeInstanceOf(UserError);
          return;
        }
        valid++;
        try {
          for (const rendered of await renderAll(project)) {
            // Only the echo template is run: it does nothing but print, so running it proves quoting and nothing else.
            if (rendered.script.template.name === 'app/echo-vars') spawnSync('sh', ['-c', rendered.script.text], { cwd: root, stdio: 'pipe' });
          }
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
        }
        expect(existsSync(canary)).toBe(false);
      }),
      { seed: SEED, numRuns: 1000 },
    );
    // The generator must reach the renderer often, or the inertness half proves nothing.
    expect(valid).toBeGreaterThan(100);
  }, 120_000);
});
