#!/usr/bin/env bash
# Files that are not regular files never block a query: a FIFO with no writer, named exactly or
# matched by a glob, is an error row of every file reader (the shell must answer at once; `timeout`
# turns a hang into a failure). Usage: tests/shell/special_files_test.sh [path/to/quarry]
# Prints "special-files: N passed, N failed".
set -uo pipefail
# check NAME EXPECTED ACTUAL
source "$(dirname "${BASH_SOURCE[0]}")/check.sh"
quarry=$(realpath "${1:-build/quarry}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

mkfifo "$scratch/a_fifo.jpg" "$scratch/b_fifo.mp4" "$scratch/c_fifo.pdf" "$scratch/d_fifo.wav" "$scratch/e_fifo.txt"
for call in "read_images('$scratch/a_fifo.jpg')" "read_video('$scratch/b_fifo.mp4')" \
  "read_pdf('$scratch/c_fifo.pdf')" "read_audio('$scratch/d_fifo.wav')" "read_text('$scratch/e_fifo.txt')"; do
  out=$(timeout 60 "$quarry" --format csv -c "SELECT error FROM $call" 2>&1)
  check "$call" $'error\nnot a regular file' "$out"
done
# Globs and folders list regular files only: the FIFO is not listed.
touch "$scratch/real.jpg"
out=$(timeout 60 "$quarry" --format csv -c "SELECT regexp_extract(path, '[^/]+$') AS f FROM read_images('$scratch/*.jpg')" 2>&1)
check "glob skips a FIFO" $'f\nreal.jpg' "$out"
out=$(timeout 60 "$quarry" --format csv -c "SELECT count(*) AS n FROM read_images('$scratch')" 2>&1)
check "folder skips a FIFO" $'n\n1' "$out"

echo "special-files: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
