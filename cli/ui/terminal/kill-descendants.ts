import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Every process's parent, from /proc on Linux, else from ps. */
function parentTable(): Map<number, number> {
  const parents = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // the process ended while we looked
      }
    }
  } catch {
    for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid && ppid !== undefined) parents.set(pid, ppid);
    }
  }
  return parents;
}

/** The processes below `root` (children, grandchildren, …), deepest last. */
export function descendants(root: number = process.pid): number[] {
  const parents = parentTable();
  const found: number[] = [];
  let level = [root];
  while (level.length > 0) {
    const next = [...parents].filter(([, parent]) => level.includes(parent)).map(([pid]) => pid);
    found.push(...next);
    level = next;
  }
  return found;
}

/** Signal every descendant, so a process that leaves early (detach) leaves no orphans behind. */
export function killDescendants(signal: NodeJS.Signals = 'SIGTERM', root: number = process.pid): number[] {
  const pids = descendants(root);
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  return pids;
}
