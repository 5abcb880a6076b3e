#!/usr/bin/env bash
# bench/share_coordinator_bench.sh [FILES] [WORKERS] — the coordinator's capacity (issue 16): FILES empty
# files (default 20,000) in bench/.cache, one share per file, WORKERS workers (default 32) doing no work,
# oversubscribed on this machine under mpirun over TCP. Prints shares per second (target >= 1,000).
# Needs: ninja -C build quarry_share_coordinator_bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
files=${1:-20000}
workers=${2:-32}
folder=$root/bench/.cache/empty-$files
if [ ! -d "$folder" ]; then
  mkdir -p "$folder.tmp"
  (cd "$folder.tmp" && seq -f 'file%06g' 1 "$files" | xargs touch)
  mv "$folder.tmp" "$folder"
fi
mpirun --allow-run-as-root --oversubscribe -n $((workers + 1)) --mca btl tcp,self \
  "$root/build/quarry_share_coordinator_bench" "$folder"
