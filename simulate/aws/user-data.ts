import { shellQuote } from '../../bake/template/shell-quote.js';
import type { RenderedLayer } from '../../bake/recipe/recipe.js';
import { createGzip } from 'node:zlib';
import { packTar, type TarEntry } from '../../bake/docker/tar.js';

// EC2 refuses user-data over 16 KB (before base64).
export const USER_DATA_LIMIT = 16 * 1024;

/** Every layer's input files as one gzipped tar, laid out as the Docker bake lays them under $KILN_INPUTS. */
export async function inputsArchive(layers: readonly RenderedLayer[]): Promise<Buffer> {
  const tar = packTar(layers.flatMap((layer) => layer.inputs.map((input): TarEntry => (input.linkTarget !== undefined ? { name: input.dest, link: input.linkTarget } : { name: input.dest, mode: input.mode, file: input.source, size: input.size }))));
  const chunks: Buffer[] = [];
  for await (const chunk of tar.pipe(createGzip({ level: 9 }))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The builder's user-data: the layers' input files (a base64 gzipped tar), the same rendered layer
 * scripts the Docker bake runs, in order, then a power-off so the bake can image the stopped instance.
 */
export function builderUserData(layers: readonly RenderedLayer[], inputs?: Buffer): string {
  const scripts = layers.flatMap((layer) => layer.scripts.map((script, index) => ({ name: `${layer.name}-${index + 1}`, text: script.text })));
  return [
    '#!/bin/sh',
    '# kiln AMI builder: run each layer script, then power off so kiln can image the instance.',
    'set -eu',
    'export DEBIAN_FRONTEND=noninteractive KILN_INPUTS=/kiln/inputs',
    'mkdir -p /kiln/scripts /kiln/inputs',
    ...(inputs && inputs.length ? ["base64 -d <<'KILN_INPUTS' | tar -xz -C /kiln/inputs", ...(inputs.toString('base64').match(/.{1,76}/g) ?? []), 'KILN_INPUTS'] : []),
    ...scripts.flatMap(({ name, text }) => [`cat > /kiln/scripts/${name}.sh <<'KILN_${name.toUpperCase().replace(/-/g, '_')}'`, text.trimEnd(), `KILN_${name.toUpperCase().replace(/-/g, '_')}`]),
    'for script in /kiln/scripts/*.sh; do sh "$script"; done',
    'rm -rf /kiln',
    'poweroff',
    '',
  ].join('\n');
}

const META_KEYS = ['instance-id', 'ami-id', 'instance-type', 'placement/availability-zone', 'placement/region'];

/**
 * An EC2 instance's user-data: copy the instance metadata (IMDSv2, the platform itself) into the same
 * /run/kiln/meta-data tree the local target writes, run the role's configure script, start the role.
 */
export function instanceUserData(configure: string, command: string, role: string, secretLines: readonly string[] = []): string {
  return [
    '#!/bin/sh',
    '# kiln instance boot: metadata from IMDS, then configure, then the role. Nothing else is fetched.',
    'set -eu',
    'imds() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; }',
    "token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)",
    'mkdir -p /run/kiln/meta-data/placement /run/kiln/meta-data/tags/instance /etc/kiln',
    ...META_KEYS.map((key) => `imds ${key} > /run/kiln/meta-data/${key}`),
    `printf %s ${shellQuote(role)} > /run/kiln/meta-data/tags/instance/Role`,
    ...secretLines,
    "cat > /run/kiln/user-data <<'KILN_CONFIGURE'",
    configure.trimEnd(),
    'KILN_CONFIGURE',
    'sh /run/kiln/user-data',
    'if [ -f /etc/kiln/env ]; then set -a; . /etc/kiln/env; set +a; fi',
    `nohup sh -c ${shellQuote(command)} >/var/log/kiln-role.log 2>&1 &`,
    '',
  ].join('\n');
}
