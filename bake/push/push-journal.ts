import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { writeJsonAtomic } from '../state/atomic-write.js';
import { Journal } from '../../simulate/journal/journal.js';
import type { ReleaseRecord } from '../../simulate/journal/record.js';
import type { PushPlan } from './push-plan.js';

/** One finished push, as the release record keeps it (`push`) and the push log lists it. */
export interface PushRecord {
  repo: string;
  digest: string;
  /** repo@digest: the exact image a deploy should pull. */
  ref: string;
  tags: string[];
  imageId: string;
  at: string;
  forced: boolean;
  /** Why a forced push is suspect; kept so nobody mistakes it for a verified one later. */
  warning?: string;
}

/** An entry of `.kiln/journal/pushes.json`: every push from this project, release or not. */
export interface PushLogEntry extends PushRecord {
  source: PushPlan['source'];
  release?: { env: string; id: string };
}

export interface PushLog {
  schema: 1;
  pushes: PushLogEntry[];
}

/** A release record with the push field this module adds; other writers keep it because they save what they load. */
export type PushedReleaseRecord = ReleaseRecord & { push?: PushRecord };

export const pushLogPath = (projectDir: string) => join(projectDir, '.kiln', 'journal', 'pushes.json');

/** The record of a push that completed; built before anything is written. */
export function pushRecord(plan: PushPlan, digest: string, at: Date): PushRecord {
  return {
    repo: plan.repository, digest, ref: `${plan.repository}@${digest}`, tags: plan.tags, imageId: plan.imageId,
    at: at.toISOString(), forced: plan.forced, ...(plan.warning ? { warning: plan.warning } : {}),
  };
}

export async function readPushLog(projectDir: string): Promise<PushLog> {
  const file = pushLogPath(projectDir);
  if (!existsSync(file)) return { schema: 1, pushes: [] };
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PushLog;
  } catch (error) {
    throw new UserError(`the push log ${file} is not valid JSON: ${(error as Error).message}`, 'move it aside; it only lists past pushes', { cause: error });
  }
}

/**
 * Journal a completed push: the log entry, then the release's `push` field. Called only after the registry
 * returned a digest, so a failed push leaves the journal as it was.
 */
export async function journalPush(projectDir: string, project: string, plan: PushPlan, record: PushRecord): Promise<void> {
  await mkdir(join(projectDir, '.kiln'), { recursive: true });
  const ignore = join(projectDir, '.kiln', '.gitignore');
  // Keep kiln's state out of git, as the release journal does, so a push never dirties the tree.
  if (!existsSync(ignore)) await writeFile(ignore, '*\n');
  const log = await readPushLog(projectDir);
  log.pushes.push({ ...record, source: plan.source, ...(plan.release ? { release: plan.release } : {}) });
  await writeJsonAtomic(pushLogPath(projectDir), log);
  if (plan.release) {
    const journal = new Journal(projectDir, plan.release.env, project);
    // Re-read just before writing, so a rollback or heal that saved this record meanwhile is not undone.
    const release: PushedReleaseRecord = await journal.load(plan.release.id);
    release.push = record;
    await journal.save(release);
  }
}
