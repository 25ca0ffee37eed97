import { UserError } from '../errors.js';

/** Where `--to` points: a registry host (with port) and an optional path that prefixes every repository. */
export interface RegistryRef {
  /** host[:port], as docker names it, e.g. 127.0.0.1:5000. */
  host: string;
  /** e.g. "team" in 127.0.0.1:5000/team; empty when none. */
  path: string;
}

const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
const PATH_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parse `--to REGISTRY` without touching the network: host[:port][/path], no scheme, tag or digest. */
export function parseRegistry(to: string | undefined): RegistryRef {
  if (to === undefined || to.trim() === '') {
    throw new UserError('kiln push needs a registry: --to REGISTRY', 'e.g. kiln push --to 127.0.0.1:5000 (start a local one with `bash scripts/start-registry.sh`)');
  }
  const value = to.trim().replace(/\/+$/, '');
  if (/^[a-z]+:\/\//i.test(value)) {
    throw new UserError(`--to ${JSON.stringify(to)}: give the registry as host[:port], without a scheme`, `kiln push --to ${value.replace(/^[a-z]+:\/\//i, '')}`);
  }
  const [host = '', ...path] = value.split('/');
  // Docker reads a first part without a dot, colon or "localhost" as a Docker Hub namespace, not a host.
  const looksLikeHost = host.includes('.') || host.includes(':') || host === 'localhost';
  if (!host || !HOST.test(host) || !looksLikeHost) {
    throw new UserError(`--to ${JSON.stringify(to)} is not a registry address`, 'give host[:port], e.g. --to 127.0.0.1:5000 (start a local one with `bash scripts/start-registry.sh`)');
  }
  const bad = path.find((part) => !PATH_PART.test(part));
  if (bad !== undefined) {
    throw new UserError(`--to ${JSON.stringify(to)}: ${JSON.stringify(bad)} is not a valid repository path part`, 'use lowercase letters, digits and . _ - (no tag or digest: kiln picks the tags)');
  }
  return { host, path: path.join('/') };
}

/** The repository an image of `project` goes to: <host>[/<path>]/kiln/<project>, as it is named locally. */
export function pushRepository(registry: RegistryRef, localRepository: string): string {
  return [registry.host, registry.path, localRepository].filter(Boolean).join('/');
}

/** Whether the registry is one `scripts/start-registry.sh` can start (a loopback address). */
export function isLoopback(registry: RegistryRef): boolean {
  return /^(?:127\.[0-9.]+|localhost|\[::1\])(?::|$)/.test(registry.host);
}

/** The registry an image reference names, when it names one (docker's rule: a first part with a dot, a colon or "localhost"). */
export function registryOfImage(ref: string): RegistryRef | undefined {
  const first = ref.split('/')[0] ?? '';
  if (!ref.includes('/') || !(first.includes('.') || first.includes(':') || first === 'localhost')) return undefined;
  return { host: first, path: '' };
}
