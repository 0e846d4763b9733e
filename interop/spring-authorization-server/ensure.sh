#!/usr/bin/env bash
# ensure.sh - build the standalone Spring Authorization Server of the interop tests (Boot 4.0.7, its own Maven
# project, never on the SDK's classpath) and keep the executable jar in the cache. Idempotent: a no-op when the
# stamp (hash of pom.xml and sources) matches.
#
# Usage:
#   interop/spring-authorization-server/ensure.sh          prints the jar path
#   interop/spring-authorization-server/ensure.sh --env    prints `export REACTIVEMCP_SAS_JAR=...` for eval
#
# Cache: ${REACTIVEMCP_CACHE:-~/.cache/reactivemcp}/spring-authorization-server (flock on the cache).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE="${REACTIVEMCP_CACHE:-${HOME:-$(echo ~)}/.cache/reactivemcp}"
DIR="$CACHE/spring-authorization-server"
JAR="$DIR/spring-authorization-server.jar"

mode=path
case "${1:-}" in
  "") ;;
  --env) mode=env ;;
  *) echo "usage: $0 [--env]" >&2; exit 2 ;;
esac

die() { echo "spring-authorization-server/ensure: ERROR: $*" >&2; exit 1; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.spring-authorization-server.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 900 9 || die "timed out waiting for the lock"
fi

stamp=$(cd "$here" && find pom.xml src -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
if [ "$(cat "$DIR/.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$JAR" ]; then
  echo "spring-authorization-server/ensure: mvn package of interop/spring-authorization-server ($stamp)" >&2
  t0=$SECONDS
  mvn -B -ntp -q -f "$here/pom.xml" package -DskipTests >&2 || die "mvn package failed"
  rm -rf "$DIR"; mkdir -p "$DIR"
  cp "$here/target/spring-authorization-server.jar" "$JAR"
  echo "$stamp" >"$DIR/.stamp"
  echo "spring-authorization-server/ensure: ready ($((SECONDS - t0)) s)" >&2
fi

if [ "$mode" = env ]; then
  printf 'export REACTIVEMCP_SAS_JAR=%q\n' "$JAR"
else
  echo "$JAR"
fi
