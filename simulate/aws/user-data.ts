import { shellQuote } from '../../bake/template/shell-quote.js';

// EC2 refuses user-data over 16 KB (before base64).
export const USER_DATA_LIMIT = 16 * 1024;

/** How the builder gets its bundle: inside the user-data, or from a presigned S3 URL when it would not fit. */
export type BundleDelivery = { embedded: Buffer } | { url: string; sha256: string };

// What the builder prints on its console; kiln reads it back (GetConsoleOutput) to tell a failed bake from a done one.
export const BUILDER_DONE = 'kiln-builder: done';
export const BUILDER_FAILED = 'kiln-builder: FAILED';

/** What a builder's console says about its scripts: done, failed, or nothing yet (consoles are posted late). */
export function builderVerdict(console: string): 'done' | 'failed' | undefined {
  if (console.includes(BUILDER_FAILED)) return 'failed';
  return console.includes(BUILDER_DONE) ? 'done' : undefined;
}

/**
 * The builder's user-data: unpack the bundle (the same rendered layer scripts the Docker bake runs, and
 * their inputs), run the scripts in order, and power off either way so the bake never waits for a timeout.
 */
export function builderUserData(delivery: BundleDelivery): string {
  const unpack = 'embedded' in delivery
    ? ["base64 -d > /kiln/bundle.tgz <<'KILN_BUNDLE'", ...(delivery.embedded.toString('base64').match(/.{1,76}/g) ?? []), 'KILN_BUNDLE']
    : [
        // Debian's cloud images have curl; wget or python3 stand in on bases that lack it.
        'fetch() {',
        'if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 5 -o "$2" "$1"',
        'elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"',
        'elif command -v python3 >/dev/null 2>&1; then python3 -c \'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])\' "$1" "$2"',
        'else echo "kiln-builder: no curl, wget or python3 to fetch the staged bundle" >&2; return 1; fi',
        '}',
        `fetch ${shellQuote(delivery.url)} /kiln/bundle.tgz`,
        `echo ${shellQuote(`${delivery.sha256}  /kiln/bundle.tgz`)} | sha256sum -c - >/dev/null`,
      ];
  return [
    '#!/bin/sh',
    '# kiln AMI builder: unpack the layer scripts and inputs, run the scripts in order, power off.',
    'export DEBIAN_FRONTEND=noninteractive KILN_INPUTS=/kiln/inputs',
    'build() {',
    'set -e',
    'mkdir -p /kiln',
    ...unpack,
    'tar -xzf /kiln/bundle.tgz -C /kiln',
    'for script in /kiln/scripts/*.sh; do echo "kiln-builder: running ${script##*/}"; sh "$script"; done',
    '}',
    // A subshell outside any condition, so set -e holds inside it; the outcome goes to the console either way.
    '(build)',
    `if [ $? -eq 0 ]; then echo ${shellQuote(BUILDER_DONE)}; else echo ${shellQuote(BUILDER_FAILED)}; fi`,
    'rm -rf /kiln',
    // cloud-init keeps a copy of this user-data (the bundle, or its URL); the image must not carry it.
    'if command -v cloud-init >/dev/null 2>&1; then cloud-init clean --logs; fi',
    'poweroff',
    '',
  ].join('\n');
}

const META_KEYS = ['instance-id', 'ami-id', 'instance-type', 'placement/availability-zone', 'placement/region'];

/**
 * What an EC2 instance runs at every boot: copy the instance metadata (IMDSv2, the platform itself) into
 * the same /run/kiln/meta-data tree the local target writes, read its secrets, run the role's configure
 * script, then become the role. /run is emptied by a reboot, so all of it runs again each time.
 */
export function instanceBootScript(configure: string, command: string, role: string, secretLines: readonly string[] = []): string {
  return [
    '#!/bin/sh',
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
    `exec sh -c ${shellQuote(command)}`,
    '',
  ].join('\n');
}

/** The systemd unit that runs the boot script: the role starts at every boot and restarts if it dies. */
export function roleUnit(role: string): string {
  return [
    '[Unit]',
    `Description=kiln role ${role}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'ExecStart=/bin/sh /var/lib/kiln/boot.sh',
    'Restart=on-failure',
    'RestartSec=2',
    'StandardOutput=append:/var/log/kiln-role.log',
    'StandardError=append:/var/log/kiln-role.log',
    '[Install]',
    'WantedBy=multi-user.target',
  ].join('\n');
}

/**
 * An EC2 instance's user-data (run once, by cloud-init): install the boot script and a systemd unit for
 * it, and start it without waiting, so cloud-init finishes and the role comes back after a reboot.
 * A base without systemd gets the role once, in the background.
 */
export function instanceUserData(configure: string, command: string, role: string, secretLines: readonly string[] = []): string {
  return [
    '#!/bin/sh',
    '# kiln instance: the boot script (metadata, secrets, configure, role) as a systemd unit. Nothing else is fetched.',
    'set -eu',
    'mkdir -p /var/lib/kiln',
    "cat > /var/lib/kiln/boot.sh <<'KILN_BOOT'",
    instanceBootScript(configure, command, role, secretLines).trimEnd(),
    'KILN_BOOT',
    'if command -v systemctl >/dev/null 2>&1; then',
    "cat > /etc/systemd/system/kiln-role.service <<'KILN_UNIT'",
    roleUnit(role),
    'KILN_UNIT',
    'systemctl daemon-reload',
    'systemctl enable kiln-role.service',
    'systemctl start --no-block kiln-role.service',
    'else',
    'nohup sh /var/lib/kiln/boot.sh >>/var/log/kiln-role.log 2>&1 &',
    'fi',
    '',
  ].join('\n');
}
