import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, expect, test } from 'vitest';
import type { Project } from '../../bake/config/project.js';
import { UserError } from '../../bake/errors.js';
import { resolvePushTarget } from '../../bake/push/push-target.js';
import { Journal } from '../../simulate/journal/journal.js';
import type { ReleaseRecord } from '../../simulate/journal/record.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-push-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Never reached: a running release is refused from its journal record alone.
const noDocker = new Proxy({}, { get: () => { throw new Error('docker was asked'); } }) as Docker;

test('a release that is still running is refused before anything is pushed', async () => {
  const journal = new Journal(dir, 'local', 'hello');
  await journal.prepare();
  const record = {
    schema: 1, id: 'hello-r1', project: 'hello', env: 'local', target: 'local', n: 1, tag: 'hello-r1', commit: 'c0ffee', previous: null,
    image: { ref: 'kiln/hello:abc', id: `sha256:${'1'.repeat(64)}` }, specs: [], instances: [], steps: [], faults: [], keepOld: false,
    outcome: 'running', startedAt: new Date(0).toISOString(), pid: 1,
  } as unknown as ReleaseRecord;
  await journal.save(record);
  const failure = await resolvePushTarget(noDocker, { dir, project: 'hello' } as Project, 'local', 'hello-r1').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(UserError);
  expect((failure as UserError).message).toBe('release hello-r1 is still running (or was interrupted)');
});
