# tests/shell/check.sh — sourced by the shell test scripts: `check NAME EXPECTED ACTUAL` counts a passed
# or failed check (printing both texts on a failure) in $passed / $failed.
passed=0
failed=0
check() {
  if [ "$2" == "$3" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3" >&2
  fi
}
