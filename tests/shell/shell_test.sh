#!/usr/bin/env bash
# Tests of the quarry shell's non-interactive behaviour: -c/-f order, formats, exit codes, errors,
# dot commands, standard input. Usage: tests/shell/shell_test.sh [path/to/quarry]
# Prints "shell: N passed, N failed" and exits non-zero when a check failed.
set -uo pipefail
# check NAME EXPECTED ACTUAL
source "$(dirname "${BASH_SOURCE[0]}")/check.sh"
quarry=$(realpath "${1:-build/quarry}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

check "csv answer" $'answer\n42' "$("$quarry" --format csv -c "SELECT 40 + 2 AS answer")"
check "version" "quarry 0.1.0 (DuckDB v1.4.4)" "$("$quarry" --version)"

# -c commands run in order in one connection.
check "one connection" $'x\n7' \
  "$("$quarry" --format csv -c "CREATE TABLE t AS SELECT 7 AS x" -c "SELECT x FROM t")"

# The first error goes to stderr, later commands do not run, the exit status is non-zero.
out=$("$quarry" --format csv -c "SELECT 1 AS a" -c "SELECT * FORM t" -c "SELECT 2 AS b" 2>"$scratch/err")
status=$?
check "error exit status" 1 "$status"
check "output before the error" $'a\n1' "$out"
check "error with position" $'Parser Error: syntax error at or near "t"\n\nLINE 1: SELECT * FORM t\n                      ^' \
  "$(cat "$scratch/err")"

# Several statements in one -c; the first failing one stops the rest.
out=$("$quarry" --format csv -c "SELECT 1 AS a; SELECT nope; SELECT 3 AS c" 2>/dev/null)
check "stop inside one -c" $'a\n1' "$out"

# -f runs a file with multi-line statements, comments and dot commands.
cat >"$scratch/script.sql" <<'SQL'
-- a comment; with a semicolon
CREATE TABLE photos AS
  SELECT i AS id, 'photo ' || i AS name
  FROM range(3) t(i);
.mode jsonl
SELECT * FROM photos
WHERE id > 0;  SELECT 'two;statements' AS s;
SQL
check "file" $'{"id":1,"name":"photo 1"}\n{"id":2,"name":"photo 2"}\n{"s":"two;statements"}' \
  "$("$quarry" -f "$scratch/script.sql")"
"$quarry" -f "$scratch/missing.sql" 2>"$scratch/err"
check "missing file status" 1 "$?"
check "missing file message" "Error: cannot open \"$scratch/missing.sql\"" "$(cat "$scratch/err")"

# Standard input, when it is not a terminal.
check "stdin" $'n\n3' "$(printf 'SELECT 1 + 2\nAS n;\n' | "$quarry" --format csv)"

# Formats.
check "markdown" $'| a | b |\n|---|---|\n| 1 | x |' "$("$quarry" --format markdown -c "SELECT 1 AS a, 'x' AS b")"
check "line" $'a = 1\nb = x' "$("$quarry" --format line -c "SELECT 1 AS a, 'x' AS b")"
check "json" '[{"a":1,"l":[1,2],"s":{"k":null}}]' "$("$quarry" --format json -c "SELECT 1 AS a, [1,2] AS l, {'k': NULL} AS s")"
check "box" $'┌─────────┐\n│    a    │\n│ varchar │\n├─────────┤\n│ hello   │\n└─────────┘' \
  "$("$quarry" -c "SELECT 'hello' AS a")"
check "statements without rows print nothing" "" "$("$quarry" -c "CREATE TABLE t (i INTEGER)" -c "INSERT INTO t VALUES (1)")"

# Every type renders in every format; opaque aggregate states as bytes (issue 11: this used to abort).
for format in box csv json jsonl line markdown; do
  "$quarry" --format "$format" -c "SELECT sum(x) EXPORT_STATE AS s FROM range(10) t(x)" >"$scratch/out" 2>"$scratch/err"
  check "aggregate state in $format: status" 0 "$?"
  check "aggregate state in $format: no error" "" "$(cat "$scratch/err")"
  "$quarry" --format "$format" -c "SELECT [count(*) EXPORT_STATE] AS l, {'u': union_value(n := 1)::UNION(n INTEGER, s VARCHAR)} AS s,
    MAP {'k': [1::BIGNUM]} AS m, '0101'::BIT AS b, TIMETZ '10:00:00+05:30' AS t, INTERVAL 1 DAY AS i, 'nan'::DOUBLE AS d,
    340282366920938463463374607431768211455::UHUGEINT AS u, 'x'::ENUM('x') AS e, 'a' || chr(0) || chr(7) AS c,
    {'a': 1}::VARIANT AS v, '{\"j\": 1}'::JSON AS j FROM range(3)" >"$scratch/out" 2>"$scratch/err"
  check "every type in $format: status" 0 "$?"
  check "every type in $format: no error" "" "$(cat "$scratch/err")"
done
check "aggregate state csv" $'s\n\\x0A\\x00\\x00\\x00\\x00\\x00\\x00\\x00' \
  "$("$quarry" --format csv -c "SELECT count(*) EXPORT_STATE AS s FROM range(10)")"
check "aggregate state jsonl" '{"s":"CgAAAAAAAAA="}' \
  "$("$quarry" --format jsonl -c "SELECT count(*) EXPORT_STATE AS s FROM range(10)")"

# Dot commands.
check "tables" $'name\nalpha\nbeta' \
  "$("$quarry" --format csv -c "CREATE TABLE beta (i INTEGER); CREATE VIEW alpha AS SELECT 1" -c ".tables")"
check "schema" "sql = CREATE TABLE beta(i INTEGER);" \
  "$("$quarry" -c "CREATE TABLE beta (i INTEGER)" -c ".schema beta")"
check "mode switch" $'a\n1' "$("$quarry" -c ".mode csv" -c "SELECT 1 AS a")"
"$quarry" -c ".mode yaml" 2>"$scratch/err"
check "bad mode status" 1 "$?"
check "bad mode message" "Error: unknown mode 'yaml', expected one of: box csv json jsonl line markdown" "$(cat "$scratch/err")"
"$quarry" -c ".frobnicate" 2>"$scratch/err"
check "unknown dot command" 'Error: unknown command ".frobnicate"; try .help' "$(cat "$scratch/err")"
check "timer" "Run Time (s): real" "$("$quarry" --format csv -c ".timer on" -c "SELECT 1" | sed -n 3p | cut -c1-18)"
check "read" $'{"id":1,"name":"photo 1"}\n{"id":2,"name":"photo 2"}\n{"s":"two;statements"}' \
  "$("$quarry" -c ".read $scratch/script.sql")"
check "quit stops" $'a\n1' "$("$quarry" --format csv -c "SELECT 1 AS a" -c ".quit" -c "SELECT 2 AS b")"

# A database file persists between runs.
"$quarry" "$scratch/kept.db" -c "CREATE TABLE kept AS SELECT 'yes' AS v"
check "database file" $'v\nyes' "$("$quarry" "$scratch/kept.db" --format csv -c "SELECT v FROM kept")"
"$quarry" /nonexistent-folder/x.db -c "SELECT 1" 2>"$scratch/err"
check "unopenable database status" 1 "$?"

# Bad command lines.
"$quarry" --format yaml 2>"$scratch/err"
check "bad format status" 2 "$?"
check "bad format message" "quarry: unknown format 'yaml', expected one of box|csv|json|jsonl|line|markdown" \
  "$(cat "$scratch/err")"

echo "shell: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
