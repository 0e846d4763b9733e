#!/usr/bin/env bash
# test-all.sh - the project's test command (what CI runs through .ci/run):
#   1. setup     scripts/ensure-node.sh (Node 22 + the pinned MCP test tools), interop/oidc-provider/ensure.sh and
#                interop/spring-authorization-server/ensure.sh (the real authorization servers); all cached;
#                scripts/ensure-redis.sh (a redis-server binary for the Redis token store tests)
#   2. build     mvn -B install -DskipTests: compiles everything, installs the published modules (shaded
#                mcp-transport, dependency-reduced POMs) and writes examples/target/classpath.txt
#   3. two lanes in parallel (they share no ports: every server in them listens on port 0):
#        A  core       mvn verify -pl mcp-errors,mcp-transport,mcp-oauth,mcp-observation (unit + loopback interop tests; CPU-heavy)
#           consumers  scripts/consumer-smoke.sh (plain / Spring Boot 3.5 / Boot 4 consumers of the installed jars)
#        B  interop    mvn verify -pl mcp-interop-tests (oidc-provider, Spring Authorization Server; mostly waiting)
#           faults     mvn verify -pl mcp-fault-tests (fault-injecting proxy + server-everything; mostly waiting)
#           services   mvn verify -pl mcp-token-store-redis,mcp-spring-webflux (real redis-server on free ports, two
#                      replica JVMs; a real Spring WebClient against loopback servers)
#           examples   mvn verify -pl examples
#           conformance scripts/conformance.sh (a JVM per scenario: CPU-heavy, so it runs after lane A's core
#                      tests are mostly done, and after the examples build whose target/ it reads)
# Quiet where all is well: one line per step with its time; the whole log of a step that failed is summarised and
# its log named. Ends with the Surefire totals, the conformance counts and the line `N passed, M failed`.
# Exits non-zero if any step fails. Logs: target/test-all/*.log.
#
# Environment: MAVEN_ARGS (extra mvn arguments), TEST_ALL_SERIAL=1 (lanes one after the other), and what
# scripts/conformance.sh reads (CONFORMANCE_SETS, CONFORMANCE_TIMEOUT, CONFORMANCE_BUDGET, ...).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
LOGS="$REPO/target/test-all"
rm -rf "$LOGS"
mkdir -p "$LOGS"
T_ALL=$SECONDS
MVN=(mvn -B -ntp -Dmaven.test.failure.ignore=true ${MAVEN_ARGS:-})

# run NAME CMD...: runs CMD with its output in $LOGS/NAME.log; records rc and seconds; prints one line.
run() {
  local name=$1; shift
  local t0=$SECONDS rc=0
  "$@" >"$LOGS/$name.log" 2>&1 || rc=$?
  echo "$rc" >"$LOGS/$name.rc"
  echo "$((SECONDS - t0))" >"$LOGS/$name.secs"
  printf '  %-14s %s in %4d s  (%s)\n' "$name" "$([ "$rc" = 0 ] && echo ok || echo "FAILED rc=$rc")" \
    "$((SECONDS - t0))" "target/test-all/$name.log"
  return 0
}
rc_of() { cat "$LOGS/$1.rc" 2>/dev/null || echo skipped; }

# ---------------------------------------------------------------- 1. setup ---
echo "=== setup"
t0=$SECONDS
eval "$(scripts/ensure-node.sh --env 2>"$LOGS/setup.log")"
export REACTIVEMCP_NODE REACTIVEMCP_EVERYTHING_DIR REACTIVEMCP_CONFORMANCE_DIR
eval "$(interop/oidc-provider/ensure.sh --env 2>>"$LOGS/setup.log")"
export REACTIVEMCP_OIDC_PROVIDER_MODULES
eval "$(interop/spring-authorization-server/ensure.sh --env 2>>"$LOGS/setup.log")"
export REACTIVEMCP_SAS_JAR
eval "$(scripts/ensure-redis.sh --env 2>>"$LOGS/setup.log")"
export REACTIVEMCP_REDIS_SERVER
echo "  node $("$REACTIVEMCP_NODE" --version), redis-server, oidc-provider and Spring Authorization Server ready in $((SECONDS - t0)) s"

# ---------------------------------------------------------------- 2. build ---
echo "=== build (mvn install, tests skipped)"
run build "${MVN[@]}" install -DskipTests
if [ "$(rc_of build)" != 0 ]; then
  grep -E '^\[ERROR\]' "$LOGS/build.log" | head -40 || true
  echo "FAILED: the build failed; no tests were run"
  echo "0 passed, 1 failed"
  exit 1
fi

# ---------------------------------------------------------------- 3. lanes ---
lane_a() {
  run core "${MVN[@]}" verify -pl mcp-errors,mcp-transport,mcp-oauth,mcp-observation
  run consumers scripts/consumer-smoke.sh
}
lane_b() {
  run interop "${MVN[@]}" verify -pl mcp-interop-tests
  run faults "${MVN[@]}" verify -pl mcp-fault-tests
  run services "${MVN[@]}" verify -pl mcp-token-store-redis,mcp-spring-webflux   # redis-server (tests start their own)
  run examples "${MVN[@]}" verify -pl examples,examples-demo
  run conformance scripts/conformance.sh
}
echo "=== tests ($([ -n "${TEST_ALL_SERIAL:-}" ] && echo "serial" || echo "two lanes in parallel"))"
if [ -n "${TEST_ALL_SERIAL:-}" ]; then
  lane_a; lane_b
