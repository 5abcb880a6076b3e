#!/usr/bin/env bash
# tests/extension/run.sh — the loadable extension's tests (tests/extension/*.test.mjs) under
# `node --test`, inside DuckDB's own Node API. Needs a build (build/quarry.duckdb_extension,
# build/quarry_extension_c_host), the SQL test fixtures (build/quarry_sqllogictest makes them) and
# the demo's files (scripts/demo). Prints "extension: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
output=$(node --test --test-reporter=tap --test-concurrency=1 tests/extension/ 2>&1)
status=$?
echo "$output" | grep -v '^ *\(duration_ms\|\.\.\.\|---\|type:\)' | grep -E '^(not ok|ok|#|  )' | head -400
passed=$(echo "$output" | sed -n 's/^# pass \([0-9]*\)$/\1/p' | tail -n 1)
failed=$(echo "$output" | sed -n 's/^# fail \([0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$passed" ]; then
  echo "$output" | tail -n 40
  echo "extension: 0 passed, 1 failed"
  exit 1
fi
[ "$status" -eq 0 ] || [ "${failed:-0}" -gt 0 ] || failed=1
echo "extension: $passed passed, ${failed:-0} failed"
[ "${failed:-0}" -eq 0 ]
