#!/usr/bin/env bash
# tests/cluster/mpi_share_job_test.sh [BUILD_DIR] — the commit protocol (src/cluster/) under a real
# mpirun: 3 processes over TCP (rank 0 coordinates, 2 workers) cut 200 files into shares, write a part
# file per share and commit them through the job log. Checked: a clean run lists every input file
# exactly once across its part files and its manifest names them all; a worker killed (SIGKILL) in the
# middle of a share ends the job (Open MPI stops every rank), and --resume with the same job folder
# ends with exactly the clean run's rows; the same when rank 0 is killed between a commit and its
# publishing; a straggler's share run twice is counted once. Then the same under Slurm's srun, on a
# one-node Slurm the test starts (tests/cluster/local_slurm.sh). Prints "mpi: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
check=$build/quarry_mpi_share_check
scratch=$(mktemp -d)
trap '"$root/tests/cluster/local_slurm.sh" stop "$scratch/slurm"; rm -rf "$scratch"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

launcher=mpirun
run() {  # run [ENV=VALUE...] -- ARGS...: the check program under the launcher, 3 processes; its status
  local environment=()
  while [ "$1" != "--" ]; do environment+=("$1"); shift; done
  shift
  if [ "$launcher" = mpirun ]; then
    local exports=()
    for variable in "${environment[@]}"; do exports+=(-x "$variable"); done
    timeout 300 mpirun --allow-run-as-root --oversubscribe -n 3 --mca btl tcp,self \
      "${exports[@]}" "$check" "$@" >"$scratch/last.log" 2>&1
  else
    local exports=ALL
    for variable in "${environment[@]}"; do exports+=",$variable"; done
    timeout 300 srun -K -n 3 --mpi=pmix --export="$exports" "$check" "$@" >"$scratch/last.log" 2>&1
  fi
}

# 200 input files in 5 folders.
for i in $(seq 0 199); do
  mkdir -p "$scratch/input/d$((i % 5))"
  echo "$i" >"$scratch/input/d$((i % 5))/file$i.txt"
done
find "$scratch/input" -type f | sort >"$scratch/expected.txt"

# The rows a finished job's output holds: every line of the files its manifest names, sorted.
rows() {
  local output=$1
  /usr/bin/python3 -c '
import json, sys
output = sys.argv[1]
for name in json.load(open(output + "/_quarry_manifest.json"))["files"]:
    sys.stdout.write(open(output + "/" + name).read())' "$output" | sort
}
# same_rows NAME OUTPUT: the output's rows are the input files, each once, and nothing is staged.
same_rows() {
  if ! diff -q <(rows "$2") "$scratch/expected.txt" >/dev/null; then
    fail "$1: rows differ from the input files"
  elif [ -e "$2/.quarry-staging" ]; then
    fail "$1: staging files were left"
  elif [ "$(ls "$2" | grep -c '^part-')" -ne "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["files"]))' "$2/_quarry_manifest.json")" ]; then
    fail "$1: part files that the manifest does not name"
  else
    ok "$1"
  fi
}

if run -- "$scratch/input" "$scratch/job-clean" "$scratch/out-clean"; then
  same_rows "a clean run over 3 ranks" "$scratch/out-clean"
else
  fail "a clean run over 3 ranks: $(tail -5 "$scratch/last.log")"
fi

if run QUARRY_TEST_SLOW_RANK=2 -- "$scratch/input" "$scratch/job-slow" "$scratch/out-slow"; then
  same_rows "a straggler's shares run twice count once" "$scratch/out-slow"
else
  fail "a straggler: $(tail -5 "$scratch/last.log")"
fi

# A job that was never resumed cannot start over the same folder by mistake.
if run -- "$scratch/input" "$scratch/job-clean" "$scratch/out-clean"; then
  fail "a second run over a finished job folder was accepted"
elif grep -q "holds a job already" "$scratch/last.log"; then
  ok "a job folder in use needs --resume"
else
  fail "a second run over a job folder: $(tail -3 "$scratch/last.log")"
fi

for death in QUARRY_TEST_WORKER_DIES_AT_SHARE=20 QUARRY_TEST_COORDINATOR_DIES_AFTER=30; do
  name=${death%%=*}
  if run "$death" -- "$scratch/input" "$scratch/job-$name" "$scratch/out-$name"; then
    fail "$death: the job did not stop"
    continue
  fi
  if [ -e "$scratch/out-$name/_quarry_manifest.json" ]; then
    fail "$death: a manifest was written by a job that died"
    continue
  fi
  committed=$(grep -c $'\tcommit\t\|^[0-9a-f]* commit' "$scratch/job-$name/job.log")
  if run -- "$scratch/input" "$scratch/job-$name" "$scratch/out-$name" --resume; then
    same_rows "killed ($death, $committed shares committed before), resumed" "$scratch/out-$name"
  else
    fail "resume after $death: $(tail -5 "$scratch/last.log")"
  fi
done

# The same job under Slurm for real: a one-node Slurm started here, `srun -n 3` (PMIx), a worker killed
# (srun -K ends the step), resumed.
if "$root/tests/cluster/local_slurm.sh" start "$scratch/slurm" >"$scratch/slurm.log" 2>&1; then
  source "$scratch/slurm/env"
  launcher=srun
  if run -- "$scratch/input" "$scratch/job-srun" "$scratch/out-srun"; then
    same_rows "srun -n 3 under a Slurm started by the test" "$scratch/out-srun"
  else
    fail "srun -n 3: $(tail -5 "$scratch/last.log")"
  fi
  if run QUARRY_TEST_WORKER_DIES_AT_SHARE=10 -- "$scratch/input" "$scratch/job-srun-killed" "$scratch/out-srun-killed"; then
    fail "srun: the job with a killed worker did not stop"
  elif run -- "$scratch/input" "$scratch/job-srun-killed" "$scratch/out-srun-killed" --resume; then
    same_rows "srun: a worker killed, the job resumed" "$scratch/out-srun-killed"
  else
    fail "srun: resume: $(tail -5 "$scratch/last.log")"
  fi
  # The quarry shell as a job under srun: a split aggregation and a split query, as one process prints.
  sql=(-c "SELECT count(*) AS files, sum(size) AS bytes, max(content) AS last FROM read_text('$scratch/input', recursive := true)"
    -c "SELECT parse_filename(filename) AS file, content FROM read_text('$scratch/input', recursive := true) ORDER BY file LIMIT 3")
  alone=$("$build/quarry" --format csv "${sql[@]}" 2>&1)
  in_job=$(QUARRY_SHARE_MAX_FILES=16 timeout 300 srun -K -n 3 --mpi=pmix --export=ALL \
    "$build/quarry" --format csv --job-dir "$scratch/srun-sql" "${sql[@]}" 2>"$scratch/srun-sql.err")
  if [ "$in_job" = "$alone" ] && [ -f "$scratch/srun-sql/statement-2/job.log" ]; then
    ok "the quarry shell under srun -n 3 prints what one process prints"
  else
    fail "the quarry shell under srun: got '$in_job', expected '$alone' $(tail -3 "$scratch/srun-sql.err")"
  fi
else
  fail "a local Slurm did not start: $(tail -5 "$scratch/slurm.log")"
fi

echo "mpi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
