#!/usr/bin/env bash
# conformance.sh - run the MCP client conformance suite against examples/conformance/client
# and compare the failures with conformance/expected-failures.txt.
#
# Usage: scripts/conformance.sh [-b] [-f REGEX] [-S SETS] [-t SECONDS] [-H SECONDS] [-B SECONDS]
#                               [-o DIR] [-c CMD] [-u]
#   -b           build first (mvn -B -DskipTests install); by default nothing is built and
#                examples/target/classpath.txt must exist already.
#   -f REGEX     only scenarios whose name matches REGEX (grep -E), in every set.
#   -S SETS      sets to run, comma- or space-separated (default: all three, in this order;
#                env CONFORMANCE_SETS):
#                  default  every client scenario at its default wire
#                  r2025    the scored set of 2025-11-25 (run.sh -r 2025-11-25)
#                  r2026    the scored set of 2026-07-28 (run.sh -r 2026-07-28)
#                  v0116    the auth scenarios of the older 0.1.16 suite (its own wire defaults)
#   -t SECONDS   per-scenario client timeout (default 20; env CONFORMANCE_TIMEOUT).
#   -H SECONDS   hang budget for all sets together (default 360; env CONFORMANCE_HANG_BUDGET):
#                once scenarios that ended in a client timeout have used this much wall
#                time, the remaining ones are not run and count as failed. A client that
#                hangs everywhere thus ends the whole run in about 7 minutes, while a slow
#                client that does not time out is never cut short.
#   -B SECONDS   overall time budget, a safety net (default 1080; env CONFORMANCE_BUDGET):
#                scenarios not started by then count as failed.
#   -o DIR       results (per set: output.txt and per-scenario checks/stdout/stderr)
#                (default: target/conformance in the repo; emptied first).
#   -c CMD       client command (default: "exec <repo>/examples/conformance/client";
#                env CONFORMANCE_CLIENT). The runner runs `sh -c "CMD <url>"`; the leading
#                `exec` lets its timeout kill reach the JVM instead of only the shell.
#   -u           shrink conformance/expected-failures.txt: delete the lines whose scenario
#                now passes (or no longer exists). Never adds lines.
#
# conformance/expected-failures.txt: one `<set>:<scenario>` per line (e.g. default:auth/dpop),
# `#` starts a comment. A failure not listed there, or a listed scenario that now passes,
# fails this script (the file may only shrink). WARN (a SHOULD-level miss) counts as failed.
#
# Output: run.sh's per-scenario lines, `set <name>: N passed, M failed` per set, the
# unexpected results, `unexpected: K`, and last, exactly `N passed, M failed` (all sets).
# Exit status: 0 iff K == 0 and nothing broke.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONF_VERSION=0.2.0-alpha.12
EXPECTED="$REPO/conformance/expected-failures.txt"

BUILD=0
FILTER=""
SETS="${CONFORMANCE_SETS:-default r2025 r2026 v0116}"
TIMEOUT_S="${CONFORMANCE_TIMEOUT:-20}"
BUDGET_S="${CONFORMANCE_BUDGET:-1080}"
HANG_BUDGET_S="${CONFORMANCE_HANG_BUDGET:-360}"
OUT="$REPO/target/conformance"
CLIENT="${CONFORMANCE_CLIENT:-exec $REPO/examples/conformance/client}"
UPDATE=0

usage() { awk 'NR>1 && /^#/ {sub(/^# ?/,""); print; next} NR>1 {exit}' "$0"; }
while getopts ":bf:S:t:H:B:o:c:uh" opt; do
  case "$opt" in
    b) BUILD=1 ;;
    f) FILTER="$OPTARG" ;;
    S) SETS="$OPTARG" ;;
    t) TIMEOUT_S="$OPTARG" ;;
    H) HANG_BUDGET_S="$OPTARG" ;;
    B) BUDGET_S="$OPTARG" ;;
    o) OUT="$OPTARG" ;;
    c) CLIENT="$OPTARG" ;;
    u) UPDATE=1 ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }
case "$BUDGET_S" in ''|*[!0-9]*) echo "bad -B value: $BUDGET_S" >&2; exit 2 ;; esac
case "$HANG_BUDGET_S" in ''|*[!0-9]*) echo "bad -H value: $HANG_BUDGET_S" >&2; exit 2 ;; esac

SETS=$(echo "$SETS" | tr ',' ' ')
for s in $SETS; do
  case "$s" in default|r2025|r2026|v0116) ;; *) echo "unknown set '$s' (default, r2025, r2026, v0116)" >&2; exit 2 ;; esac
done
set_args() {
  case "$1" in
    default) ;;
    r2025) echo "-r 2025-11-25" ;;
    r2026) echo "-r 2026-07-28" ;;
  esac
}
set_version() {
  case "$1" in
    v0116) echo 0.1.16 ;;
    *) echo "$CONF_VERSION" ;;
  esac
}

# ------------------------------------------------------------- prerequisites ---
if [ "$BUILD" -eq 1 ]; then
  echo "== mvn -B -DskipTests install" >&2
  (cd "$REPO" && mvn -B -q -DskipTests install)
fi
if [ -z "${CONFORMANCE_CLIENT:-}" ] && [ ! -f "$REPO/examples/target/classpath.txt" ]; then
  echo "examples/target/classpath.txt is missing: run mvn -B -DskipTests install first (or pass -b)" >&2
  exit 2
fi
eval "$("$REPO/scripts/ensure-node.sh" --env)"
export NODE="$REACTIVEMCP_NODE" CONFORMANCE_DIR="$REACTIVEMCP_CONFORMANCE_DIR"

