#!/usr/bin/env bash
# Configures and builds one variant in its own tree (ccache is used when installed).
#   scripts/build.sh release        -> build/release  (gcc, Release: what run.sh and bench use)
#   scripts/build.sh asan           -> build/asan     (clang, ASan+UBSan, libFuzzer targets)
#   scripts/build.sh tsan [target]  -> build/tsan     (clang, TSan; only the concurrency tests)
# Extra arguments are passed to ninja (targets). TERN_FUZZ_SECONDS (default 30) bounds each
# fuzz target's ctest run in the asan tree.
set -euo pipefail
cd "$(dirname "$0")/.."

variant=${1:-release}
shift || true
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

case "$variant" in
  release)
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    ;;
  asan)
    cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DTERN_SANITIZE=asan -DTERN_BUILD_FUZZERS=ON -DTERN_BUILD_BENCH=OFF \
      -DTERN_FUZZ_SECONDS="${TERN_FUZZ_SECONDS:-30}" >/dev/null
    ;;
  tsan)
    cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DTERN_SANITIZE=tsan -DTERN_BUILD_BENCH=OFF >/dev/null
    if [ $# -eq 0 ]; then set -- tern_concurrency_tests; fi
    ;;
  *)
    echo "usage: scripts/build.sh release|asan|tsan [ninja targets...]" >&2
    exit 2
    ;;
esac
ninja -C "build/$variant" "$@"
