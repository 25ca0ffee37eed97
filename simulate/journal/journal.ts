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
    await writeJsonAtomic(join(this.root, 'env.json'), state);
  }

  async save(record: ReleaseRecord): Promise<void> {
    await writeJsonAtomic(this.releaseFile(record.id), record);
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
    const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    const records = await Promise.all(names.map((name) => readJson<ReleaseRecord>(join(dir, name))));
    return records.sort((a, b) => a.n - b.n);
  }
}

async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UserError(`the journal file ${file} is not valid JSON: ${(error as Error).message}`, 'restore it from a backup, or move it aside to start that history afresh', { cause: error });
  }
}