# ---------------------------------------------------- expected failures file ---
declare -A EXPECTED_LINE=()   # "set:scenario" -> line number
if [ -f "$EXPECTED" ]; then
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    entry=${line%%#*}; entry=${entry//[[:space:]]/}
    [ -n "$entry" ] || continue
    if ! [[ "$entry" =~ ^(default|r2025|r2026|v0116):[^:]+$ ]]; then
      echo "$EXPECTED:$n: not '<set>:<scenario>': $line" >&2; exit 2
    fi
    [ -z "${EXPECTED_LINE[$entry]:-}" ] || { echo "$EXPECTED:$n: duplicate $entry" >&2; exit 2; }
    EXPECTED_LINE[$entry]=$n
  done <"$EXPECTED"
fi

# ------------------------------------------------------------------ run sets ---
rm -rf "$OUT"; mkdir -p "$OUT"
DEADLINE=$(($(date +%s) + BUDGET_S))
TOTAL_PASSED=0
TOTAL_FAILED=0
HANG_USED=0
declare -A RESULT=()          # "set:scenario" -> PASS|FAIL|WARN
declare -A SET_COMPLETE=()    # set -> 1 when it ran unfiltered (stale lines can be judged)
start_all=$SECONDS
for s in $SETS; do
  version=$(set_version "$s")
  echo "== conformance set $s ($version${FILTER:+, -f $FILTER}, -t $TIMEOUT_S)"
  t0=$SECONDS
  hang_left=$((HANG_BUDGET_S > HANG_USED ? HANG_BUDGET_S - HANG_USED : 0))
  args=(-t "$TIMEOUT_S" -k 10 -d "$DEADLINE" -H "$hang_left" -o "$OUT/$s")
  # shellcheck disable=SC2207
  args+=($(set_args "$s"))
  if [ -n "$FILTER" ]; then
    args+=(-f "$FILTER")
  elif [ "$s" = v0116 ]; then
    args+=(-f '^auth/')
  fi
  set +e
  if [ "$version" = "$CONF_VERSION" ]; then
    "$REPO/conformance/run.sh" "${args[@]}" "$CLIENT" "$version" 2>"$OUT/$s.stderr" | tee "$OUT/$s.txt"
  else
    # another suite version: run.sh installs it (pinned) into its own cache instead of the lockfile install
    CONFORMANCE_DIR="" CONFORMANCE_CACHE="${REACTIVEMCP_CACHE:-$HOME/.cache/reactivemcp}/conformance" \
      "$REPO/conformance/run.sh" "${args[@]}" "$CLIENT" "$version" 2>"$OUT/$s.stderr" | tee "$OUT/$s.txt"
  fi
  rc=${PIPESTATUS[0]}
  set -e
  summary=$(tail -n 1 "$OUT/$s.txt")
  if [ "$rc" -gt 1 ] || ! [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    if [ -n "$FILTER" ] && grep -q "no client scenarios found" "$OUT/$s.stderr"; then
      echo "set $s: no scenario matches -f $FILTER"; continue
    fi
    cat "$OUT/$s.stderr" >&2
    echo "conformance/run.sh failed for set $s (rc=$rc)" >&2
    exit 2
  fi
  p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
  HANG_USED=$((HANG_USED + $(cat "$OUT/$s/hang-seconds" 2>/dev/null || echo 0)))
  while read -r status scen _; do
    case "$status" in PASS|FAIL|WARN) RESULT["$s:$scen"]=$status ;; esac
  done <"$OUT/$s.txt"
  [ -z "$FILTER" ] && SET_COMPLETE[$s]=1
  TOTAL_PASSED=$((TOTAL_PASSED + p)); TOTAL_FAILED=$((TOTAL_FAILED + f))
  echo "set $s: $p passed, $f failed ($((SECONDS - t0)) s)"
done

# ----------------------------------------------------------------- compare ---
UNEXPECTED=0
declare -a DELETE_LINES=()
for key in $(printf '%s\n' "${!RESULT[@]}" | sort); do
  status=${RESULT[$key]}
  if [ "$status" != PASS ] && [ -z "${EXPECTED_LINE[$key]:-}" ]; then
    echo "UNEXPECTED FAILURE  $key ($status)"
    UNEXPECTED=$((UNEXPECTED + 1))
  fi
done
for key in $(printf '%s\n' "${!EXPECTED_LINE[@]}" | sort); do
  set_name=${key%%:*}
  ln=${EXPECTED_LINE[$key]}
  if [ "${RESULT[$key]:-}" = PASS ]; then
    why="now passes"
  elif [ -z "${RESULT[$key]:-}" ] && [ -n "${SET_COMPLETE[$set_name]:-}" ]; then
    why="is not a scenario of set $set_name any more"
  else
    continue
  fi
  DELETE_LINES+=("$ln")
  if [ "$UPDATE" -eq 1 ]; then
    echo "expected failure $key $why: deleted line $ln of conformance/expected-failures.txt"
  else
    echo "UNEXPECTED PASS     $key $why: delete line $ln of conformance/expected-failures.txt ('$key')"
    UNEXPECTED=$((UNEXPECTED + 1))
  fi
done
if [ "$UPDATE" -eq 1 ] && [ ${#DELETE_LINES[@]} -gt 0 ]; then
  sed_expr=$(printf '%sd;' "${DELETE_LINES[@]}")
  sed -i "$sed_expr" "$EXPECTED"
fi

echo "conformance: $((SECONDS - start_all)) s for sets: $SETS; results in $OUT"
echo "unexpected: $UNEXPECTED"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$UNEXPECTED" -eq 0 ]
