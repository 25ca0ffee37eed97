#!/usr/bin/env bash
# Exit 0 when a Docker engine answers on DOCKER_HOST (or the default socket).
set -euo pipefail
node --input-type=module -e '
import Docker from "dockerode";
const docker = new Docker();
const timer = setTimeout(() => process.exit(1), 3000);
docker.ping().then(() => { clearTimeout(timer); process.exit(0); }, () => process.exit(1));
' 
