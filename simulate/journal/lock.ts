import { open, readFile, rm } from 'node:fs/promises';
import { UserError } from '../../bake/errors.js';

interface LockBody {
  pid: number;
  release: string;
  startedAt: string;
}

/** Whether a process still exists; signal 0 tests without touching it. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLock(file: string): Promise<LockBody | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockBody;
  } catch {
    return undefined;
  }
}

/**
 * Take the release lock with O_EXCL so two releases never interleave. A lock whose owner died is not
 * stolen silently: its release was interrupted and must be resumed or aborted first.
 */
export async function takeLock(file: string, release: string, options: { takeOver?: boolean } = {}): Promise<() => Promise<void>> {
  const held = await readLock(file);
  if (held && processAlive(held.pid) && held.pid !== process.pid) {
    throw new UserError(`another release (${held.release}, pid ${held.pid}) is running in this environment`, 'wait for it to finish, or watch it with kiln status');
  }
  if (held && !options.takeOver) {
    throw new UserError(`release ${held.release} was interrupted (its kiln process ${held.pid} is gone)`, 'continue it with `kiln release --resume`, or undo it with `kiln release --abort`');
  }
  if (held) await rm(file, { force: true });
  const body: LockBody = { pid: process.pid, release, startedAt: new Date().toISOString() };
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(JSON.stringify(body));
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UserError('another release took the lock at the same moment', 'try again once it has finished', { cause: error });
    throw error;
  }
  return async () => {
    const current = await readLock(file);
    if (current?.pid === process.pid) await rm(file, { force: true });
  };
}
