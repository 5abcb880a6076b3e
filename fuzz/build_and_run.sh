#!/usr/bin/env bash
# fuzz/build_and_run.sh [SECONDS] [NAME...] — builds libFuzzer targets (fuzz/<name>_fuzzer.cpp) with
# clang, ASan and UBSan into build-fuzz/, and runs each for SECONDS (default 10) on its committed seed
# corpus (fuzz/corpus/<name>/) plus a growing corpus in build-fuzz/<name>-corpus/.
# Each target names what it links in its own header comment:
#   // fuzz-sources: cli/statement_splitter.cpp src/ml/onnx/*.cpp      (paths or globs from the repository root)
#   // fuzz-flags: -DNAME=1 -I/usr/include/x                           (optional, for compiling)
#   // fuzz-libs: -lturbojpeg -lspng                                    (optional, for linking)
#   // fuzz-source-flags: src/x/avx2_kernels.cpp -mavx2               (optional, one source's extra flags)
# Relative paths in fuzz-flags and fuzz-libs are from the repository root (e.g. -I.deps/duckdb/include).
# Sources compile one by one into build-fuzz/objects/ through ccache (when installed), so a rerun only
# links.
# Prints "fuzz: N passed, N failed"; a crash leaves its input in build-fuzz/<name>-crashes/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${1:-10}
shift || true
out="$root/build-fuzz"
mkdir -p "$out"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
  -I"$root/cli" -I"$root/src")
passed=0
failed=0
launcher=$(command -v ccache || true)
# One-time allocations of system libraries (fontconfig under Poppler) are not leaks of quarry's.
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for target in "$root"/fuzz/*_fuzzer.cpp; do
    names+=("$(basename "$target" _fuzzer.cpp)")
  done
fi
for name in "${names[@]}"; do
  target="$root/fuzz/${name}_fuzzer.cpp"
  binary="$out/${name}_fuzzer"
  read -r -a extra_flags <<<"$(sed -n 's|^// fuzz-flags: ||p' "$target")"
  read -r -a libs <<<"$(sed -n 's|^// fuzz-libs: ||p' "$target")"
  objects=()
  built=1
  for source in $(cd "$root" && for pattern in $(sed -n 's|^// fuzz-sources: ||p' "$target"); do echo $pattern; done); do
    object="$out/objects/${source//\//_}.o"
    mkdir -p "$out/objects"
    read -r -a source_flags <<<"$(sed -n "s|^// fuzz-source-flags: $source ||p" "$target")"
    if ! $launcher clang++ "${flags[@]}" "${extra_flags[@]}" "${source_flags[@]}" -c "$root/$source" -o "$object"; then
      built=0
      break
    fi
    objects+=("$object")
  done
  if [ "$built" -eq 0 ] ||
    ! clang++ "${flags[@]}" "${extra_flags[@]}" "$target" "${objects[@]}" "${libs[@]}" -o "$binary"; then
    echo "FAIL building $name" >&2
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "$out/$name-corpus" "$out/$name-crashes"
  if "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -artifact_prefix="$out/$name-crashes/" \
    "$out/$name-corpus" "$root/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   fuzz $name: $(tail -n 1 "$out/$name.log")"
  else
    failed=$((failed + 1))
    echo "FAIL fuzz $name (log: $out/$name.log)" >&2
    tail -n 30 "$out/$name.log" >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
