import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * One kiln in a real terminal: a detached tmux session of a fixed size on a private tmux server.
 * The pane keeps its text after kiln exits ("kiln exited N"), so a test can read the end.
 */
export class TmuxKiln {
  private readonly socket = `kiln-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(...args: string[]) {
    return exec('tmux', ['-u', '-f', '/dev/null', '-L', this.socket, ...args]);
  }

  /** Start `node bin/kiln.js ARGS` with a clean environment (no CI, so ink starts, as for a person at a terminal). */
  async start(kilnBin: string, args: string[], size: { columns: number; rows: number }): Promise<void> {
    const env = ['PATH', 'HOME', 'DOCKER_HOST'].filter((key) => process.env[key]).map((key) => `${key}=${quote(process.env[key]!)}`);
    const command = `env -i ${env.join(' ')} TERM=xterm-256color LANG=C.UTF-8 node ${quote(kilnBin)} ${args.map(quote).join(' ')}; echo "kiln exited $?"; sleep 3600`;
    await this.tmux('new-session', '-d', '-s', 'kiln', '-x', String(size.columns), '-y', String(size.rows), command);
  }

  async keys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'kiln', ...keys);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'kiln', '-x', String(columns), '-y', String(rows));
  }

  /** The visible screen, as plain text. */
  async screen(): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-t', 'kiln')).stdout;
  }

  /** Poll the screen until `check` passes; fails with the last screen when `timeoutMs` runs out. */
  async waitFor(check: RegExp | ((screen: string) => boolean), timeoutMs = 120_000): Promise<string> {
    const test = typeof check === 'function' ? check : (screen: string) => check.test(screen);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.screen();
      if (test(screen)) return screen;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`timed out waiting for ${check}; the screen was:\n${screen}`);
  }

  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => {});
  }
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
