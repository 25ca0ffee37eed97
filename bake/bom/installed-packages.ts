import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { removeContainer } from '../docker/container-io.js';
import { LABEL } from '../docker/labels.js';
import { shortDigest } from '../recipe/digest.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { parseDpkgList, type Bom } from './bom.js';

/**
 * The Debian packages in a layer image, asked of dpkg-query in a throwaway container (network off).
 * The answer depends only on the layer digest, so it is cached under .kiln/bom/.
 */
export async function installedPackages(docker: Docker, layerRef: string, layerDigest: string, cacheDir: string): Promise<Bom['packages']> {
  const cache = join(cacheDir, `packages-${shortDigest(layerDigest, 64)}.tsv`);
  if (existsSync(cache)) return parseDpkgList(await readFile(cache, 'utf8'));
  const container = await docker.createContainer({
    Image: layerRef, Entrypoint: ['dpkg-query'], Cmd: ['-W', '-f=${Package}\t${Version}\n'], NetworkDisabled: true,
    Labels: { [LABEL.managed]: 'true', [LABEL.purpose]: 'bom' }, HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    await container.wait();
    const raw = (await container.logs({ stdout: true, stderr: false })) as unknown as Buffer;
    const out: Buffer[] = [];
    const source = new PassThrough();
    docker.modem.demuxStream(source, new PassThrough().on('data', (chunk: Buffer) => out.push(chunk)), new PassThrough());
    source.end(raw);
    await new Promise((done) => setImmediate(done));
    const text = Buffer.concat(out).toString('utf8');
    await writeFileAtomic(cache, text);
    return parseDpkgList(text);
  } finally {
    await removeContainer(container).catch(() => {});
  }
}
