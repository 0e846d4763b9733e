#!/usr/bin/env bash
# Builds and tests the consumer projects in consumers/ (plain, boot35, boot4) against the dev.reactivemcp artifacts
# in the local Maven repository, the way a user's build sees them: only mcp-bom imported (plus Spring Boot's BOM),
# only what the README says to declare, the installed (shaded, dependency-reduced) POMs.
#
#   scripts/consumer-smoke.sh            # the reactor must be installed already (mvn install)
#   scripts/consumer-smoke.sh --install  # installs the reactor first (tests skipped)
#   scripts/consumer-smoke.sh plain boot4
#
# Exits non-zero when any consumer fails; logs in target/consumers/<name>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--install" ]]; then
  shift
  mvn -B -ntp -q install -DskipTests
fi
consumers=("$@")
if [[ ${#consumers[@]} -eq 0 ]]; then
  consumers=(plain boot35 boot4)
fi

mkdir -p target/consumers
passed=0
failed=0
for c in "${consumers[@]}"; do
  log="target/consumers/$c.log"
  start=$(date +%s)
  if mvn -B -ntp -f "consumers/$c/pom.xml" clean verify >"$log" 2>&1; then
    echo "consumer $c: passed in $(( $(date +%s) - start )) s ($(grep -oE '(^netty .*|untrusted server: .*)' "$log" | paste -sd ';' -))"
    passed=$((passed + 1))
  else
    echo "consumer $c: FAILED, see $log"
    grep -E 'Tests run:|ERROR|Caused by' "$log" | head -20 || true
    failed=$((failed + 1))
  fi
done
echo "consumer smoke: $passed of $((passed + failed)) passed"
[[ $failed -eq 0 ]]