else
  lane_a & p1=$!
  lane_b & p2=$!
  wait "$p1" "$p2"
fi

# -------------------------------------------------------------- summary ---
STATUS=0
echo
echo "=== summary (total $((SECONDS - T_ALL)) s)"
# Per-module Surefire totals are the "Tests run: ..." lines without "-- in <class>".
SUREFIRE=$(cat "$LOGS/core.log" "$LOGS/interop.log" "$LOGS/faults.log" "$LOGS/services.log" "$LOGS/examples.log" 2>/dev/null | awk '
  /Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$/ {
    for (i = 1; i <= NF; i++) {
      v = $(i + 1); gsub(/,/, "", v)
      if ($i == "run:") r += v; else if ($i == "Failures:") f += v
      else if ($i == "Errors:") e += v; else if ($i == "Skipped:") s += v
    }
  }
  END { printf "Tests run: %d, Failures: %d, Errors: %d, Skipped: %d\n", r, f, e, s }')
read -r TESTS_RUN TEST_FAILURES TEST_ERRORS TEST_SKIPPED < <(echo "$SUREFIRE" | awk -F'[:,] *' '{print $2, $4, $6, $8}')

for step in core interop faults services examples; do
  if [ "$(rc_of $step)" != 0 ]; then
    echo "FAILED: mvn ($step) exited $(rc_of $step)"; STATUS=1
  fi
  if grep -qE '^\[ERROR\] (Tests run:|Failures:|Errors:)|<<< (FAILURE|ERROR)!' "$LOGS/$step.log" 2>/dev/null; then
    echo "--- failing tests in $step (target/test-all/$step.log):"
    grep -E -A4 '<<< (FAILURE|ERROR)!' "$LOGS/$step.log" | grep -vE '^\s+at |^--$' | sed 's/^/    /' | head -40
  fi
done
if [ "$((TEST_FAILURES + TEST_ERRORS))" -gt 0 ]; then
  echo "FAILED: $TEST_FAILURES test failures, $TEST_ERRORS test errors (target/surefire-reports in the modules)"
  STATUS=1
fi
[ "$TESTS_RUN" -gt 0 ] || { echo "FAILED: Surefire ran no test"; STATUS=1; }

# The fault-injection table (figures per fault) is part of what a run reports.
[ -f mcp-fault-tests/target/fault-tests/faults.md ] && { echo "--- fault injection:"; sed 's/^/    /' mcp-fault-tests/target/fault-tests/faults.md; }

CONF_RC=$(rc_of conformance)
CONF_TAIL=$(grep -E '^unexpected: [0-9]+$|^[0-9]+ passed, [0-9]+ failed$' "$LOGS/conformance.log" 2>/dev/null | tail -n 2 || true)
if [ "$CONF_RC" != 0 ]; then
  echo "FAILED: conformance (rc=$CONF_RC)"; STATUS=1
  grep -E 'FAIL|unexpected' "$LOGS/conformance.log" | head -30 | sed 's/^/    /' || true
fi
CONSUMER_RC=$(rc_of consumers)
grep -E '^consumer ' "$LOGS/consumers.log" 2>/dev/null | sed 's/^/  /' || true
[ "$CONSUMER_RC" = 0 ] || { echo "FAILED: consumer smoke (rc=$CONSUMER_RC)"; sed -n '1,40p' "$LOGS/consumers.log" | sed 's/^/    /'; STATUS=1; }

echo "Surefire: $SUREFIRE"
# Conformance: "N passed, M failed" counts the expected failures (unscored extension scenarios listed in
# conformance/expected-failures.txt); only unexpected results gate. The last line sums what gates: Surefire tests
# plus conformance scenario-runs, failed = test failures + errors + unexpected conformance results.
CONF_COUNTS=$(echo "$CONF_TAIL" | grep -E '^[0-9]+ passed, [0-9]+ failed$' || true)
CONF_UNEXPECTED=$(echo "$CONF_TAIL" | sed -n 's/^unexpected: \([0-9]*\)$/\1/p')
read -r CONF_PASSED CONF_FAILED < <(echo "${CONF_COUNTS:-0 passed, 0 failed}" | awk '{print $1, $3}')
[ -n "$CONF_UNEXPECTED" ] || CONF_UNEXPECTED=$([ "$CONF_RC" = 0 ] && echo 0 || echo 1)
echo "conformance: $CONF_PASSED passed, $CONF_FAILED failed ($((CONF_FAILED - CONF_UNEXPECTED < 0 ? 0 : CONF_FAILED - CONF_UNEXPECTED)) expected, $CONF_UNEXPECTED unexpected)"
OTHER_FAILED=0
for step in core interop faults services examples consumers; do [ "$(rc_of $step)" = 0 ] || OTHER_FAILED=$((OTHER_FAILED + 1)); done
echo "$((TESTS_RUN - TEST_FAILURES - TEST_ERRORS - ${TEST_SKIPPED:-0} + CONF_PASSED)) passed, $((TEST_FAILURES + TEST_ERRORS + CONF_UNEXPECTED + (TEST_FAILURES + TEST_ERRORS > 0 ? 0 : OTHER_FAILED))) failed"
exit "$STATUS"
