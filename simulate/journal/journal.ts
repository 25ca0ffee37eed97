import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../bake/errors.js';
import { writeJsonAtomic } from '../../bake/state/atomic-write.js';
import type { EnvState, ReleaseRecord } from './record.js';

/** The .kiln/ journal of one environment: a file per release plus the environment's state, all written atomically. */
export class Journal {
  readonly root: string;

  constructor(readonly projectDir: string, readonly env: string, readonly project: string) {
    this.root = join(projectDir, '.kiln', 'journal', env);
  }

  /** The names of every environment journaled in a project directory. */
  static async environments(projectDir: string): Promise<string[]> {
    const dir = join(projectDir, '.kiln', 'journal');
    if (!existsSync(dir)) return [];
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  }

  get lockFile(): string {
    return join(this.root, 'release.lock');
  }

  releaseFile(id: string): string {
    return join(this.root, 'releases', `${id}.json`);
  }

  /** Make the state directory, and keep it out of git so a release never dirties the tree it freezes. */
  async prepare(): Promise<void> {
    await mkdir(join(this.root, 'releases'), { recursive: true });
    const ignore = join(this.projectDir, '.kiln', '.gitignore');
    if (!existsSync(ignore)) await writeFile(ignore, '*\n');
  }

  async state(): Promise<EnvState> {
    const file = join(this.root, 'env.json');
    if (!existsSync(file)) return { schema: 1, env: this.env, project: this.project, live: null, standby: [], lb: null, releaseCount: 0, events: [] };
    return readJson<EnvState>(file);
  }

  async saveState(state: EnvState): Promise<void> {
    await writeKeepingLastGood(join(this.root, 'env.json'), state);
  }

  /** One section of env.json that a release must have made first (the load balancer's, say). */
  async requireSection<K extends keyof EnvState>(key: K, what: string): Promise<NonNullable<EnvState[K]>> {
    const value = (await this.state())[key];
    if (value === null || value === undefined) throw new UserError(`no ${what} in environment ${this.env} yet`, 'run kiln release first');
    return value as NonNullable<EnvState[K]>;
  }

  /** Replace one section of env.json, leaving the rest as it is. */
  async saveSection<K extends keyof EnvState>(key: K, value: EnvState[K]): Promise<void> {
    await this.saveState({ ...(await this.state()), [key]: value });
  }

  async save(record: ReleaseRecord): Promise<void> {
    await writeKeepingLastGood(this.releaseFile(record.id), record);
  }

  async load(id: string): Promise<ReleaseRecord> {
    const file = this.releaseFile(id);
    if (!existsSync(file)) throw new UserError(`no release ${JSON.stringify(id)} in the ${this.env} journal`, 'kiln history lists them');
    return readJson<ReleaseRecord>(file);
  }

  /** Every release, oldest first. */
  async list(): Promise<ReleaseRecord[]> {
    const dir = join(this.root, 'releases');
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));  // .last-good copies end otherwise
    const records = await Promise.all(names.map((name) => readJson<ReleaseRecord>(join(dir, name))));
    return records.sort((a, b) => a.n - b.n);
  }
}

/** The copy of a journal file as it was before its latest write. */
export const lastGood = (file: string) => `${file}.last-good`;

/**
 * Write atomically, first keeping the current content (if it parses) as the last good copy, so even a
 * file damaged outside kiln loses at most one write. Readers never fall back silently: they say so.
 */
async function writeKeepingLastGood(file: string, value: unknown): Promise<void> {
  if (existsSync(file)) {
    const current = await readFile(file, 'utf8');
    if (parses(current)) await writeFile(lastGood(file), current);
  }
  await writeJsonAtomic(file, value);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const backup = lastGood(file);
    const recovery = existsSync(backup)
      ? `the last good copy is kept: restore it with \`mv ${backup} ${file}\` (it lacks only the latest write), or inspect both first`
      : 'no earlier copy exists; move the file aside to let kiln continue without that entry';
    throw new UserError(`the journal file ${file} is damaged (${(error as Error).message}); kiln will not guess at its history`, recovery, { cause: error });
  }
}
