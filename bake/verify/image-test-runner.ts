// Running image tests, wherever they run (a Docker container, or EC2 through SSM): which tests, what they see, in what order.
import type { Project, TestSpec } from '../config/project.js';
import { ExternalError } from '../errors.js';
import { secondsSince, type Emit } from '../events.js';
import type { TestFailure } from './image-test-verdict.js';
import { defaultRole } from './verify.js';

export interface TestResult {
  name: string;
  kind: 'http' | 'run';
  passed: boolean;
  seconds: number;
}

/** The image tests that target `role` (a test without a role targets the default one). */
export function imageTestsFor(project: Project, role: string): TestSpec[] {
  return project.tests.image.filter((test) => (test.role ?? defaultRole(project)) === role);
}

/** Every role some image test targets, in the order the tests name them. */
export function rolesWithImageTests(project: Project): string[] {
  return [...new Set(project.tests.image.map((test) => test.role ?? defaultRole(project)))];
}

/** What a `run` test sees: $KILN_URL and $KILN_PORT point at the role, when it has a port. */
export function testEnvironment(port: number | undefined): Record<string, string> {
  return port === undefined ? {} : { KILN_URL: `http://127.0.0.1:${port}`, KILN_PORT: String(port) };
}

/** Run tests one by one, announcing each; the first failure throws with its output. Where they run is `runOne`'s business. */
export async function runTestsInOrder(tests: readonly TestSpec[], runOne: (test: TestSpec) => Promise<TestFailure | undefined>, emit: Emit): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) {
    const started = performance.now();
    const failure = await runOne(test);
    const seconds = secondsSince(started);
    emit({ type: 'notice', level: failure ? 'warn' : 'info', message: `image test "${test.name}": ${failure ? 'failed' : 'passed'} (${seconds.toFixed(2)}s)` });
    if (failure) throw new ExternalError(`image test "${test.name}" failed: ${failure.message}`, test.run ?? `GET ${test.http}`, { tail: failure.output });
    results.push({ name: test.name, kind: test.http !== undefined ? 'http' : 'run', passed: true, seconds });
  }
  return results;
}
