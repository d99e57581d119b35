#!/usr/bin/env bash
# The README's test command: installs dependencies, builds, runs every test.
#   1. Release build: every ctest (the dashboard's headless-Chromium test, label "browser",
#      runs only here).
#   2. clang ASan+UBSan build: every ctest, fuzz targets included (bounded time each).
#   3. clang TSan build: the tests labelled "concurrency".
# Knobs: TERN_CRASH_ROUNDS (SIGKILL rounds of the crash test, default 100),
#        TERN_FUZZ_SECONDS (per fuzz target, default 30), SKIP_ASAN=1, SKIP_TSAN=1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)
export TERN_CRASH_ROUNDS=${TERN_CRASH_ROUNDS:-100}

step() { printf '\n=== %s ===\n' "$*"; }

step "client interop dependencies (npm ci)"
(cd tests/interop/ali-ons && npm ci --no-audit --no-fund --loglevel=error)
step "dashboard browser test dependencies (npm ci: playwright-core, drives the system chromium)"
(cd tests/dashboard && npm ci --no-audit --no-fund --loglevel=error)

step "release build"
scripts/build.sh release
step "release tests"
ctest --test-dir build/release --output-on-failure -j "$jobs"

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  step "asan+ubsan build"
  scripts/build.sh asan
  step "asan+ubsan tests (fuzzers included)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -LE browser -j "$jobs"
fi

if [ "${SKIP_TSAN:-0}" != 1 ]; then
  step "tsan build (concurrency tests)"
  scripts/build.sh tsan
  step "tsan tests"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build/tsan --output-on-failure -L concurrency -j "$jobs"
fi

step "all tests passed"
