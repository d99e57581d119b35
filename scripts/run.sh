#!/usr/bin/env bash
# The README's main command: installs dependencies, builds Release, starts `tern standalone`
# (name server on 9876 + broker on 10911/10909 in one process, data under ./data, logs to
# stderr and ./data/logs). Ctrl-C (SIGINT) or SIGTERM shuts it down cleanly.
# Extra arguments go to `tern standalone` (e.g. -c broker.conf, --set key=value).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release tern
exec build/release/tools/tern standalone --data ./data "$@"
