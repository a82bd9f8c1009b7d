#!/usr/bin/env bash
# Bun and Deno for the runtime tests (test/runtimes/, SPEC §9), from the npm registry (the
# only place anything can be fetched from here): the platform packages that the `bun` and
# `deno` packages would pick, PINNED, unpacked without running any install script, into DIR
# (default ${XDG_CACHE_HOME:-~/.cache}/shipshape-runtimes, where the tests also look).
# Prints the variables the tests read: SHIPSHAPE_BUN=… and SHIPSHAPE_DENO=…
#
#   bash scripts/install-runtimes.sh [DIR]
#   eval "$(bash scripts/install-runtimes.sh)" && npm test
set -euo pipefail
BUN_VERSION=1.4.5
DENO_VERSION=2.9.6

dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/shipshape-runtimes}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

# unpack PACKAGE@VERSION into $dir/NAME (once: a second run finds it there)
unpack() {
  local spec=$1 name=$2
  [ -d "$dir/$name" ] && return 0
  local work
  work="$(mktemp -d "$dir/.unpack.XXXXXX")"
  (cd "$work" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
  mv "$work/package" "$dir/$name"
  rm -rf "$work"
}

case "$(uname -m)" in
  x86_64) bun_pkg=@oven/bun-linux-x64 deno_pkg=@deno/linux-x64-glibc ;;
  aarch64 | arm64) bun_pkg=@oven/bun-linux-aarch64 deno_pkg=@deno/linux-arm64-glibc ;;
  *) echo "install-runtimes: no Bun/Deno package for $(uname -m)" >&2; exit 1 ;;
esac
unpack "$bun_pkg@$BUN_VERSION" "bun-$BUN_VERSION"
unpack "$deno_pkg@$DENO_VERSION" "deno-$DENO_VERSION"
echo "export SHIPSHAPE_BUN=$dir/bun-$BUN_VERSION/bin/bun"
echo "export SHIPSHAPE_DENO=$dir/deno-$DENO_VERSION/deno"
