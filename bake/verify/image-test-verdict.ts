// Whether one image test passed, from what it printed: shared by the Docker and SSM paths.
import type { TestSpec } from '../config/project.js';

/** Why one image test failed: a sentence and the output lines worth showing. */
export interface TestFailure {
  message: string;
  output: string[];
}

/** A `run` test passes on exit status 0; otherwise its last output lines explain why. */
export function runVerdict(command: string, exitCode: number, stdout: string, stderr: string): TestFailure | undefined {
  const output = `${stdout}${stderr}`.trimEnd().split('\n').slice(-12);
  return exitCode === 0 ? undefined : { message: `\`${command}\` exited with status ${exitCode}`, output };
}

/** An `http` test passes when the response has the expected status and, if asked, contains the text. */
export function httpVerdict(test: TestSpec, response: { status: number; body: string } | undefined, diagnostics: string[]): TestFailure | undefined {
  if (!response) return { message: `GET ${test.http} got no HTTP response`, output: diagnostics };
  if (response.status !== test.status) return { message: `GET ${test.http} answered ${response.status}, expected ${test.status}`, output: response.body.split('\n').slice(0, 10) };
  if (test.contains !== undefined && !response.body.includes(test.contains)) {
    return { message: `GET ${test.http} body does not contain ${JSON.stringify(test.contains)}`, output: response.body.split('\n').slice(0, 10) };
  }
  return undefined;
}
