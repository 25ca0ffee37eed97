import { spawn } from 'node:child_process';
import { LineSplitter } from '../line-splitter.js';

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last lines of stdout and stderr together. */
  tail: string[];
  /** The program could not be started at all (ENOENT and the like). */
  spawnError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  signal?: AbortSignal;
  /** Called per output line as it arrives (stdout and stderr). */
  onLine?: (line: string) => void;
}

/**
 * Run a program with an argv array (never a shell string) and collect its output.
 * A small spawn wrapper: it keeps kiln's hot path (git, app.build on every bake) free of heavier imports.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, signal: options.signal, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const lines = new LineSplitter((line) => options.onLine?.(line));
    child.stdout.on('data', (chunk: Buffer) => { out.push(chunk); lines.write(chunk); });
    child.stderr.on('data', (chunk: Buffer) => { err.push(chunk); lines.write(chunk); });
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => { spawnError = error; });
    child.on('close', (exitCode, signal) => {
      lines.flushPartial();
      done({ exitCode, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), tail: [...lines.tail], spawnError });
    });
    child.stdin.on('error', () => {}); // a program that exits without reading its input is not an error here
    child.stdin.end(options.input ?? '');
  });
}
