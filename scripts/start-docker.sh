#!/usr/bin/env bash
# Start dockerd when no engine answers. Copes with stale pid and socket files left by
# an engine that was killed (CI ends every process a session left running).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if bash "$here/docker-ping.sh"; then exit 0; fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "kiln: no Docker engine answers and dockerd is not installed." >&2
  echo "  Run scripts/setup-host.sh as root on Debian/Ubuntu, or start Docker Desktop." >&2
  exit 1
fi
if [ -n "${DOCKER_HOST:-}" ]; then
  echo "kiln: DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST." >&2
  exit 1
fi

pidfile=/var/run/docker.pid
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "kiln: dockerd (pid $pid) is running but not answering yet; waiting" >&2
  else
    rm -f "$pidfile"
  fi
fi
if ! [ -f "$pidfile" ]; then
  # A socket file with no engine behind it makes dockerd refuse to start.
  rm -f /var/run/docker.sock
  for stale in /var/run/docker/containerd/containerd.pid /run/containerd/containerd.pid; do
    [ -f "$stale" ] && ! kill -0 "$(cat "$stale")" 2>/dev/null && rm -f "$stale"
  done
  log=${KILN_DOCKERD_LOG:-/var/log/kiln-dockerd.log}
  echo "kiln: starting dockerd (log: $log)" >&2
  nohup dockerd >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
  if bash "$here/docker-ping.sh"; then exit 0; fi
  sleep 0.5
done
echo "kiln: dockerd did not answer within 60 s; see ${KILN_DOCKERD_LOG:-/var/log/kiln-dockerd.log}" >&2
exit 1
