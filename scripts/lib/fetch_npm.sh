# shellcheck shell=bash disable=SC2154 # npm_tarballs is set by the sourcing script
# scripts/lib/fetch_npm.sh — sourced, not run: the one way quarry's scripts fetch a pinned npm tarball
# (scripts/setup for quarry's dependencies, bench/ for benchmark baselines that are never dependencies).
# `npm pack` downloads the tarball without running any of the package's scripts; its sha512 must equal
# the pinned integrity (`npm view NAME@VERSION dist.integrity`) before anything is unpacked.
# The sourcing script sets npm_tarballs, the folder the tarballs are kept in.

# fetch_npm_tarball SPEC INTEGRITY: npm pack SPEC into $npm_tarballs unless there, verify INTEGRITY (a
# mismatch deletes the tarball and exits), and print the tarball's path.
fetch_npm_tarball() {
  local spec=$1 integrity=$2
  local tarball
  tarball="$npm_tarballs/$(echo "$spec" | sed 's/^@//; s/[@/]/-/g').tgz"
  if [ ! -f "$tarball" ]; then
    echo "$(basename "$0"): fetching $spec" >&2
    mkdir -p "$npm_tarballs"
    (cd "$npm_tarballs" && npm pack --silent "$spec" >/dev/null)
  fi
  local actual
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
  if [ "$actual" != "$integrity" ]; then
    rm -f "$tarball"
    echo "$(basename "$0"): integrity mismatch for $spec: expected $integrity, got $actual" >&2
    exit 1
  fi
  echo "$tarball"
}

# fetch_npm SPEC INTEGRITY DEST [MEMBER]: fetch and verify SPEC's tarball, unpack its MEMBER folder
# (default: all of it) into DEST. Skipped when DEST already holds INTEGRITY.
fetch_npm() {
  local spec=$1 integrity=$2 dest=$3 member=${4:-}
  local stamp="$dest/.integrity"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$integrity" ]; then
    return 0
  fi
  local tarball
  tarball=$(fetch_npm_tarball "$spec" "$integrity")
  rm -rf "$dest"
  mkdir -p "$dest"
  local strip=$(($(echo "package/$member" | tr -cd / | wc -c)))
  [ -n "$member" ] || strip=1
  tar -xzf "$tarball" -C "$dest" --strip-components="$strip" "package/$member"
  echo "$integrity" >"$stamp"
  echo "$(basename "$0"): unpacked $spec into $dest" >&2
}
