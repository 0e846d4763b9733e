#!/usr/bin/env bash
# ensure-redis.sh - make a `redis-server` binary available for the Redis token store tests
# (mcp-token-store-redis). The tests start and stop their own instances on free loopback ports;
# nothing here starts a server. Idempotent; a no-op when redis-server is already on the PATH.
#
# Usage:
#   scripts/ensure-redis.sh          prints the path of redis-server
#   scripts/ensure-redis.sh --env    prints `export REACTIVEMCP_REDIS_SERVER=...` for eval
#
# Order: $REACTIVEMCP_REDIS_SERVER if set and executable; `redis-server` on the PATH; else, as root with
# apt-get (Debian/Ubuntu, the CI machine), `apt-get install redis-server` (the package's service is not
# started: the tests never use it). Anything else is an error that names what to install.
# Everything but the final output goes to stderr.
set -euo pipefail

mode=path
case "${1:-}" in
  "") ;;
  --env) mode=env ;;
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--env]" >&2; exit 2 ;;
esac
log() { echo "ensure-redis: $*" >&2; }

bin=${REACTIVEMCP_REDIS_SERVER:-}
if [ -n "$bin" ] && [ ! -x "$bin" ]; then
  log "REACTIVEMCP_REDIS_SERVER=$bin is not executable; looking further"; bin=
fi
[ -n "$bin" ] || bin=$(command -v redis-server 2>/dev/null || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing the Debian package redis-server"
    export DEBIAN_FRONTEND=noninteractive
    # policy-rc.d 101: the package must not start its system service (no init system here, and no need).
    prc=/usr/sbin/policy-rc.d; made_prc=
    if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod +x "$prc"; made_prc=1; fi
    { apt-get install -y -qq --no-install-recommends redis-server >&2 \
        || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends redis-server >&2; }; } || true
    [ -z "$made_prc" ] || rm -f "$prc"
    # The package may start a server on 6379 anyway (some images run services): stop it, the tests use their own.
    command -v redis-cli >/dev/null 2>&1 && redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
    bin=$(command -v redis-server 2>/dev/null || true)
  fi
fi
if [ -z "$bin" ]; then
  log "ERROR: no redis-server found; install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)"
  log "       or set REACTIVEMCP_REDIS_SERVER to its path"
  exit 1
fi
log "$("$bin" --version 2>/dev/null | sed -n 1p)"
if [ "$mode" = env ]; then echo "export REACTIVEMCP_REDIS_SERVER=$bin"; else echo "$bin"; fi
