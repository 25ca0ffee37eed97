#!/usr/bin/env bash
# Start a container registry on 127.0.0.1:5000 (Debian's docker-registry, distribution 2.8) for
# `kiln push` and the push tests. Idempotent: exits at once when a registry already answers there.
# Copes with a stale pid file, and with a registry process of ours that stopped answering.
# Docker treats 127.0.0.0/8 registries as insecure by itself, so the engine needs no config.
set -euo pipefail

addr=${KILN_REGISTRY_ADDR:-127.0.0.1:5000}
if [ "$(id -u)" = 0 ]; then default_dir=/var/lib/kiln-registry; else default_dir=${XDG_STATE_HOME:-$HOME/.local/state}/kiln-registry; fi
dir=${KILN_REGISTRY_DIR:-$default_dir}
pidfile=$dir/registry.pid
log=$dir/registry.log

# A registry answers GET /v2/ with this header; anything else on the port is not one.
answers() {
  curl -fsS -o /dev/null -D - --max-time 2 "http://$addr/v2/" 2>/dev/null | grep -qi '^docker-distribution-api-version: registry/2'
}
ours() {
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q docker-registry
}

if answers; then exit 0; fi

if ! command -v docker-registry >/dev/null 2>&1; then
  echo "kiln: no registry answers on $addr and docker-registry is not installed." >&2
  echo "  Run scripts/setup-host.sh as root on Debian/Ubuntu (apt-get install docker-registry)," >&2
  echo "  or start any registry listening on $addr." >&2
  exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "kiln: curl is needed to check the registry on $addr; install it and run this again." >&2
  exit 1
fi

mkdir -p "$dir/data"
if ours; then
  # Ours, alive, not answering: give it a moment (it may be starting), then replace it.
  for _ in $(seq 1 5); do answers && exit 0; sleep 0.5; done
  pid=$(cat "$pidfile")
  echo "kiln: registry (pid $pid) does not answer on $addr; restarting it" >&2
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  # A stopped (SIGSTOP) process never acts on SIGTERM.
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
fi
rm -f "$pidfile"

# Our own config: the packaged one listens on every interface and wants an htpasswd file.
cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: $addr
  secret: $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
EOF

echo "kiln: starting docker-registry on $addr (storage: $dir/data, log: $log)" >&2
nohup docker-registry serve "$dir/config.yml" >"$log" 2>&1 </dev/null &
echo $! >"$pidfile"

for _ in $(seq 1 40); do
  if answers; then exit 0; fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
  sleep 0.25
done
echo "kiln: docker-registry did not answer on $addr; last lines of $log:" >&2
tail -n 5 "$log" >&2 || true
if grep -q 'address already in use' "$log" 2>/dev/null; then
  echo "  Something else holds $addr (Debian's own docker-registry service? \`systemctl disable --now docker-registry\`)," >&2
  echo "  or set KILN_REGISTRY_ADDR to a free 127.0.0.1 port." >&2
fi
exit 1
