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
    return `GET ${test.http} failed: ${(error as Error).message}`;
  }
}

async function commandTest(url: string, test: TestSpec, cwd: string): Promise<string | undefined> {
  const result = await run('sh', ['-c', test.run!], { cwd, env: { ...process.env, KILN_URL: url } });
  return result.exitCode === 0 ? undefined : `\`${test.run}\` exited with status ${result.exitCode}: ${result.tail.slice(-3).join(' / ')}`;
}
