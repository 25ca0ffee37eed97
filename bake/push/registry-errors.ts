import { ExternalError, UserError } from '../errors.js';
import { isLoopback, type RegistryRef } from './registry-ref.js';

// The engine's words when it cannot reach a registry at all (refused, unknown host, timeout, TLS to a plain-HTTP one).
const UNREACHABLE = /connection refused|no such host|i\/o timeout|dial tcp|server gave HTTP response to HTTPS client|no route to host|network is unreachable|context deadline exceeded/i;

/** Turn a failed push (or pull) into an error that names the registry and says what to try. */
export function explainRegistryError(error: unknown, registry: RegistryRef, doing: string): Error {
  if (error instanceof UserError || error instanceof ExternalError) return error;
  const message = ((error as Error)?.message ?? String(error)).replace(/^\(HTTP code \d+\)\s*(?:[a-z ]+ - )?/, '').trim();
  if (UNREACHABLE.test(message)) {
    const hint = isLoopback(registry)
      ? `start it: \`${registry.host === '127.0.0.1:5000' ? '' : `KILN_REGISTRY_ADDR=${registry.host} `}bash scripts/start-registry.sh\`, or check the address ${registry.host}`
      : `check that ${registry.host} is up and that the Docker engine can reach it (docker pull/push to it by hand)`;
    return new UserError(`the registry ${registry.host} does not answer while ${doing}: ${message}`, hint, { cause: error });
  }
  if (/manifest unknown|not found: manifest|name unknown/i.test(message)) {
    return new UserError(`the registry ${registry.host} has no such image while ${doing}: ${message}`, 'push it there first, or check the name and tag', { cause: error });
  }
  if (/unauthorized|authentication required|denied/i.test(message)) {
    return new UserError(`the registry ${registry.host} refused ${doing}: ${message}`, 'kiln pushes without credentials; use a registry open to this machine', { cause: error });
  }
  return new ExternalError(`docker failed while ${doing} to ${registry.host}: ${message}`, undefined, { cause: error });
}
