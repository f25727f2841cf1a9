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
# A distributed e2e file runs a whole cluster of processes: those run one at a time, after the rest,
# so that two clusters never share the cores.
mapfile -t files < <(find contracts src test -name "$pattern" -not -path '*/node_modules/*' \
  -not -path 'test/distributed/*.e2e.spec.ts' | sort)
mapfile -t clusters < <(find test/distributed -name "$pattern" -name '*.e2e.spec.ts' | sort)
if [ $((${#files[@]} + ${#clusters[@]})) -eq 0 ]; then echo "no test files match $pattern" >&2; exit 1; fi
started=$SECONDS
status=0
run() { node --import tsx --test --test-timeout=180000 "$@" || status=$?; }
if [ "${#files[@]}" -gt 0 ]; then run --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"; fi
if [ "${#clusters[@]}" -gt 0 ]; then run --test-concurrency=1 "${clusters[@]}"; fi
elapsed=$((SECONDS - started))
printf '%s tests (%d files): %dm%02ds\n' "$tier" $((${#files[@]} + ${#clusters[@]})) $((elapsed / 60)) $((elapsed % 60))
exit "$status"
