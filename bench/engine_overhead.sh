#!/usr/bin/env bash
# bench/engine_overhead.sh [RUNS] — quarry's cost over DuckDB itself, on one heavy query (an aggregation
# over 100M rows of range), run through build/quarry and through DuckDB's own node API
# (@duckdb/node-api 1.4.4-r.4, the same DuckDB, installed into bench/.cache by this script), in the
# same invocation, alternating. Prints the median wall and CPU seconds of each and the ratio
# quarry / DuckDB (target ≤ 1.05). Timings are the query's own (the shell's .timer; hrtime in node), so
# process start-up is not counted on either side.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cache="$root/bench/.cache/node"
sql="SELECT i % 1000 AS k, count(*), sum(i), avg(i * 0.5) FROM range(100000000) t(i) GROUP BY k ORDER BY k"

if [ ! -d "$cache/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$cache"
  (cd "$cache" && npm install --silent --no-audit --no-fund @duckdb/node-api@1.4.4-r.4 >/dev/null)
fi
cp "$root/bench/engine_overhead.mjs" "$cache/"

quarry_times=()
node_times=()
for _ in $(seq "$runs"); do
  # .timer prints "Run Time (s): real W user U sys S" after the statement.
  line=$("$root/build/quarry" --format csv -c ".timer on" -c "$sql" | grep '^Run Time')
  quarry_times+=("$(echo "$line" | awk '{print $5, $7 + $9}')")
  node_times+=("$(node "$cache/engine_overhead.mjs" 1 "$sql")")
done

median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
quarry_wall=$(printf '%s\n' "${quarry_times[@]}" | awk '{print $1}' | median)
quarry_cpu=$(printf '%s\n' "${quarry_times[@]}" | awk '{print $2}' | median)
node_wall=$(printf '%s\n' "${node_times[@]}" | awk '{print $1}' | median)
node_cpu=$(printf '%s\n' "${node_times[@]}" | awk '{print $2}' | median)
echo "query: $sql"
echo "runs: $runs each, alternating; $(nproc) cores"
printf 'DuckDB node API : wall %.3f s, cpu %.3f s (median)\n' "$node_wall" "$node_cpu"
printf 'quarry shell    : wall %.3f s, cpu %.3f s (median)\n' "$quarry_wall" "$quarry_cpu"
awk -v q="$quarry_wall" -v n="$node_wall" 'BEGIN { printf "ratio quarry/DuckDB wall: %.3f (target <= 1.05)\n", q / n }'
