#!/usr/bin/env bash
# bench/extension_vs_shell.sh [IMAGES] [RUNS] — the loadable extension's cost (issue 12): one model
# query, resnet18 (TorchScript, random weights) over IMAGES JPEGs (default 320, bench/make_photo_corpus.sh),
# through build/quarry and through DuckDB's own Node API (@duckdb/node-api 1.4.4-r.4, .deps/node) with
# build/quarry.duckdb_extension LOADed, alternating, in this one invocation. Each side: CREATE MODEL,
# one warm-up query, then RUNS timed queries (the shell's .timer; hrtime in node), best of each. Prints
# images/s of both and the ratio extension / shell (target >= 0.95).
# Needs: scripts/build (quarry_cli, quarry_loadable_extension).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
images=${1:-320}
runs=${2:-3}
folder=$("$root/bench/make_photo_corpus.sh" "$images")
model="$(/usr/bin/python3 "$root/bench/model_inference_python.py" export "$root/bench/.cache/models")/resnet18.pt"
create="CREATE MODEL r18 FROM '$model' WITH (task = 'image_classification', input_size = 224, resize = 'center_crop', top_k = 5)"
query="SELECT count(*), count(r18(image)) FROM read_images('$folder')"

shell_seconds() {  # the fastest of RUNS timed runs after one warm-up, from .timer
  local arguments=(-c "$create" -c "$query" -c ".timer on")
  for _ in $(seq "$runs"); do arguments+=(-c "$query"); done
  "$root/build/quarry" --format csv "${arguments[@]}" | sed -n 's/^Run Time (s): real \([0-9.]*\).*/\1/p' | sort -n | head -n 1
}
node_seconds() {
  node "$root/bench/extension_vs_shell.mjs" "$root/build/quarry.duckdb_extension" "$runs" "$create" "$query"
}

best_shell=
best_node=
for round in 1 2; do
  s=$(shell_seconds)
  n=$(node_seconds)
  echo "[round $round] shell ${s}s, node+extension ${n}s"
  best_shell=$(printf '%s\n%s\n' "$s" "${best_shell:-$s}" | sort -n | head -n 1)
  best_node=$(printf '%s\n%s\n' "$n" "${best_node:-$n}" | sort -n | head -n 1)
done
echo "query: $query ($images JPEGs, resnet18, $(nproc) cores)"
awk -v s="$best_shell" -v n="$best_node" -v i="$images" 'BEGIN {
  printf "quarry shell             : %.3f s, %.1f images/s\n", s, i / s
  printf "DuckDB node API + quarry : %.3f s, %.1f images/s\n", n, i / n
  printf "ratio extension / shell (images/s): %.3f (target >= 0.95)\n", s / n }'
