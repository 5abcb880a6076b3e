#!/usr/bin/env bash
# tests/cluster/distributed_sql_test.sh [BUILD_DIR] — the same SQL, one process and a job of 3 (the
# quarry shell under `mpirun --oversubscribe -n 3` over TCP): tests/cluster/queries/corpus.sql
# (projections with model functions, filters, ORDER BY/LIMIT, text, audio, PDF, OCR and aggregates
# split into shares; joins, windows and count(DISTINCT) on rank 0; COPY to Parquet written by the
# workers) must print the same.
# Then a COPY job whose worker (and one whose rank 0) is killed half-way, resumed with --resume, must
# hold the same rows as a clean run, none twice; a set-up statement that fails on the workers names
# their ranks; EXPLAIN says what runs where.
# Needs the demo's files (scripts/demo). Prints "distributed: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
quarry=$build/quarry
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
cd "$root"

job() {  # job [ENV=VALUE...] -- SHELL ARGUMENTS: the quarry shell as a job of 3 processes
  local exports=()
  while [ "$1" != "--" ]; do exports+=(-x "$1"); shift; done
  shift
  timeout 600 mpirun --allow-run-as-root --oversubscribe -n 3 --mca btl tcp,self "${exports[@]}" "$quarry" "$@"
}

# The corpus, alone and as a job (small shares: many of them for 3 processes).
sed "s|__OUTPUT__|$scratch/alone|g" tests/cluster/queries/corpus.sql >"$scratch/alone.sql"
sed "s|__OUTPUT__|$scratch/job|g" tests/cluster/queries/corpus.sql >"$scratch/job.sql"
mkdir -p "$scratch/alone" "$scratch/job"
"$quarry" --format csv -f "$scratch/alone.sql" >"$scratch/alone.out" 2>&1
job QUARRY_SHARE_MAX_FILES=2 -- --format csv --job-dir "$scratch/job-folder" -f "$scratch/job.sql" \
  >"$scratch/job.out" 2>"$scratch/job.err"
if [ ! -s "$scratch/alone.out" ] || grep -q "Error" "$scratch/alone.out"; then
  fail "the corpus fails in one process: $(grep -m1 Error "$scratch/alone.out")"
elif diff "$scratch/alone.out" "$scratch/job.out" >"$scratch/diff.txt"; then
  ok "the corpus: a job of 3 prints what one process prints ($(wc -l <"$scratch/alone.out") lines)"
else
  fail "the corpus: a job of 3 prints otherwise: $(head -20 "$scratch/diff.txt") $(tail -5 "$scratch/job.err")"
fi
# Twelve statements of the corpus run as shares (each left its log and manifest in the job folder).
split=$(ls -d "$scratch"/job-folder/statement-*/job.log 2>/dev/null | wc -l)
if [ "$split" -eq 12 ]; then
  ok "the corpus: the 12 statements over file functions ran as shares on the workers"
else
  fail "the corpus: $split statements ran as shares, expected 12"
fi
if [ -f "$scratch/job/labels/_quarry_manifest.json" ] && ls "$scratch/job/labels" | grep -q '^part-'; then
  ok "COPY in a job: part files written by the workers, and a manifest"
else
  fail "COPY in a job: no part files or manifest in $scratch/job/labels"
fi

# A COPY job with a worker killed at its third share, then resumed.
copy="COPY (SELECT parse_filename(path) AS file, kind, image.width FROM read_images('examples/.data/photos', recursive := true)) TO '$scratch/copied' (FORMAT parquet)"
check="SELECT count(*) AS rows, count(DISTINCT file) AS files FROM read_parquet('$scratch/copied/*.parquet')"
expected=$("$quarry" --format csv -c "SELECT count(*) AS rows, count(DISTINCT parse_filename(path)) AS files FROM read_images('examples/.data/photos', recursive := true)")
if job QUARRY_SHARE_MAX_FILES=1 QUARRY_FAULT_KILL_AT_SHARE=2 -- --job-dir "$scratch/killed" -c "$copy" \
  >"$scratch/killed.out" 2>&1; then
  fail "a job with a killed worker did not stop"
elif [ -f "$scratch/copied/_quarry_manifest.json" ]; then
  fail "a killed job wrote its manifest"
elif job QUARRY_SHARE_MAX_FILES=1 -- --job-dir "$scratch/killed" --resume -c "$copy" >"$scratch/resumed.out" 2>&1; then
  actual=$("$quarry" --format csv -c "$check")
  if [ "$actual" = "$expected" ]; then
    ok "a worker killed during COPY, the job resumed: every row once ($(echo "$actual" | tail -1))"
  else
    fail "resumed COPY: expected $expected, got $actual"
  fi
else
  fail "the resumed job failed: $(tail -5 "$scratch/resumed.out")"
fi

# The same COPY with rank 0 killed after 4 committed shares (before publishing them), then resumed.
rm -rf "$scratch/copied"
if job QUARRY_SHARE_MAX_FILES=1 QUARRY_FAULT_KILL_COORDINATOR_AFTER=4 -- --job-dir "$scratch/killed0" -c "$copy" \
  >"$scratch/killed0.out" 2>&1; then
  fail "a job whose rank 0 was killed did not stop"
elif job QUARRY_SHARE_MAX_FILES=1 -- --job-dir "$scratch/killed0" --resume -c "$copy" >"$scratch/resumed0.out" 2>&1; then
  actual=$("$quarry" --format csv -c "$check")
  if [ "$actual" = "$expected" ]; then
    ok "rank 0 killed during COPY, the job resumed: every row once"
  else
    fail "resumed COPY after rank 0 died: expected $expected, got $actual"
  fi
else
  fail "the job resumed after rank 0 died failed: $(tail -5 "$scratch/resumed0.out")"
fi

# A set-up statement that fails on the workers: the error names each rank.
job -- --job-dir "$scratch/bad" -c "CREATE MODEL m FROM '/nonexistent/model.pt' WITH (task = 'embedding')" >"$scratch/bad.out" 2>&1
if grep -q "rank 1" "$scratch/bad.out" && grep -q "rank 2" "$scratch/bad.out"; then
  ok "a model file missing on the workers: the error names their ranks"
else
  fail "a failing set-up statement: $(head -5 "$scratch/bad.out")"
fi

# EXPLAIN in a job says where a statement runs and what each side runs.
job -- --format csv --job-dir "$scratch/explain" \
  -c "EXPLAIN SELECT kind, count(*) AS n FROM read_images('examples/.data/photos', recursive := true) GROUP BY kind" \
  -c "EXPLAIN SELECT count(DISTINCT kind) FROM read_images('examples/.data/photos', recursive := true)" \
  >"$scratch/explain.out" 2>&1
if grep -q "shares of files on ranks 1-2" "$scratch/explain.out" && grep -q "count_star() AS __qa0" "$scratch/explain.out" &&
  grep -q "rank 0 alone: an aggregate with DISTINCT" "$scratch/explain.out"; then
  ok "EXPLAIN in a job shows what runs where"
else
  fail "EXPLAIN in a job: $(head -8 "$scratch/explain.out")"
fi

echo "distributed: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
