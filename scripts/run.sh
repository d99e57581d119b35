#!/usr/bin/env bash
# The README's main command: installs dependencies, builds Release, starts Tern.
# Until the broker exists (issue "Broker and NameServer"), this builds the engine and the
# offline tools and says so; it does not pretend to start a broker.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release
mkdir -p data
if [ -x build/release/tools/tern ] && build/release/tools/tern standalone --help >/dev/null 2>&1; then
  exec build/release/tools/tern standalone --data ./data "$@"
fi
echo "run.sh: built the storage engine and tools in build/release." >&2
echo "run.sh: the broker (tern standalone) is not implemented yet, so nothing was started." >&2
exit 1
