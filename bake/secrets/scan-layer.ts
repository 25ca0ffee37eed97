import type Docker from 'dockerode';
import { posix } from 'node:path';
import { extract } from 'tar-stream';

/** Something in a layer that must not ship: a declared secret's value, or a credential by its shape. */
export interface ScanFinding {
  path: string;
  what: string;
}

// Credential shapes worth refusing on sight. AWS's documented example key is not a credential.
const PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)(?!IOSFODNN7EXAMPLE)[A-Z0-9]{16}\b/ },
  { what: 'a private key', pattern: /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----/ },
];

const KIND_ADDED = 1;
const KIND_DELETED = 2;

/**
 * Scan what a builder container changed — exactly the layer its commit would make — before committing.
 * Each top-most changed path is exported as a tar (the layer's own content, not the whole image).
 */
export async function scanLayerChanges(container: Docker.Container, secrets: ReadonlyMap<string, string>): Promise<{ findings: ScanFinding[]; files: number }> {
  const changes = parseChanges(await container.changes());
  const findings: ScanFinding[] = [];
  let files = 0;
  for (const path of topMostPaths(changes)) {
    const archive = (await container.getArchive({ path })) as unknown as NodeJS.ReadableStream;
    files += await scanTar(archive, posix.dirname(path), secrets, findings);
  }
  return { findings, files };
}

/** The engine answers `null` (sometimes as raw bytes) for a layer that changed nothing. */
function parseChanges(raw: unknown): { Path: string; Kind: number }[] {
  const value = Buffer.isBuffer(raw) || typeof raw === 'string' ? JSON.parse(String(raw) || 'null') : raw;
  return Array.isArray(value) ? (value as { Path: string; Kind: number }[]) : [];
}

/** Paths to export: added subtrees once at their root, and changed entries with nothing changed below them (files). */
export function topMostPaths(changes: readonly { Path: string; Kind: number }[]): string[] {
  const kept = changes.filter((change) => change.Kind !== KIND_DELETED);
  const added = kept.filter((change) => change.Kind === KIND_ADDED).map((change) => change.Path);
  const under = (path: string, root: string) => path.startsWith(root.endsWith('/') ? root : `${root}/`);
  return kept
    .filter((change) => !added.some((root) => under(change.Path, root)))
    .filter((change) => change.Kind === KIND_ADDED || !kept.some((other) => under(other.Path, change.Path)))
    .map((change) => change.Path)
    .sort();
}

function scanTar(archive: NodeJS.ReadableStream, parent: string, secrets: ReadonlyMap<string, string>, findings: ScanFinding[]): Promise<number> {
  return new Promise((done, fail) => {
    let files = 0;
    const reader = extract();
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') {
          files++;
          const path = posix.join(parent, header.name);
          const content = Buffer.concat(chunks);
          for (const [name, value] of secrets) if (content.includes(value)) findings.push({ path, what: `the value of secret ${name}` });
          const text = content.toString('latin1');
          for (const { what, pattern } of PATTERNS) if (pattern.test(text)) findings.push({ path, what });
        }
        next();
      });
      stream.resume();
    });
    reader.on('finish', () => done(files));
    reader.on('error', fail);
    archive.on('error', fail);
    archive.pipe(reader);
  });
}
