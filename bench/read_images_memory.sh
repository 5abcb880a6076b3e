#!/usr/bin/env bash
# bench/read_images_memory.sh — peak memory of read_images stays flat as the number of files grows:
# the same query over 300 and over 3,000 photos (10x), each in a fresh build/quarry process, full
# decodes flowing into an aggregate. Prints both peak RSS figures and their ratio (target <= 1.2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
folder=$("$root/bench/make_photo_corpus.sh" 3000)
peak_rss_kb() {  # runs build/quarry -c SQL; prints the child's peak RSS in KiB
  /usr/bin/python3 - "$root/build/quarry" "$1" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "--format", "csv", "-c", sys.argv[2]], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
query() { echo "SELECT count(*), sum(length(image.data)) FROM read_images('$1')"; }
small=$(peak_rss_kb "$(query "$folder/photo_????0.jpg")")  # every 10th photo: the same mix
large=$(peak_rss_kb "$(query "$folder/*.jpg")")
echo "peak RSS, 300 photos:  $((small / 1024)) MiB"
echo "peak RSS, 3000 photos: $((large / 1024)) MiB"
awk -v s="$small" -v l="$large" 'BEGIN { printf "ratio 3000/300: %.3f (target <= 1.2)\n", l / s }'
