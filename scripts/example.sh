#!/usr/bin/env bash
# The README's first command: bake the bundled example and verify it with the network off.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup-host.sh"
node "$root/bin/kiln.js" bake -C "$root/examples/hello" --verify "$@"
