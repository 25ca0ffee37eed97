import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createTag, exportTag, tagCommit, tagName } from '../../simulate/release/git-release.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } }).toString().trim();

describe('release git helpers (real git)', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  const repo = () => {
    const root = mkdtempSync(join(tmpdir(), 'kiln-git-'));
    roots.push(root);
    git(root, 'init', '-q');
    mkdirSync(join(root, 'apps', 'hello', 'src'), { recursive: true });
    writeFileSync(join(root, 'apps', 'hello', 'src', 'app.txt'), 'committed\n');
    writeFileSync(join(root, 'top.txt'), 'outside the project\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'one');
    return root;
  };

  test('tag names fill {project}, {n} and {date}', () => {
    expect(tagName('{project}-r{n}', 'hello', 7)).toBe('hello-r7');
    expect(tagName('rel/{date}.{n}', 'x', 2, new Date('2026-11-26T10:00:00Z'))).toBe('rel/20261126.2');
  });

  test('exports the tagged project subdirectory, not the working tree', async () => {
    const root = repo();
    const project = join(root, 'apps', 'hello');
    const head = git(root, 'rev-parse', 'HEAD');
    await createTag(project, 'hello-r1', head, 'release');
    expect(await tagCommit(project, 'hello-r1')).toBe(head);
    writeFileSync(join(project, 'src', 'app.txt'), 'uncommitted edit\n');
    const target = join(root, 'export');
    await exportTag(project, 'hello-r1', target);
    expect(readFileSync(join(target, 'src', 'app.txt'), 'utf8')).toBe('committed\n');
    expect(existsSync(join(target, 'top.txt'))).toBe(false);
  });

  test('exports the whole tree when the project is the repository root', async () => {
    const root = repo();
    await createTag(root, 'r1', git(root, 'rev-parse', 'HEAD'), 'release');
    const target = join(tmpdir(), `kiln-export-${process.pid}-${Date.now()}`);
    roots.push(target);
    await exportTag(root, 'r1', target);
    expect(readFileSync(join(target, 'top.txt'), 'utf8')).toBe('outside the project\n');
  });

  test('an unknown tag is an error naming it', async () => {
    const root = repo();
    await expect(exportTag(root, 'nope', join(root, 'x'))).rejects.toThrow(/nope/);
  });
});
