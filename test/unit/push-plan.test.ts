import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { planPush, readVerification } from '../../bake/push/push-plan.js';
import type { PushTarget } from '../../bake/push/push-target.js';

const recipe = `sha256:${'ab12'.repeat(16)}`;
const target = (overrides: Partial<PushTarget> = {}): PushTarget => ({
  kind: 'image', name: 'kiln/hello:latest', ref: 'kiln/hello:latest', imageId: `sha256:${'9'.repeat(64)}`,
  repository: 'kiln/hello', recipeDigest: recipe, diffIds: [], labels: {}, ...overrides,
});
const registry = { host: '127.0.0.1:5000', path: '' };
const verified = { imageId: `sha256:${'9'.repeat(64)}`, role: 'web', passed: true, verifiedAt: '2026-01-01T00:00:00.000Z' };

describe('planPush', () => {
  test('a verified image goes to <registry>/kiln/<project>, tagged with its recipe digest', () => {
    expect(planPush(target(), registry, verified, false)).toEqual({
      source: { kind: 'image', name: 'kiln/hello:latest', ref: 'kiln/hello:latest' },
      imageId: `sha256:${'9'.repeat(64)}`,
      registry: '127.0.0.1:5000',
      repository: '127.0.0.1:5000/kiln/hello',
      tags: ['ab12ab12ab12'],
      verification: { role: 'web', at: '2026-01-01T00:00:00.000Z' },
      forced: false,
    });
  });

  test('a release is tagged with its release tag too, and names the release it journals into', () => {
    const plan = planPush(target({ kind: 'release', name: 'hello-r3', ref: 'kiln/hello:ab12ab12ab12', releaseTag: 'hello-r3', release: { env: 'local', id: 'hello-r3' } }), registry, verified, false);
    expect(plan.tags).toEqual(['ab12ab12ab12', 'hello-r3']);
    expect(plan.release).toEqual({ env: 'local', id: 'hello-r3' });
  });

  test('an unverified image is refused with a user error that says how to verify it', () => {
    const error = (() => { try { planPush(target(), registry, undefined, false); } catch (caught) { return caught; } })() as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('kiln/hello:latest has not passed kiln verify, so kiln will not push it');
    expect(error.hint).toMatch(/^verify it first: kiln verify kiln\/hello:latest .*--force/);
  });

  test('--force pushes an unverified image, marked forced with a warning', () => {
    const plan = planPush(target(), registry, undefined, true);
    expect(plan.forced).toBe(true);
    expect(plan.verification).toBeNull();
    expect(plan.warning).toBe('pushed kiln/hello:latest without a passing kiln verify (--force)');
  });

  test('--force on a verified image is an ordinary push', () => {
    const plan = planPush(target(), registry, verified, true);
    expect(plan.forced).toBe(false);
    expect(plan.warning).toBeUndefined();
  });
});

describe('readVerification', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-push-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const project = { dir } as Project;
  const id = `sha256:${'7'.repeat(64)}`;
  const write = (body: string) => {
    mkdirSync(join(dir, '.kiln', 'verified'), { recursive: true });
    writeFileSync(join(dir, '.kiln', 'verified', `${'7'.repeat(64)}.json`), body);
  };

  test('reads a passing record for the image', async () => {
    expect(await readVerification(project, id)).toBeUndefined();
    write(JSON.stringify({ imageId: id, role: 'web', passed: true, verifiedAt: 'then' }));
    expect(await readVerification(project, id)).toEqual({ imageId: id, role: 'web', passed: true, verifiedAt: 'then' });
  });

  test.each([
    ['not JSON', '{'],
    ['another image', JSON.stringify({ imageId: `sha256:${'8'.repeat(64)}`, role: 'web', passed: true })],
    ['not passed', JSON.stringify({ imageId: `sha256:${'7'.repeat(64)}`, role: 'web', passed: false })],
  ])('treats a record that is %s as no verification', async (_, body) => {
    write(body);
    expect(await readVerification(project, id)).toBeUndefined();
  });
});
