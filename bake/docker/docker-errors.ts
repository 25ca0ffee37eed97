import { ExternalError, UserError } from '../errors.js';

/** Turn an engine failure into an error that says what kiln was doing and what to try. */
export function explainDockerError(error: unknown, doing: string, tail: string[] = []): Error {
  if (error instanceof UserError || error instanceof ExternalError) return error;
  const message = (error as Error)?.message ?? String(error);
  const all = `${message}\n${tail.join('\n')}`;
  if (/no space left on device/i.test(all)) {
    return new UserError(`disk full while ${doing}; kiln removed what it had started`, 'free space (kiln gc, or remove unused images) and bake again', { cause: error });
  }
  if (/ECONNREFUSED|ENOENT.*docker\.sock|socket hang up/i.test(message)) {
    return new UserError(`lost the Docker engine while ${doing}: ${message}`, 'is dockerd still running? `bash scripts/setup-host.sh` starts it', { cause: error });
  }
  return new ExternalError(`docker failed while ${doing}: ${message.replace(/^\(HTTP code \d+\)\s*/, '')}`, undefined, { cause: error, tail });
}
