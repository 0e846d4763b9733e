#!/usr/bin/env bash
# The checked-in public API baselines, <module>/api/<module>.api (one line per public type and member of the packages
# a module's module-info exports). PublicApiTest (build-tools/api-baseline) compares them with the build in every
# `mvn verify`/`mvn test`: an API change that is not in the baseline fails the build.
#
#   scripts/api-baseline.sh check  [module...]   # the comparison alone (default: every published module)
#   scripts/api-baseline.sh accept [module...]   # a deliberate change: rewrite the baselines, then commit them
#
# Example, after changing mcp-oauth's API on purpose:   scripts/api-baseline.sh accept mcp-oauth && git diff mcp-oauth/api
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-check}
shift || true
modules=("$@")
[[ ${#modules[@]} -gt 0 ]] || modules=(mcp-errors mcp-transport mcp-oauth mcp-token-store-redis mcp-spring-webflux mcp-observation)
case "$action" in
  check) accept=false ;;
  accept) accept=true ;;
  *) echo "usage: $0 check|accept [module...]" >&2; exit 2 ;;
esac
pl=$(IFS=,; echo "${modules[*]}")
mvn -B -ntp -q ${MAVEN_ARGS:-} -pl "$pl" -am test -Dtest=PublicApiTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dapi.accept="$accept"
if [[ $accept == true ]]; then
  git status --short -- '*/api/*.api'
  for m in "${modules[@]}"; do
    echo "$m: $(grep -c '^[^ ]' "$m/api/$m.api") public types"
  done
fi
