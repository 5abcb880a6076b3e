#!/usr/bin/env bash
# fuzz/build_and_run.sh [SECONDS] — builds every libFuzzer target under fuzz/ with clang, ASan and UBSan
# into build-fuzz/, and runs each for SECONDS (default 10) on its committed corpus (fuzz/corpus/<name>/).
# Prints "fuzz: N passed, N failed"; a crash leaves its input in build-fuzz/<name>-crashes/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
out="$root/build-fuzz"
mkdir -p "$out"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/cli")
passed=0
failed=0

# Each target: its name and the project sources it needs (no DuckDB: only self-contained parsers).
declare -A sources=(
  [statement_splitter]="cli/statement_splitter.cpp"
)
for name in "${!sources[@]}"; do
  binary="$out/${name}_fuzzer"
  files=()
  for source in ${sources[$name]}; do files+=("$root/$source"); done
  if ! clang++ "${flags[@]}" "$root/fuzz/${name}_fuzzer.cpp" "${files[@]}" -o "$binary"; then
    echo "FAIL building $name" >&2
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "$out/$name-corpus" "$out/$name-crashes"
  if "$binary" -max_total_time="$seconds" -artifact_prefix="$out/$name-crashes/" \
    "$out/$name-corpus" "$root/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   fuzz $name: $(grep -c . "$out/$name.log" >/dev/null; tail -n 1 "$out/$name.log")"
  else
    failed=$((failed + 1))
    echo "FAIL fuzz $name (log: $out/$name.log)" >&2
    tail -n 30 "$out/$name.log" >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
