import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { descendants, killDescendants } from '../../cli/ui/terminal/kill-descendants.js';
import { settle } from './helpers.js';

describe('killDescendants', () => {
  it('finds children and grandchildren, and signals them all', async () => {
    const shell = spawn('sh', ['-c', 'sleep 60 & sleep 60 & wait'], { stdio: 'ignore' });
    await settle(200);
    const below = descendants(shell.pid!);
    expect(below).toHaveLength(2);
    expect(descendants()).toEqual(expect.arrayContaining([shell.pid!, ...below]));
    const exited = once(shell, 'exit');
    expect(killDescendants('SIGTERM', shell.pid!).sort()).toEqual([...below].sort());
    await exited;
    expect(descendants(shell.pid!)).toEqual([]);
  });
});
