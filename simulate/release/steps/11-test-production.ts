import { ExternalError } from '../../../bake/errors.js';
import { run } from '../../../bake/process/run.js';
import type { TestSpec } from '../../../bake/config/project.js';
import type { Step } from '../context.js';

/** 11. Test in production: the production tests, through the load balancer. A failure rolls the release back. */
export const testProduction: Step = {
  n: 11,
  name: 'test in production',
  async run(context) {
    const built = await context.built();
    const url = context.record.lb!.url;
    const tests: TestSpec[] = [...built.tests.production];
    if (context.faults.includes('prod-test:fail')) tests.push({ name: 'injected fault prod-test:fail', http: '/kiln-injected-fault', status: 200 });
    if (tests.length === 0) return { skipped: 'no tests.production in kiln.yaml' };
    await waitReachable(url, built.release.timeout, context.signal);
    for (const test of tests) {
      const failure = test.http !== undefined ? await httpTest(url, test) : await commandTest(url, test, built.dir);
      context.emit({ type: 'notice', level: failure ? 'warn' : 'info', message: `production test "${test.name}": ${failure ? `failed: ${failure}` : 'passed'}` });
      if (failure) throw new ExternalError(`production test "${test.name}" failed: ${failure}`, test.run ?? `GET ${url}${test.http}`);
    }
    return `${tests.length} production tests passed via ${url}`;
  },
};

async function httpTest(url: string, test: TestSpec): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}${test.http}`, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.status !== test.status) return `GET ${test.http} answered ${response.status}, expected ${test.status}`;
    if (test.contains !== undefined && !body.includes(test.contains)) return `GET ${test.http} body lacks ${JSON.stringify(test.contains)}`;
    return undefined;
  } catch (error) {
    return `GET ${test.http} failed: ${describeFetchError(error)}`;
  }
}

/**
 * A new cloud load balancer's name can take a while to resolve everywhere; until the URL answers at all
 * (any status), a failure says nothing about the release. A local one answers at once.
 */
async function waitReachable(url: string, timeoutSeconds: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).arrayBuffer();
      return;
    } catch (error) {
      if (signal.aborted || Date.now() > deadline) throw new ExternalError(`the load balancer at ${url} did not answer within ${timeoutSeconds}s: ${describeFetchError(error)}`, `GET ${url}`);
      await new Promise((done) => setTimeout(done, 2_000));
    }
  }
}

// Node's fetch says only "fetch failed"; the cause (ENOTFOUND, ECONNREFUSED, …) is what a person needs.
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${(error as Error).message} (${cause.code ?? cause.message})` : (error as Error).message;
}

async function commandTest(url: string, test: TestSpec, cwd: string): Promise<string | undefined> {
  const result = await run('sh', ['-c', test.run!], { cwd, env: { ...process.env, KILN_URL: url } });
  return result.exitCode === 0 ? undefined : `\`${test.run}\` exited with status ${result.exitCode}: ${result.tail.slice(-3).join(' / ')}`;
}
