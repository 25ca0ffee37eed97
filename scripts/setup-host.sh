#!/usr/bin/env bash
# Make this host ready for kiln's tests and example: a running Docker engine, shellcheck,
# debootstrap, a registry on 127.0.0.1:5000 (Debian's docker-registry) for `kiln push`, and the
# AWS emulators (moto on 127.0.0.1:5005, LocalStack on 127.0.0.1:4566) for the aws target.
# Idempotent; safe to run on every `npm test`.
# On a Debian/Ubuntu host as root it installs what is missing from Debian's packages;
# anywhere else it says what to install and exits non-zero.
# --example: only what the README's first command needs (a Docker engine; Docker Desktop will do);
# the other tools are installed when that is possible and otherwise only mentioned.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
example=false
[ "${1:-}" = "--example" ] && example=true
can_install=false
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && can_install=true

need_pkgs=()
if [ "$example" = false ] || [ "$can_install" = true ]; then
  command -v shellcheck >/dev/null 2>&1 || need_pkgs+=(shellcheck)
  command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
  [ "$example" = true ] || command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
  # tmux drives the terminal UI's end-to-end tests in a real terminal.
  [ "$example" = true ] || command -v tmux >/dev/null 2>&1 || need_pkgs+=(tmux)
fi
if ! bash "$here/docker-ping.sh" >/dev/null 2>&1; then
  command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
fi
for extra in ${KILN_EXTRA_PACKAGES:-}; do
  command -v "$extra" >/dev/null 2>&1 || need_pkgs+=("$extra")
done

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$can_install" = true ]; then
    echo "kiln setup: installing ${need_pkgs[*]} from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  else
    echo "kiln setup: missing ${need_pkgs[*]}." >&2
    echo "  Install Docker Desktop (macOS/Windows) or your distribution's docker engine," >&2
    echo "  plus shellcheck, debootstrap and docker-registry (or any registry on 127.0.0.1:5000)," >&2
    echo "  then run this again." >&2
    exit 1
  fi
fi

bash "$here/start-docker.sh"
if [ "$example" = false ]; then
  bash "$here/start-registry.sh"
  # moto and LocalStack for the AWS target's tests (installed into .kiln-venv/ on first use).
  bash "$here/start-emulators.sh" >&2
fi
