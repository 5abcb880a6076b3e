#!/usr/bin/env bash
# Drives the interactive shell in a real terminal (tmux) and checks what a user sees: the banner, a
# boxed result, a multi-line statement with its continuation prompt, an error with its position,
# history recalled with the Up key, and the history file written on exit.
# Usage: tests/shell/interactive_test.sh [path/to/quarry]; prints "interactive: N passed, N failed".
set -uo pipefail
quarry=$(realpath "${1:-build/quarry}")
scratch=$(mktemp -d)
session="quarry-interactive-$$"
export TMUX_TMPDIR="$scratch"
trap 'tmux kill-server 2>/dev/null; rm -rf "$scratch"' EXIT
passed=0
failed=0

screen() { tmux capture-pane -p -t "$session"; }
# wait_for TEXT: waits up to 20 s for TEXT to appear on the screen.
wait_for() {
  for _ in $(seq 200); do
    screen | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  return 1
}
# expect NAME TEXT
expect() {
  if wait_for "$2"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: "%s" not on the screen:\n%s\n' "$1" "$2" "$(screen)" >&2
  fi
}
# tmux reads an argument ending in ';' as its own command separator: send such a ';' escaped.
type_line() {
  local text=$1
  [ "${text: -1}" != ";" ] || text="${text%;}\\;"
  tmux send-keys -t "$session" -l "$text" && tmux send-keys -t "$session" Enter
}

tmux new-session -d -s "$session" -x 100 -y 40 "env HOME=$scratch TERM=xterm $quarry"
expect "banner" 'Enter ".help" for usage hints.'
type_line "SELECT 40 + 2 AS answer;"
expect "boxed result" "│ answer │"
expect "boxed value" "│     42 │"

type_line "SELECT 'multi'"
expect "continuation prompt" "   ...>"
type_line "  AS line;"
expect "multi-line result" "│ multi   │"

type_line "SELECT * FORM t;"
expect "error message" 'Parser Error: syntax error at or near "t"'
expect "error line" "LINE 1: SELECT * FORM t"

# A statement running over 2 s shows DuckDB's progress bar; range() reports its progress only as it
# ends, so the bar is drawn then: this one takes about 7 s on 2 cores (no rows kept), well past 2 s however fast
# the machine (waited for up to 60 s).
type_line "CREATE TABLE big AS SELECT sum(hash(i)) AS s FROM range(1000000000) t(i);"
for _ in 1 2; do wait_for "elapsed)" && break; done
expect "progress bar" "elapsed)"
tmux send-keys -t "$session" C-l

type_line ".mode csv"
tmux send-keys -t "$session" Up Up Up Enter
# Up three times from the empty line: ".mode csv", the CREATE, the error.
expect "history recall" "syntax error"
tmux send-keys -t "$session" C-l
type_line ".quit"
for _ in $(seq 50); do
  tmux has-session -t "$session" 2>/dev/null || break
  sleep 0.1
done
# libedit stores spaces as \040.
if grep -qF 'SELECT\04040\040+\0402\040AS\040answer;' "$scratch/.quarry_history" 2>/dev/null; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL history file: $scratch/.quarry_history lacks the first statement" >&2
fi

echo "interactive: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
