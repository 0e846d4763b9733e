#!/usr/bin/env bash
# demo.sh - the README's demo command.
#
# Usage: scripts/demo.sh [-b] [URL | --everything [URL] | --servers]
#   (nothing)     the OAuth journey on embedded servers (module examples-demo, dev.reactivemcp.demo.OAuthDemo):
#                 a Spring Authorization Server and an MCP server protected by it start on loopback in the demo's
#                 JVM; the client discovers, registers, logs in (approved headlessly), connects (era negotiated),
#                 calls tools with progress, refreshes before expiry while calls go on, restarts on the stored
#                 tokens, and fails with REAUTHENTICATION_REQUIRED once the grant is revoked. About a minute.
#   URL           the client part against that MCP endpoint (http:// or https://): a server that wants OAuth gets a
#                 browser login; the authorization URL is printed (and opened where there is a desktop) and the
#                 redirect is awaited on a loopback listener. Tokens: ~/.cache/reactivemcp/demo-tokens.json.
#   --everything  the server-everything tour (module examples, dev.reactivemcp.examples.Demo): starts
#                 @modelcontextprotocol/server-everything (streamable HTTP, no auth) on a free loopback port and
#                 runs tools, progress, resources, prompts, sampling, elicitation and roots against it; with a URL,
#                 against that server instead.
#   --servers     only the embedded authorization server and MCP server, until Ctrl-C: point another client (or
#                 `scripts/demo.sh URL` in a second terminal) at the printed URL.
#   -b            build first. Done anyway when a classpath file is missing or older than a POM or a main source.
# The build is `mvn -B package -Dmaven.test.skip=true -pl examples,examples-demo -am` (tests are not even compiled;
# nothing is installed into ~/.m2); it prints one line per module, growing a dot every 5 s while Maven works in that
# module, and a count of downloads, and keeps its whole output in target/demo/build.log.
# JVM options: JAVA_OPTS (default tuned for a short-lived process); JAVA_HOME picks the java.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_DIR="$REPO/target/demo"; mkdir -p "$LOG_DIR"
BUILD=0
if [ "${1:-}" = "-b" ]; then BUILD=1; shift; fi
MODE=oauth
MAIN=dev.reactivemcp.demo.OAuthDemo
if [ "${1:-}" = "--everything" ]; then MODE=everything; shift; fi
if [ "${1:-}" = "--servers" ]; then MAIN=dev.reactivemcp.demo.DemoServers; shift; fi
case "${1:-}" in
  ""|http://*|https://*) ;;
  *) echo "usage: $0 [-b] [URL | --everything [URL] | --servers]" >&2; exit 2 ;;
esac

CP_FILES=("$REPO/examples/target/classpath.txt" "$REPO/examples-demo/target/classpath.txt")
if [ "$BUILD" -eq 0 ]; then
  for cp in "${CP_FILES[@]}"; do
    if [ ! -f "$cp" ] || [ -n "$(cd "$REPO" && find . -path ./.git -prune -o \( -name pom.xml -o -path '*/src/main/*' \) \
         -type f -newer "$cp" -print -quit)" ]; then
      BUILD=1
    fi
  done
fi
if [ "$BUILD" -eq 1 ]; then
  echo "demo: building with Maven (the first time also downloads the dependencies; log: target/demo/build.log)"
  t0=$SECONDS
  set +e
  # Maven's output goes whole to build.log; on screen, one line per module, with a dot every 5 s while Maven works
  # inside it (a long compile or download is not a hang). The ticker is a line "@@demo-tick" in the same pipe.
  (
    cd "$REPO" && mvn -B -Dmaven.test.skip=true package -pl examples,examples-demo -am 2>&1 &
    mvn_pid=$!
    trap 'kill "$mvn_pid" 2>/dev/null' EXIT
    ticks=0
    while kill -0 "$mvn_pid" 2>/dev/null; do
      sleep 1
      ticks=$((ticks + 1))
      if [ $((ticks % 5)) -eq 0 ]; then echo "@@demo-tick"; fi
    done
    wait "$mvn_pid"
  ) | awk -v logfile="$LOG_DIR/build.log" '
    function endline() { if (open) { printf "\n"; open = 0 } }
    $0 == "@@demo-tick" { if (!open) { printf "demo:   "; open = 1 } printf "."; fflush(); next }
    { print > logfile }
    /^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]$/ {
      endline(); sub(/^\[INFO\] Building /, ""); gsub(/  +/, " "); printf "demo:   %s ", $0; open = 1; fflush() }
    /^Downloaded from / { n++; if (n % 50 == 0) { endline(); printf "demo:   ... %d files downloaded\n", n; fflush() } }
    /^\[ERROR\]/ { endline(); print; fflush() }
    END { endline(); if (n > 0) printf "demo:   %d files downloaded in all\n", n }'
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "demo: the build failed (rc $rc); see $LOG_DIR/build.log" >&2
    exit "$rc"
  fi
  touch "${CP_FILES[@]}"   # Maven leaves an unchanged classpath file as it was: mark it fresh for the check above
  echo "demo: built in $((SECONDS - t0)) s"
fi

java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
: "${JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData}"

if [ "$MODE" = oauth ]; then
  target="$REPO/examples-demo/target"
  # JAVA_OPTS is split on whitespace on purpose (like most launchers).
  # shellcheck disable=SC2086
  exec "$java" $JAVA_OPTS -cp "$target/classes:$(cat "$target/classpath.txt")" "$MAIN" "$@"
fi

# ---- --everything: the server-everything tour ------------------------------------------------------------------
case "${1:-}" in
  http://*|https://*)
    exec "$REPO/scripts/run-example.sh" dev.reactivemcp.examples.Demo "$@" ;;
esac

eval "$("$REPO/scripts/ensure-node.sh" --env)"
LOG="$LOG_DIR/server.log"

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
