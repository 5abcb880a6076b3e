#!/usr/bin/env bash
# bench/model_inference.sh [IMAGES] [RUNS] [PER_ROW] — issue 4's model benchmark: images/s of resnet18 and
# resnet50 (TorchScript, random weights) over the same IMAGES real JPEGs (default 320, from
# bench/make_photo_corpus.sh), all cores, four ways, in this one invocation, interleaved per round:
#   (a) bare:    the frozen forward alone on pre-made [16, 3, 224, 224] batches (the same photos, decoded
#                and preprocessed before timing), through quarry_ml (build/quarry_model_inference_bench,
#                bench/model_inference_forward.cpp): the physical limit; best thread split of
#                cores workers x 1 torch thread and 1 worker x cores torch threads;
#   (b) python:  torch DataLoader (num_workers = cores) + Pillow + torchvision Resize(256)/CenterCrop(224)/
#                ToTensor/Normalize, batch 16, Debian's /usr/bin/python3;
#   (c) per row: the seed article's UDF, loading the model on every call, on the first PER_ROW images
#                (default 20), extrapolated to images/s;
#   (d) quarry:  build/quarry, CREATE MODEL ... then `SELECT count(*), count(r18(image)) FROM
#                read_images(FOLDER)` (time from .timer), and the by-path form over glob(FOLDER/*.jpg).
# Each figure is the best of RUNS rounds (default 2). Prints the figures and the ratios (d)/(a)
# (target >= 0.85) and (d)/(b) (target >= 1.15).
# Before measuring, waits until the 1-minute load average is below QUARRY_BENCH_MAX_LOAD (0.7), polling
# every 30 s for up to QUARRY_BENCH_WAIT_S (900) seconds, then measures anyway; prints the load, and the
# CPU time other processes took while it measured.
# Needs: ninja -C build quarry_cli quarry_model_inference_bench
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
images=${1:-320}
runs=${2:-2}
per_row=${3:-20}
python=/usr/bin/python3  # Debian's: torch, torchvision, Pillow
quarry=$root/build/quarry
forward=$root/build/quarry_model_inference_bench
helper=$root/bench/model_inference_python.py
for binary in "$quarry" "$forward"; do
  [ -x "$binary" ] || { echo "missing $binary: ninja -C build quarry_cli quarry_model_inference_bench" >&2; exit 1; }
done

folder=$("$root/bench/make_photo_corpus.sh" "$images")
models=$("$python" "$helper" export "$root/bench/.cache/models")
cores=$(nproc)

# --- wait for a quiet machine ---
max_load=${QUARRY_BENCH_MAX_LOAD:-0.7}
wait_s=${QUARRY_BENCH_WAIT_S:-900}
load1() { cut -d' ' -f1 /proc/loadavg; }
waited=0
while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l >= m) }' && [ "$waited" -lt "$wait_s" ]; do
  echo "waiting for a quiet machine: load $(load1) (>= $max_load), ${waited}s waited" >&2
  sleep 30
  waited=$((waited + 30))
done
start_load=$(load1)
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }  # user nice system irq softirq
children_cpu_s() {  # CPU seconds of this script's finished children (cutime + cstime of the shell)
  sed 's/.*) //' "/proc/$$/stat" | awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }'
}
start_busy=$(busy_jiffies)
start_ours=$(children_cpu_s)
start_time=$(date +%s.%N)
echo "date $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n), $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$images photos in $folder, $(du -sh "$folder" | cut -f1); models in $models; load before measuring: $start_load (waited ${waited}s)"

