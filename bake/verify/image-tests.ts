import type Docker from 'dockerode';
import { BOOT_DIR } from '../boot/boot-files.js';
import type { Project, TestSpec } from '../config/project.js';
import { execIn, parseHttpResponse } from '../docker/exec-in.js';
import type { Emit } from '../events.js';
import { imageTestsFor, runTestsInOrder, testEnvironment, type TestResult } from './image-test-runner.js';
import { httpVerdict, runVerdict, type TestFailure } from './image-test-verdict.js';

export type { TestResult } from './image-test-runner.js';

/** Run the image tests for `role` inside the instance; the first failure throws with its output. */
export async function runImageTests(docker: Docker, container: Docker.Container, project: Project, role: string, emit: Emit): Promise<TestResult[]> {
  const port = project.roles[role]!.port;
  return runTestsInOrder(imageTestsFor(project, role), (test) => runOne(docker, container, test, port), emit);
}

async function runOne(docker: Docker, container: Docker.Container, test: TestSpec, port: number | undefined): Promise<TestFailure | undefined> {
  if (test.run !== undefined) {
    const env = Object.entries(testEnvironment(port)).map(([key, value]) => `${key}=${value}`);
    const result = await execIn(docker, container, ['sh', '-c', test.run], env);
    return runVerdict(test.run, result.exitCode, result.stdout, result.stderr);
  }
  const probe = await execIn(docker, container, ['timeout', '10', 'bash', `${BOOT_DIR}/probe`, String(port), test.http!]);
  return httpVerdict(test, parseHttpResponse(probe.stdout), probe.stderr.split('\n').slice(-5));
}
