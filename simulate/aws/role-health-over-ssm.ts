import { ExternalError } from '../../bake/errors.js';
import { shellQuote } from '../../bake/template/shell-quote.js';
import type { AwsApi } from './api.js';
import { runShellOverSsm } from './run-command.js';
import { registrationSeconds, waitSsmOnline } from './ssm-online.js';

/**
 * The shell line that waits, on the instance, until its boot is over (cloud-init ran the user-data) and
 * the role answers its health path; on time-out it prints the role's log. Runs under AWS-RunShellScript.
 */
export function roleHealthCommand(port: number, health: string, timeoutSeconds: number): string {
  const url = shellQuote(`http://127.0.0.1:${port}${health}`);
  const tries = Math.max(1, Math.ceil(timeoutSeconds / 2));
  return [
    'cloud-init status --wait >/dev/null 2>&1 || true',
    `i=0; until curl -fsS -o /dev/null --max-time 2 ${url}; do i=$((i+1)); if [ "$i" -ge ${tries} ]; then echo "not healthy after ${timeoutSeconds}s" >&2; tail -n 20 /var/log/kiln-role.log >&2; exit 1; fi; sleep 2; done`,
  ].join('\n');
}

/**
 * Step 7's "healthy" on EC2: the instance registered with SSM, its boot finished and the role answers
 * its health path, asked on the instance itself. Without this, "running" says only that EC2 started it.
 */
export async function waitRoleHealthyOverSsm(api: AwsApi, instanceId: string, role: { name: string; port: number; health: string }, timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
  await waitSsmOnline(api, instanceId, { timeoutSeconds: registrationSeconds(timeoutSeconds), signal });
  const outcome = await runShellOverSsm(api, instanceId, roleHealthCommand(role.port, role.health, timeoutSeconds), `kiln: ${role.name} health`, { timeoutSeconds: timeoutSeconds + 30, signal });
  if (outcome.state === 'not-run' || outcome.exitCode !== 0) {
    const output = `${outcome.stdout}${outcome.stderr}`.trimEnd().split('\n').slice(-20);
    throw new ExternalError(`role ${role.name} on ${instanceId} did not answer GET ${role.health} on port ${role.port} within ${timeoutSeconds}s`, `GET http://127.0.0.1:${role.port}${role.health} on ${instanceId}`, { hint: 'the tail below is the role\'s log (/var/log/kiln-role.log); its configure template may have failed (cloud-init-output.log)', tail: output });
  }
}
