#!/usr/bin/env bash
# demo.sh - the README's demo command: builds if needed, starts the reference MCP server
# (@modelcontextprotocol/server-everything, streamable HTTP) on a free loopback port,
# runs dev.reactivemcp.examples.Demo against http://127.0.0.1:<port>/mcp, then stops
# the server.
#
# Usage: scripts/demo.sh [-b] [URL]
#   URL  an MCP endpoint (http:// or https://): run the demo against it instead; no local
#        server is started.
#   -b   build first (mvn -B -DskipTests install). Done anyway when
#        examples/target/classpath.txt is missing or older than a POM or a main source.
# The demo JVM is started exactly like the conformance client (scripts/run-example.sh;
# JAVA_OPTS applies). The server's output goes to target/demo/server.log.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=0
if [ "${1:-}" = "-b" ]; then BUILD=1; shift; fi
CP_FILE="$REPO/examples/target/classpath.txt"
if [ "$BUILD" -eq 0 ]; then
  if [ ! -f "$CP_FILE" ] || [ -n "$(cd "$REPO" && find . -path ./.git -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
       -type f -newer "$CP_FILE" -print -quit)" ]; then
    BUILD=1
  fi
fi
if [ "$BUILD" -eq 1 ]; then
  echo "demo: building (mvn -B -q -DskipTests install) ..." >&2
  (cd "$REPO" && mvn -B -q -ntp -DskipTests install)
fi

case "${1:-}" in
  http://*|https://*)
    exec "$REPO/scripts/run-example.sh" dev.reactivemcp.examples.Demo "$@" ;;
esac

eval "$("$REPO/scripts/ensure-node.sh" --env)"
LOG_DIR="$REPO/target/demo"; mkdir -p "$LOG_DIR"; LOG="$LOG_DIR/server.log"

# A free loopback port (the server itself cannot be told to pick one and report it).
PORT=$("$REACTIVEMCP_NODE" -e '
  const s = require("net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')

SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 25); do kill -0 -- "-$SERVER_PID" 2>/dev/null || { SERVER_PID=""; return 0; }; sleep 0.2; done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

# Own process group (job control on just for this launch) so stop_server gets everything.
set -m
PORT=$PORT "$REACTIVEMCP_NODE" "$REACTIVEMCP_EVERYTHING_DIR/dist/index.js" streamableHttp >"$LOG" 2>&1 </dev/null &
SERVER_PID=$!
set +m

ready=0
for _ in $(seq 1 300); do   # up to 30 s; it usually listens within 1 s
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  echo "demo: server-everything did not start on port $PORT; $LOG:" >&2
  cat "$LOG" >&2
  exit 1
fi
URL="http://127.0.0.1:$PORT/mcp"
echo "demo: server-everything listening at $URL (log: $LOG)" >&2

set +e
"$REPO/scripts/run-example.sh" dev.reactivemcp.examples.Demo "$URL"
rc=$?
set -e
exit "$rc"
