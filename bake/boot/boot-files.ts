import type { TarEntry } from '../docker/tar.js';
import { metadataTree, type InstanceIdentity } from './metadata.js';

/** Where boot-time files live in an instance; the local stand-in for user-data and IMDS. */
export const BOOT_DIR = '/run/kiln';
export const TRACE_PREFIX = '+kiln-trace ';

// PID 1's script: configure from metadata (traced, so a failure names its command), then become the role.
const BOOT = `#!/bin/sh
# kiln-boot: configure this instance from its metadata alone, then become the role's command.
set -eu
export KILN_META=${BOOT_DIR}/meta-data KILN_SECRETS=${BOOT_DIR}/secrets
if [ -f ${BOOT_DIR}/secrets-expected ]; then
  # Secrets arrive in a tmpfs just after start; wait for them (10 s at most).
  waited=0
  while [ ! -f ${BOOT_DIR}/secrets/.ready ]; do
    waited=$((waited + 1)); [ "$waited" -gt 200 ] && { echo "kiln-boot: secrets never arrived" >&2; exit 96; }
    sleep 0.05
  done
fi
echo "kiln-boot: configure"
if ! PS4='${TRACE_PREFIX}configure: ' sh -c 'set -x; . ${BOOT_DIR}/user-data'; then
  echo "kiln-boot: configure failed" >&2
  exit 97
fi
if [ -f /etc/kiln/env ]; then set -a; . /etc/kiln/env; set +a; fi
echo "kiln-boot: start"
exec sh ${BOOT_DIR}/start
`;

// An HTTP GET with nothing but bash, so probing needs no tool in the image: bash PROBE PORT PATH.
export const PROBE = `exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 7
printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' "$2" >&3
cat <&3
`;

/** A simple command is exec'd, so it is PID 1's child-free successor and receives SIGTERM itself. */
export function startScript(command: string): string {
  const simple = !/[;&|<>()`$\n]|^\s*(?:if|for|while|until|case)\b/.test(command);
  return `printf '%s\\n' '${TRACE_PREFIX}start: ${command.replace(/'/g, `'\\''`)}' >&2\n${simple ? 'exec ' : ''}${command}\n`;
}

/** The files an instance boots with, as tar entries rooted at / (for putArchive). */
export function bootFiles(identity: InstanceIdentity, configureScript: string, command: string, options: { secrets?: boolean } = {}): TarEntry[] {
  const meta = metadataTree(identity);
  const root = BOOT_DIR.slice(1);
  return [
    { name: `${root}/boot`, mode: 0o755, content: BOOT },
    { name: `${root}/probe`, mode: 0o755, content: PROBE },
    { name: `${root}/user-data`, mode: 0o700, content: configureScript },
    { name: `${root}/start`, mode: 0o700, content: startScript(command) },
    { name: `${root}/metadata.json`, mode: 0o644, content: `${JSON.stringify(meta, null, 2)}\n` },
    ...(options.secrets ? [{ name: `${root}/secrets-expected`, mode: 0o644, content: '' }] : []),
    ...Object.entries(meta).map(([path, value]) => ({ name: `${root}/meta-data/${path}`, mode: 0o644, content: value })),
  ];
}
