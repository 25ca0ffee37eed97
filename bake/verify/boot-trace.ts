import { BOOT_DIR, TRACE_PREFIX } from '../boot/boot-files.js';
import { ExternalError } from '../errors.js';
import { networkUse } from '../lint/network-commands.js';

/** One command the boot ran, from the shell trace the boot script turns on. */
export interface TracedCommand {
  phase: 'configure' | 'start';
  command: string;
}

export function bootTrace(output: readonly string[]): TracedCommand[] {
  return output.flatMap((line) => {
    if (!line.startsWith(TRACE_PREFIX)) return [];
    const match = /^(configure|start): (.*)$/.exec(line.slice(TRACE_PREFIX.length));
    if (!match || match[2]!.startsWith(`. ${BOOT_DIR}/`)) return [];
    return [{ phase: match[1] as TracedCommand['phase'], command: match[2]! }];
  });
}

/** Say why an instance died before turning healthy, naming the command that did it. */
export function explainBootFailure(role: string, exitCode: number, output: readonly string[], configureOrigin: string): ExternalError {
  const trace = bootTrace(output);
  const tail = output.filter((line) => !line.startsWith(TRACE_PREFIX)).slice(-12);
  const configureFailed = output.some((line) => line === 'kiln-boot: configure failed');
  const last = [...trace].reverse().find((step) => step.phase === (configureFailed ? 'configure' : 'start'));
  const reached = trace.find((step) => networkUse(step.command));
  if (reached) {
    return new ExternalError(
      `role ${role} reached for the network at boot and failed: \`${reached.command}\` in its ${reached.phase} (${networkUse(reached.command)!.why})`,
      reached.command,
      { tail, hint: `boot runs with networking off; do this at bake time in a layer template, not in ${configureOrigin}` },
    );
  }
  if (configureFailed) {
    return new ExternalError(`the configure script for role ${role} failed${last ? ` at \`${last.command}\`` : ''}`, last?.command, { tail, hint: `read ${configureOrigin}; kiln render shows it as rendered` });
  }
  return new ExternalError(`role ${role} exited with status ${exitCode} before turning healthy${last ? ` (command: \`${last.command}\`)` : ''}`, last?.command, { tail, hint: 'run the image with `docker run` to debug, or kiln verify --keep' });
}
