#!/usr/bin/env bash
# The README's first command: bake the bundled example, verify it with the network off,
# then rehearse a full twelve-step release of it on the local Docker engine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup-host.sh" --example
kiln() { node "$root/bin/kiln.js" -C "$root/examples/hello" "$@"; }
kiln bake --verify --quiet
kiln release --yes --quiet "$@"
echo
echo "The example is live. Try:"
echo "  curl -s http://127.0.0.1:8480/version"
echo "  node bin/kiln.js -C examples/hello status"
echo "  node bin/kiln.js -C examples/hello history"
