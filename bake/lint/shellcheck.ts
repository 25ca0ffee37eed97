import { run } from '../process/run.js';
import { UserError } from '../errors.js';

export interface ShellcheckFinding {
  line: number;
  column: number;
  level: string;
  code: string;
  message: string;
}

/** Run Debian's shellcheck on one script (POSIX sh, warnings and errors); argv only, script on stdin. */
export async function shellcheck(script: string): Promise<ShellcheckFinding[]> {
  const result = await run('shellcheck', ['--shell=sh', '--format=json1', '--severity=warning', '-'], { input: script });
  if (result.spawnError?.code === 'ENOENT') {
    throw new UserError('shellcheck is not installed', 'apt-get install shellcheck (or `bash scripts/setup-host.sh`), or run `kiln lint --no-shellcheck`');
  }
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new UserError(`shellcheck failed (exit ${result.exitCode}): ${result.stderr.split('\n')[0]}`);
  }
  const parsed = JSON.parse(result.stdout || '{"comments":[]}') as { comments: { line: number; column: number; level: string; code: number; message: string }[] };
  return parsed.comments.map((comment) => ({ line: comment.line, column: comment.column, level: comment.level, code: `SC${comment.code}`, message: comment.message }));
}
