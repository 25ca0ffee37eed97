#!/usr/bin/env bash
# Start the AWS emulators that kiln's emulated-AWS target is tested against, on 127.0.0.1 only:
#   moto server             http://127.0.0.1:5005  (not moto's usual 5000: a local container
#                                                   registry for `kiln push` may hold 5000)
#   LocalStack 4.14.0       http://127.0.0.1:4566  (community edition, run in "host mode")
# Idempotent: installs only what is missing, reuses an emulator whose recorded pid is alive,
# replaces a stale pid file. LocalStack's host mode is unsupported upstream and needs Python 3.12
# or 3.13; when it will not start, its error goes to .kiln-venv/localstack-error.log and the
# script goes on with moto only. Exits 0 when moto is up (LocalStack optional), 1 otherwise.
# Prints one "name=url" line per emulator that is up on stdout; progress goes to stderr.
# Stop them with stop-emulators.sh. First run: about 1 min (moto) + 2 min (LocalStack) of pip.
#
# Settings: KILN_MOTO_PORT, KILN_LOCALSTACK_PORT, KILN_EMULATOR_TIMEOUT (s), KILN_PYTHON,
# KILN_LOCALSTACK_PYTHON, KILN_SKIP_LOCALSTACK=1.
#
# Layout (all under .kiln-venv/, which git ignores):
#   moto/ localstack/     one venv each: localstack-core pins its own fork of moto (moto-ext),
#                         which installs into the same `moto` package dir and would clobber moto
#   <name>.log <name>.pid each emulator's output and process id
#   localstack-fs/        LocalStack's state and temporary files
#   localstack-error.log  why LocalStack did not start, when it did not
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/.kiln-venv"
python=${KILN_PYTHON:-python3}
moto_port=${KILN_MOTO_PORT:-5005}
localstack_port=${KILN_LOCALSTACK_PORT:-4566}
localstack_version=4.14.0
timeout=${KILN_EMULATOR_TIMEOUT:-120}   # seconds to wait for each emulator to answer

mkdir -p "$state"
say() { echo "kiln-emulators: $*" >&2; }

