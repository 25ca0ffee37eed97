import type { GlobalOptions } from '../global-options.js';

// The rule ink itself follows (is-in-ci): there it renders only the final frame, which is no UI at all.
const set = (env: NodeJS.ProcessEnv, key: string) => key in env && env[key] !== '0' && env[key] !== 'false';

/** Why the interactive UI cannot start here, or undefined when it can. Loads nothing: the decision comes before ink. */
export function whyNoUi(global: Pick<GlobalOptions, 'json' | 'plain'>, streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } } = process, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (global.json) return '--json asks for machine output';
  if (global.plain) return '--plain asks for line output';
  if (set(env, 'CI') || set(env, 'CONTINUOUS_INTEGRATION')) return `CI=${env.CI ?? env.CONTINUOUS_INTEGRATION} is set`;
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) return 'stdin and stdout are not both a terminal';
  return undefined;
}