best() {  # best VAR VALUE: VAR = max(VAR, VALUE)
  local current=${!1:-0}
  if awk -v a="$2" -v b="$current" 'BEGIN { exit !(a > b) }'; then printf -v "$1" '%s' "$2"; fi
}
quarry_rate() {  # quarry_rate MODEL_FILE SQL_FROM_PART(uses x as the model) -> images/s from .timer
  local output seconds counted
  output=$("$quarry" --format csv \
    -c "CREATE MODEL x FROM '$1' WITH (task = 'image_classification', input_size = 224, resize = 'center_crop', top_k = 5)" \
    -c ".timer on" -c "$2")
  counted=$(echo "$output" | sed -n 2p)
  [ "$counted" = "$images,$images" ] || { echo "quarry counted '$counted', expected $images,$images" >&2; exit 1; }
  seconds=$(echo "$output" | awk '/^Run Time/ { print $5 }')
  awk -v n="$images" -v s="$seconds" 'BEGIN { printf "%.2f", n / s }'
}

for run in $(seq 1 "$runs"); do
  for model in resnet18 resnet50; do
    file=$models/$model.pt
    out=$("$forward" "$file" "$folder" "$images" 16)
    echo "$out" | sed "s/^/[$run $model a] /" | grep -v '^\[.*\] BEST'
    rate=$(echo "$out" | awk '/^BEST/ { print $2 }')
    split=$(echo "$out" | awk '/^BEST/ { print $3 }')
    var=a_$model; old=${!var:-0}; best "$var" "$rate"
    [ "${!var}" = "$old" ] || printf -v "split_$model" '%s' "$split"

    rate=$("$python" "$helper" dataloader "$file" "$folder" 16 | awk '/^RESULT/ { print $4 }')
    echo "[$run $model b] DataLoader + Pillow: $rate images/s"
    best "b_$model" "$rate"

    rate=$("$python" "$helper" per_row "$file" "$folder" "$per_row" | awk '/^RESULT/ { print $4 }')
    echo "[$run $model c] per-row UDF loading the model each call ($per_row images): $rate images/s"
    best "c_$model" "$rate"

    rate=$(quarry_rate "$file" "SELECT count(*), count(x(image)) FROM read_images('$folder')")
    echo "[$run $model d] quarry read_images: $rate images/s"
    best "d_$model" "$rate"

    rate=$(quarry_rate "$file" "SELECT count(*), count(x(file)) FROM glob('$folder/*.jpg')")
    echo "[$run $model d] quarry by path: $rate images/s"
    best "p_$model" "$rate"
  done
done

elapsed=$(awk -v s="$start_time" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
others=$(awk -v b0="$start_busy" -v b1="$(busy_jiffies)" -v o0="$start_ours" -v o1="$(children_cpu_s)" \
  -v hz="$(getconf CLK_TCK)" 'BEGIN { o = (b1 - b0) / hz - (o1 - o0); printf "%.1f", (o < 0 ? 0 : o) }')
echo
echo "measured for ${elapsed%.*} s; load before: $start_load, after: $(load1) (this benchmark itself loads ~$cores);"
echo "CPU time taken by other processes meanwhile: ${others} s of $(awk -v e="$elapsed" -v c="$cores" 'BEGIN { printf "%.0f", e * c }') core-seconds"
echo
printf '%-9s | %-16s | %-12s | %-14s | %-15s | %-13s | %-12s | %-12s\n' model "(a) bare forward" "(b) Python" "(c) per row*" "(d) read_images" "(d) by path" "(d)/(a)" "(d)/(b)"
for model in resnet18 resnet50; do
  a=a_$model b=b_$model c=c_$model d=d_$model p=p_$model s=split_$model
  printf '%-9s | %-16s | %-12s | %-14s | %-15s | %-13s | %-12s | %-12s\n' "$model" "${!a} (${!s:-?})" "${!b}" "${!c}" "${!d}" "${!p}" \
    "$(awk -v d="${!d}" -v a="${!a}" -v p="${!p}" 'BEGIN { printf "%.3f/%.3f", d / a, p / a }')" \
    "$(awk -v d="${!d}" -v b="${!b}" -v p="${!p}" 'BEGIN { printf "%.3f/%.3f", d / b, p / b }')"
done
echo "images/s, best of $runs; ratios as read_images/by path; targets: (d)/(a) >= 0.85, (d)/(b) >= 1.15"
echo "* (c) measured on $per_row images and extrapolated"
