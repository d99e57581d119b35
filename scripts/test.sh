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

# ctest with one re-run of a failed test (a failure on both runs fails the script). Every test
# that failed a run is listed at the end, so a flaky test stays visible instead of hidden.
flaky_log=$(mktemp)
run_ctest() {
  local out rc
  out=$(mktemp)
  set +e
  ctest "$@" --output-on-failure --repeat until-pass:2 -j "$jobs" 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  grep -E '\*\*\*(Failed|Timeout|Exception)|\(Failed\)|\(Timeout\)' "$out" |
    sed "s|^|[$*] |" >>"$flaky_log" || true
  rm -f "$out"
  return "$rc"
}
report_flaky() {
  if [ -s "$flaky_log" ]; then
    printf '\n=== test runs that failed (each passed on its re-run unless the script failed) ===\n'
    cat "$flaky_log"
  fi
}
trap report_flaky EXIT

step "client interop dependencies (npm ci)"
(cd tests/interop/ali-ons && npm ci --no-audit --no-fund --loglevel=error)
step "dashboard browser test dependencies (npm ci: playwright-core, drives the system chromium)"
(cd tests/dashboard && npm ci --no-audit --no-fund --loglevel=error)

step "release build"
scripts/build.sh release
step "release tests"
run_ctest --test-dir build/release

if [ "${SKIP_ASAN:-0}" != 1 ]; then
  step "asan+ubsan build"
  scripts/build.sh asan
  step "asan+ubsan tests (fuzzers included)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest --test-dir build/asan -LE browser
fi

if [ "${SKIP_TSAN:-0}" != 1 ]; then
  step "tsan build (concurrency tests)"
  scripts/build.sh tsan
  step "tsan tests"
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp" \
    run_ctest --test-dir build/tsan -L concurrency
fi

step "all tests passed"
