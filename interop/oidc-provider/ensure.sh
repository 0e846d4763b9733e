#!/usr/bin/env bash
# ensure.sh - install the pinned oidc-provider (package-lock.json beside this script) with Node 22, for the
# interop tests (module mcp-interop-tests). Idempotent and cached: a no-op when the stamp matches.
#
# Usage:
#   interop/oidc-provider/ensure.sh          prints the node_modules directory
#   interop/oidc-provider/ensure.sh --env    prints `export VAR=...` lines for eval:
#                                              REACTIVEMCP_NODE                   node 22 binary
#                                              REACTIVEMCP_OIDC_PROVIDER_MODULES  .../node_modules holding oidc-provider
#
# Cache: ${REACTIVEMCP_CACHE:-~/.cache/reactivemcp}/oidc-provider (`npm ci`, stamp written last, flock on the cache).
# Node 22 comes from scripts/ensure-node.sh. Everything but the final output goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
CACHE="${REACTIVEMCP_CACHE:-${HOME:-$(echo ~)}/.cache/reactivemcp}"
DIR="$CACHE/oidc-provider"

mode=path
case "${1:-}" in
  "") ;;
  --env) mode=env ;;
  *) echo "usage: $0 [--env]" >&2; exit 2 ;;
esac

die() { echo "oidc-provider/ensure: ERROR: $*" >&2; exit 1; }

NODE_BIN=$("$repo/scripts/ensure-node.sh") || die "scripts/ensure-node.sh failed"

mkdir -p "$CACHE"
exec 9>"$CACHE/.oidc-provider.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 600 9 || die "timed out waiting for the lock on $CACHE/.oidc-provider.lock"
fi

stamp="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-16) $("$NODE_BIN" --version)"
if [ "$(cat "$DIR/.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$DIR/node_modules/oidc-provider/lib/index.js" ]; then
  echo "oidc-provider/ensure: npm ci of interop/oidc-provider/package-lock.json into $DIR" >&2
  t0=$SECONDS
  rm -rf "$DIR"; mkdir -p "$DIR"
  cp "$here/package.json" "$here/package-lock.json" "$DIR/"
  (cd "$DIR" && export PATH="$(dirname "$NODE_BIN"):$PATH" && npm ci --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci in $DIR failed"
  echo "$stamp" >"$DIR/.stamp"
  echo "oidc-provider/ensure: ready ($((SECONDS - t0)) s)" >&2
fi

if [ "$mode" = env ]; then
  printf 'export REACTIVEMCP_NODE=%q\n' "$NODE_BIN"
  printf 'export REACTIVEMCP_OIDC_PROVIDER_MODULES=%q\n' "$DIR/node_modules"
else
  echo "$DIR/node_modules"
fi
