#!/usr/bin/env bash
# bench/onnx_vs_onnxruntime.sh [ROUNDS] [ROUND_SECONDS] [MODEL...] — issue 14: quarry's ONNX executor vs
# ONNX Runtime 1.30 on the same files and the same inputs, in one invocation.
#
# On first use it fetches npm's onnxruntime-node 1.30.0 (the CPU build; integrity-pinned, npm pack never
# runs its install script) and onnxruntime-common 1.30.0 into bench/.cache/ort (git-ignored): a
# benchmark baseline, never a dependency of quarry. It exports the models and writes their inputs with
# bench/make_onnx_bench_models.py into bench/.cache/onnx-bench, then bench/onnx_vs_onnxruntime.mjs runs
# every model at batch 1 and 16 with 1 and 2 intra-op threads through build/quarry_onnx_executor_bench
# and bench/onnxruntime_engine.mjs, alternating the two processes round by round (best of ROUNDS,
# default 3, each round about ROUND_SECONDS, default 1.5, of calls), and prints one table with
# ratio = ONNX Runtime ms / quarry ms (>= 1.0: quarry is faster) and each model's output agreement.
# MODEL... limits the run to those models (names as in the table).
#   PROFILE=MODEL:BATCH:THREADS bench/onnx_vs_onnxruntime.sh   prints both engines' per-op-type times
#                                                           (QUARRY_ONNX_PROFILE=1, ORT enableProfiling);
#                                                           PROFILE_BY=node: per node, to compare layers
# Needs: ninja -C build quarry_onnx_executor_bench; scripts/setup (the OCR and VAD models).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/build/quarry_onnx_executor_bench
[ -x "$bench" ] || { echo "missing $bench: ninja -C build quarry_onnx_executor_bench" >&2; exit 1; }

ort=$root/bench/.cache/ort
npm_tarballs=$ort/tarballs
# shellcheck source=scripts/lib/fetch_npm.sh
source "$root/scripts/lib/fetch_npm.sh"
ort_integrity="sha512-twhs1C2C/BFkz1yc5OY0KIU2GUq6DURO7hD4bx5Q2Qy3nAMJwRXW8xU3NVczE29VA9lolLOYepoD8fjTGOfIqw=="
package=$ort/node_modules/onnxruntime-node
if [ ! -f "$package/.integrity" ] || [ "$(cat "$package/.integrity")" != "$ort_integrity" ]; then
  tarball=$(fetch_npm_tarball "onnxruntime-node@1.30.0" "$ort_integrity")
  # Only what node loads on linux x64: the JavaScript and the CPU binaries (the tarball has every
  # platform's); script/ (the install script, which downloads GPU builds) is left out.
  rm -rf "$package"
  mkdir -p "$package"
  tar -xzf "$tarball" -C "$package" --strip-components=1 package/package.json package/dist \
    package/bin/napi-v6/linux/x64
  [ -f "$package/bin/napi-v6/linux/x64/libonnxruntime.so.1" ] || { echo "no linux x64 CPU build in $tarball" >&2; exit 1; }
  echo "$ort_integrity" >"$package/.integrity"
fi
# onnxruntime-node 1.30.0 requires exactly this version.
fetch_npm "onnxruntime-common@1.30.0" \
  "sha512-7fdVWjAID1dVhH/G8qK3APARunV4VkBFoCQAP7qp4Wkab0mrorvmc+sqiT+mKXOzDqdjN5j+/Z9nb4gzNPWcyA==" \
  "$ort/node_modules/onnxruntime-common"

models=$root/bench/.cache/onnx-bench
/usr/bin/python3 "$root/bench/make_onnx_bench_models.py" "$root/.deps/models" "$models"
exec node "$root/bench/onnx_vs_onnxruntime.mjs" "$models/manifest.json" "$bench" "${1:-3}" "${2:-1.5}" "${@:3}"
