// What the release benches share: a committed copy of examples/hello under its own name, app-only
// commits, and the small arithmetic of medians and step lines.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('..', import.meta.url);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'kiln bench', GIT_AUTHOR_EMAIL: 'bench@kiln.invalid', GIT_COMMITTER_NAME: 'kiln bench', GIT_COMMITTER_EMAIL: 'bench@kiln.invalid' };

/** The engine's modules, from the compiled dist/ (npm run build). */
export const dist = (path) => import(new URL(`dist/${path}`, ROOT).href);
export const log = (line) => process.stderr.write(`bench: ${line}\n`);
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const sinceS = (started) => (performance.now() - started) / 1000;
export const git = (dir, ...args) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
export const stepLine = (summary) => summary.steps.map((step) => `${step.n} ${step.name} ${step.seconds === null ? step.status : `${step.seconds.toFixed(2)}s`}`).join(', ');

export function commitAll(dir, message) {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

/** Copy the example (no build output or kiln state) as project `name` on any free LB port, and commit it. */
export function makeProject(tmp, name) {
  const dir = join(tmp, name);
  cpSync(fileURLToPath(new URL('examples/hello/', ROOT)), dir, { recursive: true, filter: (path) => !['dist', '.kiln', 'node_modules'].includes(basename(path)) });
  const yamlPath = join(dir, 'kiln.yaml');
  const yaml = readFileSync(yamlPath, 'utf8').replace(/^project: .*$/m, `project: ${name}`).replace(/^(\s+)port: 8480\b.*$/m, '$1port: 0');
  if (!/^\s+port: 0$/m.test(yaml)) throw new Error('could not set release.port: 0 in the copied kiln.yaml');
  writeFileSync(yamlPath, yaml);
  git(dir, 'init', '-q');
  commitAll(dir, 'initial');
  return dir;
}

/** An app-only change: a fresh nonce means the app layer (and, on an emulator, the AMI) is rebuilt while os and packages stay cached. */
export function commitAppChange(dir) {
  appendFileSync(join(dir, 'src', 'server.mjs'), `// bench edit ${randomBytes(6).toString('hex')}\n`);
  commitAll(dir, 'app-only change');
}
