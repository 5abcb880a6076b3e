#!/usr/bin/env bash
# bench/video_pdf_bench.sh — read_video and read_pdf against the command-line tools doing the same work,
# same file, same threads, same run. Prints each ratio (quarry's speed / the tool's) with its target:
#   read_video, every frame to BGR  vs  ffmpeg -threads T -i F -f rawvideo -pix_fmt bgr24   (>= 0.9)
#   read_video(fps := 1)            vs  read_video, every frame (30 fps file)               (>= 10)
#   read_pdf at 150 dpi, pages/s    vs  pdftoppm -r 150 (PPM files into a RAM folder)       (>= 0.9)
#   peak RSS, 10x the frames / pages in one query                                           (<= 1.2)
# Each time is the best of 3 runs; quarry's is the query's own time (.timer), since a shell or service
# runs many queries per process; the process start (loading DuckDB and libtorch) is printed apart.
# Files are made once into bench/.cache/ (ffmpeg's testsrc2 as
# 1280x720 H.264 with a key frame each second; a reportlab PDF of text and drawings).
# Usage: bench/video_pdf_bench.sh [THREADS]   (default: all cores)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=${1:-$(nproc)}
cache="$root/bench/.cache/video_pdf"
mkdir -p "$cache"
quarry="$root/build/quarry"

for seconds in 2 20; do
  [ -f "$cache/clip_${seconds}s.mp4" ] || ffmpeg -hide_banner -loglevel error -y -f lavfi \
    -i "testsrc2=size=1280x720:rate=30:duration=$seconds" -c:v libx264 -preset veryfast -g 30 -bf 2 \
    -pix_fmt yuv420p "$cache/clip_${seconds}s.mp4"
done
for pages in 4 40; do
  [ -f "$cache/doc_${pages}p.pdf" ] || /usr/bin/python3 - "$cache/doc_${pages}p.pdf" "$pages" <<'PY'
import sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
page = canvas.Canvas(sys.argv[1], pagesize=A4)
for number in range(int(sys.argv[2])):
    page.setFont("Helvetica", 11)
    for line in range(50):
        page.drawString(60, 790 - 15 * line, "Page %d, line %d: quarry reads documents as tables, %d" % (number, line, line * number))
    page.setFillColorRGB(0.1 * (number % 10), 0.4, 0.7)
    page.circle(400, 300, 80, fill=1)
    page.showPage()
page.save()
PY
done

best_of_3() {  # best_of_3 COMMAND...: prints the fastest wall time of three runs, in seconds
  local best=""
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    best=$(awk -v b="$best" -v t="$(echo "$end - $start" | bc)" 'BEGIN { print (b == "" || t < b) ? t : b }')
  done
  echo "$best"
}
best_query_of_3() {  # best_query_of_3 SQL: the fastest of three runs of the query, by quarry's .timer
  local best=""
  for _ in 1 2 3; do
    local time
    time=$("$quarry" --format csv -c "SET threads = $threads" -c ".timer on" -c "$1" |
      sed -n 's/^Run Time (s): real \([0-9.]*\).*/\1/p' | tail -n 1)
    best=$(awk -v b="$best" -v t="$time" 'BEGIN { print (b == "" || t < b) ? t : b }')
  done
  echo "$best"
}
peak_rss_kb() {
  /usr/bin/python3 - "$quarry" "$threads" "$1" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "--format", "csv", "-c", "SET threads = %s" % sys.argv[2], "-c", sys.argv[3]],
               check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

video="$cache/clip_20s.mp4"
echo "threads: $threads; video: 1280x720, 30 fps, 20 s (600 frames); PDF: 40 A4 pages"
ffmpeg_time=$(best_of_3 ffmpeg -hide_banner -loglevel error -threads "$threads" -i "$video" -fps_mode passthrough \
  -f rawvideo -pix_fmt bgr24 -y /dev/null)
every_time=$(best_query_of_3 "SELECT count(*), sum(length(image.data)) FROM read_video('$video')")
fps1_time=$(best_query_of_3 "SELECT count(*), sum(length(image.data)) FROM read_video('$video', fps := 1)")
start_time=$(best_of_3 "$quarry" -c "SELECT 1")
echo "quarry process start:         ${start_time} s"
echo "ffmpeg -> rawvideo bgr24:     ${ffmpeg_time} s"
echo "read_video, every frame:      ${every_time} s"
echo "read_video, fps := 1:         ${fps1_time} s"
echo "read_video every frame vs ffmpeg: $(ratio "$ffmpeg_time" "$every_time") (target >= 0.9)"
echo "fps := 1 vs every frame:          $(ratio "$every_time" "$fps1_time") x (target >= 10)"

pdf="$cache/doc_40p.pdf"
pages_dir=$(mktemp -d /dev/shm/quarry_pdf_bench.XXXXXX)
trap 'rm -rf "$pages_dir"' EXIT
pdftoppm_time=$(best_of_3 pdftoppm -r 150 "$pdf" "$pages_dir/page")
read_pdf_time=$(best_query_of_3 "SELECT count(*), sum(length(image.data)) FROM read_pdf('$pdf')")
echo "pdftoppm -r 150:              ${pdftoppm_time} s"
echo "read_pdf at 150 dpi:          ${read_pdf_time} s"
echo "read_pdf vs pdftoppm (pages/s):   $(ratio "$pdftoppm_time" "$read_pdf_time") (target >= 0.9)"

small=$(peak_rss_kb "SELECT count(*), sum(length(image.data)) FROM read_video('$cache/clip_2s.mp4')")
large=$(peak_rss_kb "SELECT count(*), sum(length(image.data)) FROM read_video('$video')")
echo "peak RSS, 60 / 600 frames:    $((small / 1024)) / $((large / 1024)) MiB: $(ratio "$large" "$small") (target <= 1.2)"
small=$(peak_rss_kb "SELECT count(*), sum(length(image.data)) FROM read_pdf('$cache/doc_4p.pdf')")
large=$(peak_rss_kb "SELECT count(*), sum(length(image.data)) FROM read_pdf('$pdf')")
echo "peak RSS, 4 / 40 pages:       $((small / 1024)) / $((large / 1024)) MiB: $(ratio "$large" "$small") (target <= 1.2)"
