import type Docker from 'dockerode';
import { BOOT_DIR } from '../boot/boot-files.js';
import type { Project, TestSpec } from '../config/project.js';
import { execIn, parseHttpResponse } from '../docker/exec-in.js';
import { ExternalError } from '../errors.js';
import { secondsSince, type Emit } from '../events.js';
import { defaultRole } from './verify.js';

export interface TestResult {
  name: string;
  kind: 'http' | 'run';
  passed: boolean;
  seconds: number;
}

/** Run the image tests for `role` inside the instance; the first failure throws with its output. */
export async function runImageTests(docker: Docker, container: Docker.Container, project: Project, role: string, emit: Emit): Promise<TestResult[]> {
  const port = project.roles[role]!.port;
  const mine = project.tests.image.filter((test) => (test.role ?? defaultRole(project)) === role);
  const results: TestResult[] = [];
  for (const test of mine) {
    const started = performance.now();
    const failure = await runOne(docker, container, test, port);
    const seconds = secondsSince(started);
    emit({ type: 'notice', level: failure ? 'warn' : 'info', message: `image test "${test.name}": ${failure ? 'failed' : 'passed'} (${seconds.toFixed(2)}s)` });
    if (failure) throw new ExternalError(`image test "${test.name}" failed: ${failure.message}`, test.run ?? `GET ${test.http}`, { tail: failure.output });
    results.push({ name: test.name, kind: test.http !== undefined ? 'http' : 'run', passed: true, seconds });
  }
  return results;
}

async function runOne(docker: Docker, container: Docker.Container, test: TestSpec, port: number | undefined): Promise<{ message: string; output: string[] } | undefined> {
  const env = port === undefined ? [] : [`KILN_URL=http://127.0.0.1:${port}`, `KILN_PORT=${port}`];
  if (test.run !== undefined) {
    const result = await execIn(docker, container, ['sh', '-c', test.run], env);
    const output = `${result.stdout}${result.stderr}`.trimEnd().split('\n').slice(-12);
    return result.exitCode === 0 ? undefined : { message: `\`${test.run}\` exited with status ${result.exitCode}`, output };
  }
  const probe = await execIn(docker, container, ['timeout', '10', 'bash', `${BOOT_DIR}/probe`, String(port), test.http!]);
  const response = parseHttpResponse(probe.stdout);
  if (!response) return { message: `GET ${test.http} got no HTTP response`, output: probe.stderr.split('\n').slice(-5) };
  if (response.status !== test.status) return { message: `GET ${test.http} answered ${response.status}, expected ${test.status}`, output: response.body.split('\n').slice(0, 10) };
  if (test.contains !== undefined && !response.body.includes(test.contains)) {
    return { message: `GET ${test.http} body does not contain ${JSON.stringify(test.contains)}`, output: response.body.split('\n').slice(0, 10) };
  }
  return undefined;
}
