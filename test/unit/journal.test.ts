import { mkdtempSync, renameSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { UserError } from '../../bake/errors.js';
import { Journal, lastGood } from '../../simulate/journal/journal.js';
import type { ReleaseRecord } from '../../simulate/journal/record.js';

const record = (outcome: ReleaseRecord['outcome']): ReleaseRecord => ({
  schema: 1, id: 'hello-r1', project: 'hello', env: 'local', target: 'local', n: 1, tag: 'hello-r1', commit: 'abc', previous: null,
  specs: [], instances: [], steps: [], faults: [], keepOld: false, outcome, startedAt: '2026-11-26T00:00:00Z', pid: 1,
});

describe('journal', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const journal = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-journal-'));
    dirs.push(dir);
    const made = new Journal(dir, 'local', 'hello');
    await made.prepare();
    return made;
  };

  test('keeps the previous content as the last good copy on every write', async () => {
    const j = await journal();
    await j.save(record('running'));
    await j.save(record('live'));
    expect((await j.load('hello-r1')).outcome).toBe('live');
    expect(JSON.parse(readFileSync(lastGood(j.releaseFile('hello-r1')), 'utf8')).outcome).toBe('running');
  });

  test('a truncated file is a clear error that names the file and the recovery command, and recovery works', async () => {
    const j = await journal();
    await j.save(record('running'));
    await j.save(record('live'));
    const file = j.releaseFile('hello-r1');
    writeFileSync(file, '{"schema": 1, "id": "hel');
    const error = await j.load('hello-r1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`${file} is damaged`);
    expect((error as UserError).hint).toContain(`mv ${lastGood(file)} ${file}`);
    await expect(j.list()).rejects.toThrow(/is damaged/);
    renameSync(lastGood(file), file);
    expect((await j.load('hello-r1')).outcome).toBe('running');
  });

  test('a damaged file is never overwritten as if it were good', async () => {
    const j = await journal();
    await j.save(record('running'));
    await j.save(record('live'));
    const file = j.releaseFile('hello-r1');
    writeFileSync(file, 'garbage');
    await j.save(record('rolled-back'));
    // The damaged content was not kept as "last good"; the good one from before survives.
    expect(JSON.parse(readFileSync(lastGood(file), 'utf8')).outcome).toBe('running');
  });

  test('the state directory keeps itself out of git', async () => {
    const j = await journal();
    expect(existsSync(join(j.projectDir, '.kiln', '.gitignore'))).toBe(true);
  });
});
