#!/usr/bin/env bash
# clang-format check on every C++ file, clang-tidy on files changed since BASE (default: the
# merge base with origin/main, else the first commit). Exit non-zero on findings.
#   scripts/lint.sh            # check
#   scripts/lint.sh --fix      # reformat in place
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(git ls-files '*.h' '*.cc')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
status=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "clang-format: $f needs formatting (scripts/lint.sh --fix)"
    status=1
  fi
done

base=${BASE:-$(git merge-base HEAD origin/main 2>/dev/null || git rev-list --max-parents=0 HEAD | tail -1)}
mapfile -t changed < <(git diff --name-only --diff-filter=AM "$base" -- '*.cc' | grep -v '^tests/fuzz/' || true)
if [ ${#changed[@]} -gt 0 ]; then
  [ -f build/release/compile_commands.json ] || scripts/build.sh release >/dev/null
  if ! clang-tidy -p build/release --quiet "${changed[@]}" 2>/dev/null | grep -E 'warning:|error:'; then
    :
  else
    status=1
  fi
fi
exit $status
