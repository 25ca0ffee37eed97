import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Emit } from '../../../bake/events.js';
import { plainReporter } from '../../reporters/plain.js';

/** Where an activity's full log goes: `.kiln/logs/<release-or-action>.log` in the project. */
export function logDirectory(projectDir: string): string {
  return join(projectDir, '.kiln', 'logs');
}

/**
 * Every event of one activity, as `--plain` would print it, appended to a file. Lines are buffered
 * and written in one batch per flush (synchronously, so a detach that exits at once loses nothing).
 */
export class LogFile {
  private pending: string[] = [];
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  path: string | undefined;
  readonly emit: Emit;

  constructor(private readonly dir: string, private readonly flushMs = 100) {
    this.emit = plainReporter((text) => this.write(text));
  }

  /** Name the file (a release is named only once its first event arrives); lines so far go into it. */
  open(name: string): string {
    if (this.path) return this.path;
    mkdirSync(this.dir, { recursive: true });
    this.path = join(this.dir, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.log`);
    this.fd = openSync(this.path, 'a');
    this.flush();
    return this.path;
  }

  /** The file's path relative to the project, for showing. */
  shown(projectDir: string): string | undefined {
    return this.path && relative(projectDir, this.path);
  }

  write(text: string): void {
    this.pending.push(text);
    if (this.timer === undefined && this.fd !== undefined) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
  }

  /** Write what is buffered and close the file; an activity that never named it gets `fallbackName`. */
  close(fallbackName: string): void {
    if (!this.path && this.pending.length > 0) this.open(fallbackName);
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