# Install pip requirements into a venv unless they are already there: the wanted distribution
# at the pinned version (when one is given), installed from this same list of requirements
# (recorded in DIR/.kiln-requirements), by a venv of the same Python minor version as PY.
# Usage: ensure_venv DIR PY DIST VERSION|'' SPEC...
ensure_venv() {
  local dir=$1 py=$2 dist=$3 want=$4 have; shift 4
  local specs="$*" minor='import sys; print("%d.%d" % sys.version_info[:2])'
  if [ -x "$dir/bin/python" ] && [ "$("$dir/bin/python" -c "$minor")" != "$("$py" -c "$minor")" ]; then
    say "recreating venv $dir for Python $("$py" -c "$minor")"
    rm -rf "$dir"
  fi
  if [ ! -x "$dir/bin/python" ]; then
    say "creating venv $dir"
    "$py" -m venv "$dir"
  fi
  have=$("$dir/bin/python" -c 'import importlib.metadata as m, sys
try: print(m.version(sys.argv[1]))
except m.PackageNotFoundError: pass' "$dist")
  if [ -n "$have" ] && { [ -z "$want" ] || [ "$have" = "$want" ]; } \
    && [ "$(cat "$dir/.kiln-requirements" 2>/dev/null)" = "$specs" ]; then
    return 0
  fi
  say "installing $specs (have: $dist ${have:-none}); this can take several minutes the first time"
  rm -f "$dir/.kiln-requirements"
  # stdout carries only the "name=url" lines, so pip talks on stderr
  "$dir/bin/python" -m pip install --quiet "$@" >&2 || return 1
  echo "$specs" >"$dir/.kiln-requirements"
}

# True when the pid file names a live process whose command line contains $2
# (guards against a recycled pid belonging to something else).
alive() {
  local pidfile=$1 marker=$2 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o args= 2>/dev/null | grep -q -- "$marker"
}

# LocalStack 4.14.0 needs Python 3.12 or 3.13: it uses PEP 695 generics although its metadata
# says >=3.10, so under 3.11 it starts but calls fail, e.g. STS GetCallerIdentity with
# "InternalError: ... invalid syntax (stores.py, line 193)". Prints the interpreter found.
localstack_python() {
  local c v ok='import sys; sys.exit(not (3, 12) <= sys.version_info[:2] <= (3, 13))'
  for c in ${KILN_LOCALSTACK_PYTHON:-} python3.13 python3.12 "$python"; do
    # pyenv shims exist for versions that are installed but not selected, hence the run test.
    if command -v "$c" >/dev/null 2>&1 && "$c" -c "$ok" 2>/dev/null; then command -v "$c"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.[0-9]+$' | sort -t. -k2,2nr -k3,3nr); do
      c="$(pyenv root)/versions/$v/bin/python3"
      if [ -x "$c" ] && "$c" -c "$ok" 2>/dev/null; then echo "$c"; return 0; fi
    done
  fi
  return 1
}

# HTTP GET that succeeds on a 2xx answer; uses the venv's Python so curl is not required.
answers() {
  "$state/moto/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if 200 <= r.status < 300 else 1)
PY
}

# True when something already listens on 127.0.0.1:PORT.
port_busy() {
  "$state/moto/bin/python" -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# Start "$@" detached, logging to $state/$name.log and recording its pid. setsid (when present)
# makes it a process-group leader so stop-emulators.sh can end it together with its children.
launch() {
  local name=$1; shift
  local log="$state/$name.log"
  : >"$log"
  if command -v setsid >/dev/null 2>&1; then
    (cd "$state" && exec setsid "$@") >"$log" 2>&1 </dev/null &
  else
    (cd "$state" && exec nohup "$@") >"$log" 2>&1 </dev/null &
  fi
  echo $! >"$state/$name.pid"
}

# Wait until URL answers or the pid dies or the timeout passes. Prints the seconds it took.
wait_up() {
  local name=$1 url=$2 marker=$3 start=$SECONDS
  while [ $((SECONDS - start)) -lt "$timeout" ]; do
    if answers "$url"; then echo $((SECONDS - start)); return 0; fi
    alive "$state/$name.pid" "$marker" || return 1
    sleep 0.5
  done
  return 1
}

# Stop one of our own emulators by its recorded pid (used when it failed to come up).
kill_recorded() {
  local name=$1 marker=$2 pid
  if alive "$state/$name.pid" "$marker"; then
    pid=$(cat "$state/$name.pid")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -f "$state/$name.pid"
}

up=()

# ---- moto ------------------------------------------------------------------------------------
# Pinned: the release the emulated target was built and tested against.
ensure_venv "$state/moto" "$python" moto 5.2.5 'moto[server]==5.2.5'
moto_url="http://127.0.0.1:$moto_port/moto-api/"
moto_marker="moto_server -H 127.0.0.1 -p $moto_port"
if alive "$state/moto.pid" moto_server && ! alive "$state/moto.pid" "$moto_marker"; then
  say "moto (pid $(cat "$state/moto.pid")) runs on another port; restarting it on $moto_port"
  kill_recorded moto moto_server
  sleep 1
fi
if alive "$state/moto.pid" "$moto_marker"; then
  say "moto already running (pid $(cat "$state/moto.pid"))"
elif answers "$moto_url"; then
  # Someone else's moto on our port: usable, but stop-emulators.sh will not touch it.
  say "moto answers on port $moto_port but was not started by this script; using it"
  rm -f "$state/moto.pid"
elif port_busy "$moto_port"; then
  say "port $moto_port is in use by another program; set KILN_MOTO_PORT to a free port"
  exit 1
else
  rm -f "$state/moto.pid"   # stale or absent
  say "starting moto on 127.0.0.1:$moto_port"
  launch moto "$state/moto/bin/moto_server" -H 127.0.0.1 -p "$moto_port"
fi
if secs=$(wait_up moto "$moto_url" "$moto_marker"); then
  say "moto up after ${secs}s: http://127.0.0.1:$moto_port"
  up+=("moto=http://127.0.0.1:$moto_port")
else
  say "moto did not answer $moto_url within ${timeout}s; last lines of $state/moto.log:"
  tail -n 20 "$state/moto.log" >&2 || true
  kill_recorded moto moto_server
  exit 1
fi

# ---- LocalStack (optional) -------------------------------------------------------------------
ls_marker=localstack.runtime.main
ls_url="http://127.0.0.1:$localstack_port/_localstack/health"
# GATEWAY_LISTEN: loopback only. GATEWAY_SERVER=hypercorn: the default (twisted) server
#   ignores the host part of GATEWAY_LISTEN and binds 0.0.0.0.
# DNS_ADDRESS=0: do not bind port 53.
# OVERRIDE_IN_DOCKER=0: inside a container (/.dockerenv) it would assume it is its own image
#   and write to /var/lib/localstack; host mode keeps its files under FILESYSTEM_ROOT.
# SKIP_SSL_CERT_DOWNLOAD, DISABLE_EVENTS: do not reach the internet.
ls_env=(GATEWAY_LISTEN="127.0.0.1:$localstack_port" GATEWAY_SERVER=hypercorn DNS_ADDRESS=0
  OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$state/localstack-fs" SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1)

# Install and start LocalStack, or reuse a running one. Returns 1, with the reason in
# localstack.log, when it cannot start.
start_localstack() {
  local py
  if ! py=$(localstack_python); then
    echo "LocalStack $localstack_version needs Python 3.12 or 3.13 (it uses Python 3.12 syntax);" \
      "none was found (tried python3.13, python3.12, $python, pyenv). Set KILN_LOCALSTACK_PYTHON." \
      >"$state/localstack.log"
    return 1
  fi
  # 4.14.0 declares its dependencies without upper bounds; these newer releases break it:
  #   cbor2 6 drops cbor2._decoder ("No component plugins found in namespace
  #     localstack.runtime.components"), pyOpenSSL 26 drops X509.add_extensions,
  #   localstack-twisted 26 needs service_identity, which nothing installs.
  if ! ensure_venv "$state/localstack" "$py" localstack-core "$localstack_version" \
    "localstack-core[runtime]==$localstack_version" 'cbor2<6' 'pyopenssl<26' 'localstack-twisted<26'; then
    echo "pip could not install localstack-core $localstack_version (see the output above)" >"$state/localstack.log"
    return 1
  fi
  if alive "$state/localstack.pid" "$ls_marker"; then
    say "LocalStack already running (pid $(cat "$state/localstack.pid"))"
  elif answers "$ls_url"; then
    say "LocalStack answers on port $localstack_port but was not started by this script; using it"
    rm -f "$state/localstack.pid"
  elif port_busy "$localstack_port"; then
    # LocalStack would print "Ready." and never answer: say why instead.
    echo "port $localstack_port is in use by another program; set KILN_LOCALSTACK_PORT to a free port" \
      >"$state/localstack.log"
    return 1
  else
    rm -f "$state/localstack.pid"   # stale or absent
    say "starting LocalStack $localstack_version on 127.0.0.1:$localstack_port (host mode)"
    launch localstack env "${ls_env[@]}" "$state/localstack/bin/python" -m "$ls_marker"
  fi
  local secs
  secs=$(wait_up localstack "$ls_url" "$ls_marker") || return 1
  say "LocalStack up after ${secs}s: http://127.0.0.1:$localstack_port"
}

if [ "${KILN_SKIP_LOCALSTACK:-}" = 1 ]; then
  say "KILN_SKIP_LOCALSTACK=1: not starting LocalStack"
elif start_localstack; then
  rm -f "$state/localstack-error.log"
  up+=("localstack=http://127.0.0.1:$localstack_port")
else
  kill_recorded localstack "$ls_marker"
  {
    echo "LocalStack $localstack_version did not start in host mode."
    echo "Command: ${ls_env[*]} python -m $ls_marker"
    echo "Last lines of its log:"
    tail -n 40 "$state/localstack.log" 2>/dev/null || true
  } >"$state/localstack-error.log"
  say "LocalStack FAILED to start; continuing with moto only. Error (.kiln-venv/localstack-error.log):"
  sed 's/^/  | /' "$state/localstack-error.log" >&2
fi

say "emulators up: ${up[*]}"
# One machine-readable line per emulator on stdout, e.g. for `eval` or a test setup to parse.
printf '%s\n' "${up[@]}"
