#!/usr/bin/env bash
# Runs the test files of one tier (unit, int, e2e) or all of them through node:test.
# Node 20's --test does not expand globs, so the file list is built here.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-all}"
case "$tier" in
  unit|int|e2e) pattern="*.${tier}.spec.ts" ;;
  all) pattern="*.spec.ts" ;;
  *) echo "usage: scripts/test.sh [unit|int|e2e|all]" >&2; exit 2 ;;
esac
mapfile -t files < <(find contracts src test -name "$pattern" -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files match $pattern" >&2; exit 1; fi
started=$SECONDS
status=0
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=180000 "${files[@]}" || status=$?
elapsed=$((SECONDS - started))
printf '%s tests (%d files): %dm%02ds\n' "$tier" "${#files[@]}" $((elapsed / 60)) $((elapsed % 60))
exit "$status"
