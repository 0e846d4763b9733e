#!/usr/bin/env bash
# Builds and tests the consumer projects in consumers/ (plain, boot35, boot4, modular) the way a user's build sees
# us: only mcp-bom imported (plus Spring Boot's BOM), our modules declared without versions, the installed (shaded,
# dependency-reduced) POMs; modular runs its tests on the module path. The builds are run by maven-invoker-plugin in
# the reactor module `consumers` (so `mvn verify` of the whole project runs them too); this script runs that module.
#
#   scripts/consumer-smoke.sh              # the reactor must be installed already (mvn install), as test-all.sh does
#   scripts/consumer-smoke.sh --install    # builds the reactor too (unit tests skipped) and installs it first
#   scripts/consumer-smoke.sh plain boot4  # some consumers only
#
# Prints one line per consumer; exits non-zero when any fails. Logs: consumers/<name>/build.log,
# target/consumers/invoker.log.
set -euo pipefail
cd "$(dirname "$0")/.."

args=(-pl consumers)
if [[ "${1:-}" == "--install" ]]; then
  shift
  args=(-pl consumers -am -DskipTests -DskipConsumers=false)
fi
if [[ $# -gt 0 ]]; then
  args+=("-Dinvoker.test=$(IFS=,; echo "$*")")
fi

# The plain consumer's Redis replicas test runs when a redis-server is named (test-all.sh exports it; else PATH).
export REACTIVEMCP_REDIS_SERVER="${REACTIVEMCP_REDIS_SERVER:-$(command -v redis-server || true)}"

mkdir -p target/consumers
log=target/consumers/invoker.log
start=$(date +%s)
rc=0
mvn -B -ntp ${MAVEN_ARGS:-} "${args[@]}" verify >"$log" 2>&1 || rc=$?

passed=0
failed=0
while read -r name result secs; do
  versions=$(grep -oE '(^netty .*|untrusted server: .*)' "consumers/$name/build.log" 2>/dev/null | cut -c1-120 \
    | paste -sd ';' - || true)
  if [[ $result == SUCCESS ]]; then
    echo "consumer $name: passed in ${secs%.*} s ($versions)"
    passed=$((passed + 1))
  else
    echo "consumer $name: FAILED, see consumers/$name/build.log"
    grep -E 'Tests run:|ERROR|Caused by' "consumers/$name/build.log" | head -20 || true
    failed=$((failed + 1))
  fi
done < <(sed -nE 's/^\[INFO\] +([a-z0-9]+)\/pom\.xml \.+ ([A-Z]+) \(([0-9.]+) s\).*/\1 \2 \3/p' "$log")

if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  echo "consumer build: FAILED before the consumers ran, see $log"
  grep -E '^\[ERROR\]' "$log" | head -20 || true
  failed=$((failed + 1))
fi
echo "consumer smoke: $passed of $((passed + failed)) passed in $(( $(date +%s) - start )) s"
[[ $failed -eq 0 && $rc -eq 0 ]]
