#!/usr/bin/env bash
# Stop the emulators that start-emulators.sh started, and only those: each is ended by the pid
# it recorded in .kiln-venv/<name>.pid (never by name), after checking that the pid still
# belongs to that emulator. A stale pid file is just removed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/.kiln-venv"
say() { echo "kiln-emulators: $*" >&2; }

# name and a string its command line must contain (guards against a recycled pid)
for entry in moto:moto_server localstack:localstack.runtime.main; do
  name=${entry%%:*} marker=${entry#*:}
  pidfile="$state/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null \
    || ! ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$marker"; then
    say "$name: stale pid file removed"
    rm -f "$pidfile"
    continue
  fi
  # start-emulators.sh made it a process-group leader (setsid), so signal the group to take
  # its children along; fall back to the single pid when it is not one.
  target=$pid
  [ "$(ps -p "$pid" -o pgid= 2>/dev/null | tr -d ' ')" = "$pid" ] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "$name (pid $pid) stopped"
done
