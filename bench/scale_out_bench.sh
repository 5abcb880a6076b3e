#!/usr/bin/env bash
# bench/scale_out_bench.sh [IMAGES] [RUNS] — scaling of a job on inference (issue 16): resnet18
# (TorchScript, random weights) over IMAGES JPEGs (default 320, bench/make_photo_corpus.sh), one thread
# per rank (SET threads = 1 on every rank; each rank bound to a core, so the model uses one thread), as
# a job of 1 worker and of 2 workers (mpirun -n 2 / -n 3: rank 0 coordinates), and as one process with
# one thread. The query is split into shares (its rows gathered on rank 0, LIMIT 1 there). Prints
# images/s of each (best of RUNS, default 2) and the efficiency of 2 workers over 1:
# rate(2) / (2 x rate(1)) (target >= 0.9).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
images=${1:-320}
runs=${2:-2}
folder=$("$root/bench/make_photo_corpus.sh" "$images")
model="$(/usr/bin/python3 "$root/bench/model_inference_python.py" export "$root/bench/.cache/models")/resnet18.pt"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/job.sql" <<SQL
SET threads = 1;
CREATE MODEL r18 FROM '$model' WITH (task = 'image_classification', input_size = 224, resize = 'center_crop', top_k = 1);
.timer on
SELECT parse_filename(path) AS file, r18(image)[1].class AS class FROM read_images('$folder') ORDER BY file LIMIT 1;
SQL
seconds() {  # the query's time from .timer: the last "Run Time" line
  grep '^Run Time' | tail -n 1 | sed 's/^Run Time (s): real \([0-9.]*\).*/\1/'
}
job() {  # job WORKERS -> seconds
  rm -rf "$scratch/job-folder"
  QUARRY_SHARE_MAX_FILES=8 mpirun --allow-run-as-root --oversubscribe --bind-to core:overload-allowed \
    -x QUARRY_SHARE_MAX_FILES -n $(($1 + 1)) --mca btl tcp,self \
    "$root/build/quarry" --format csv --job-dir "$scratch/job-folder" -f "$scratch/job.sql" 2>/dev/null | seconds
}
alone() { taskset -c 0 "$root/build/quarry" --format csv -f "$scratch/job.sql" | seconds; }

best() { sort -n | head -n 1; }
one=() two=() single=()
for run in $(seq "$runs"); do
  single+=("$(alone)")
  one+=("$(job 1)")
  two+=("$(job 2)")
  echo "[run $run] one process ${single[-1]}s, 1 worker ${one[-1]}s, 2 workers ${two[-1]}s"
done
s=$(printf '%s\n' "${single[@]}" | best)
a=$(printf '%s\n' "${one[@]}" | best)
b=$(printf '%s\n' "${two[@]}" | best)
echo "resnet18 over $images JPEGs, one thread per rank, $(nproc) cores"
awk -v s="$s" -v a="$a" -v b="$b" -v n="$images" 'BEGIN {
  printf "one process, 1 thread : %.2f s, %.1f images/s\n", s, n / s
  printf "job, 1 worker         : %.2f s, %.1f images/s (job / one process: %.3f)\n", a, n / a, s / a
  printf "job, 2 workers        : %.2f s, %.1f images/s\n", b, n / b
  printf "efficiency of 2 workers over 1: %.3f (target >= 0.9)\n", a / (2 * b) }'
# What the workers sent rank 0: the shares' Parquet files of the last job, per result row.
bytes=$(cat "$scratch"/job-folder/statement-1/rows/part-*.parquet | wc -c)
parts=$(ls "$scratch"/job-folder/statement-1/rows/part-*.parquet | wc -l)
awk -v b="$bytes" -v n="$images" -v p="$parts" 'BEGIN {
  printf "sent to rank 0: %d bytes in %d share files, %.1f bytes per result row (file name and class)\n", b, p, b / n }'
