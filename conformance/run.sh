#!/usr/bin/env bash
# conformance/run.sh - run every client scenario of a given
# @modelcontextprotocol/conformance version against a client command.
# (Repo copy of the team's shared runner; scripts/conformance.sh drives it with
# CONFORMANCE_DIR / NODE from scripts/ensure-node.sh.)
#
# Usage:
#   conformance/run.sh [options] "<client command>" <conformance-version>
#
#   <client command>        command line for the client under test; the runner
#                           appends the server URL as the last argument and sets
#                           MCP_CONFORMANCE_SCENARIO / MCP_CONFORMANCE_PROTOCOL_VERSION
#                           / MCP_CONFORMANCE_CONTEXT in its environment.
#   <conformance-version>   npm version of @modelcontextprotocol/conformance,
#                           e.g. 0.1.16 or 0.2.0-alpha.12
#
# Options:
#   -t SECONDS   per-scenario client timeout (default 60). Passed to the runner as
#                --timeout; the whole scenario (runner included) is hard-killed
#                after SECONDS+20.
#   -s VERSION   pass --spec-version VERSION to the runner (e.g. 2026-07-28).
#                Scenarios not applicable at that version are reported SKIP.
#                Without -s each scenario runs at its default wire version
#                (2026-07-28 for scenarios introduced in 2026-07-28, else 2025-11-25).
#   -r REVISION  run exactly the client scenarios the frozen requirement set of
#                REVISION scores (`conformance list --client --requirements REVISION`),
#                each at REVISION's wire (--spec-version REVISION --force), the way
#                `conformance client --requirements REVISION` / tier-check do.
#                Needs conformance >= 0.2.0-alpha.11. Overrides -s.
#   -o DIR       keep results (checks.json, stdout/stderr) under DIR
#                (default: a fresh temp dir, printed at the end).
#   -f REGEX     only run scenarios whose name matches REGEX (grep -E).
#   -w           count WARN scenarios as passed (default: WARN counts as failed,
#                like the official runner's exit code and baseline logic).
#   -k SECONDS   grace after the client timeout before the whole scenario is
#                hard-killed (default 20).
#   -d EPOCH     deadline (seconds since the epoch, `date +%s`): scenarios not yet
#                started by then are reported FAIL [not run: time budget exhausted],
#                and a running scenario is hard-killed at the deadline.
#   -H SECONDS   hang budget: once the scenarios that ended in a client timeout or a
#                hard kill have used SECONDS of wall time together, the remaining ones
#                are reported FAIL [not run: hang budget exhausted]. Bounds the run of a
#                client that hangs everywhere without cutting short a slow one. The time
#                used is written to <-o DIR>/hang-seconds.
#   -h           help.
#
# Environment:
#   CONFORMANCE_DIR    a directory containing node_modules/@modelcontextprotocol/conformance
#                      at the requested version (skips installation).
#   CONFORMANCE_CACHE  where versions get npm-installed (default ~/.cache/mcp-conformance).
#   NODE               node binary to use (must be >= 22; default: $REACTIVEMCP_NODE,
#                      else `node` on PATH).
#
# Output: one line per scenario
#   PASS|FAIL|WARN|SKIP  <scenario>  success=S failure=F warning=W skipped=K info=I [note]
# and a final line exactly:  N passed, M failed
#   PASS = >=1 SUCCESS, 0 FAILURE, 0 WARNING, and the runner accepted the client's
#          exit (no timeout; non-zero exit only where the scenario allows it).
#   WARN = as PASS but >=1 WARNING (SHOULD-level miss). Counted as failed unless -w
#          (the official runner exits 1 and baselines treat WARNING as failing).
#   FAIL = any FAILURE, client timeout, disallowed non-zero exit, no checks.json,
#          or zero SUCCESS checks (tier-check's rule: passed>0 && failed==0).
#   SKIP = not applicable at -s VERSION (counts in neither total).
# Exit status: 0 if M == 0, else 1.
#
# Every scenario runs in its own process group (runner + client + the client's
# children), which is killed (TERM, then KILL) when the scenario ends, on the hard
# timeout, and on exit/INT/TERM of this script, so nothing is left behind. (A
# process that deliberately starts a new session, e.g. via setsid, escapes any
# process-group cleanup.) The hard timeout also matters because the official
# runner, on client timeout, kills only the `sh` it spawned and then waits for the
# client's stdout to close - a leftover child holding stdout hangs it forever.

set -u
set -m   # job control: each background job gets its own process group

TIMEOUT_S=60
SPEC_VERSION=""
OUT_DIR=""
FILTER=""
WARN_OK=0
GRACE_S=20
DEADLINE=""
HANG_BUDGET=""

usage() { awk 'NR>1 && /^#/ {sub(/^# ?/,""); print; next} NR>1 {exit}' "$0"; }

REQUIREMENTS=""
while getopts ":t:s:r:o:f:k:d:H:wh" opt; do
  case "$opt" in
    t) TIMEOUT_S="$OPTARG" ;;
    s) SPEC_VERSION="$OPTARG" ;;
    r) REQUIREMENTS="$OPTARG" ;;
    o) OUT_DIR="$OPTARG" ;;
    f) FILTER="$OPTARG" ;;
    w) WARN_OK=1 ;;
    k) GRACE_S="$OPTARG" ;;
    d) DEADLINE="$OPTARG" ;;
    H) HANG_BUDGET="$OPTARG" ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

if [ $# -ne 2 ]; then
  usage >&2
  exit 2
fi
CLIENT_CMD="$1"
CONF_VERSION="$2"

case "$TIMEOUT_S" in ''|*[!0-9]*) echo "bad -t value: $TIMEOUT_S" >&2; exit 2 ;; esac
case "$GRACE_S" in ''|*[!0-9]*) echo "bad -k value: $GRACE_S" >&2; exit 2 ;; esac
case "$DEADLINE" in *[!0-9]*) echo "bad -d value: $DEADLINE" >&2; exit 2 ;; esac
case "$HANG_BUDGET" in *[!0-9]*) echo "bad -H value: $HANG_BUDGET" >&2; exit 2 ;; esac

NODE="${NODE:-${REACTIVEMCP_NODE:-node}}"
if ! command -v "$NODE" >/dev/null 2>&1; then
  echo "node not found (set NODE=/path/to/node, version >= 22)" >&2
  exit 2
fi
NODE_MAJOR=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${NODE_MAJOR:-0}" -lt 22 ]; then
  echo "node >= 22 required (found $("$NODE" --version 2>/dev/null)); set NODE=/path/to/node22" >&2
  exit 2
fi

# ---------------------------------------------------------------- install ---
if [ -n "${CONFORMANCE_DIR:-}" ]; then
  CDIR="$CONFORMANCE_DIR"
else
  CDIR="${CONFORMANCE_CACHE:-$HOME/.cache/mcp-conformance}/$CONF_VERSION"
fi
PKG_JSON="$CDIR/node_modules/@modelcontextprotocol/conformance/package.json"
if [ ! -f "$PKG_JSON" ]; then
  if [ -n "${CONFORMANCE_DIR:-}" ]; then
    echo "CONFORMANCE_DIR=$CONFORMANCE_DIR has no @modelcontextprotocol/conformance" >&2
    exit 2
  fi
  mkdir -p "$CDIR"
  NPM_BIN="$(dirname "$(command -v "$NODE")")/npm"
  [ -x "$NPM_BIN" ] || NPM_BIN=npm
  echo "installing @modelcontextprotocol/conformance@$CONF_VERSION into $CDIR ..." >&2
  # own package.json so npm does not climb to an enclosing project
  [ -f "$CDIR/package.json" ] || printf '{ "name": "mcp-conformance-cache", "private": true }\n' > "$CDIR/package.json"
  (cd "$CDIR" && PATH="$(dirname "$(command -v "$NODE")"):$PATH" \
     "$NPM_BIN" install --prefix "$CDIR" --no-audit --no-fund --silent \
     "@modelcontextprotocol/conformance@$CONF_VERSION" >&2) || {
    echo "npm install failed" >&2; exit 2; }
fi
INSTALLED=$("$NODE" -p "require('$PKG_JSON').version" 2>/dev/null || true)
if [ "$INSTALLED" != "$CONF_VERSION" ]; then
  echo "version mismatch: $CDIR has $INSTALLED, wanted $CONF_VERSION" >&2
  exit 2
fi
CLI="$CDIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# ------------------------------------------------------------ scenarios ---
# All client scenarios of this version (with -s, inapplicable ones report SKIP),
# or exactly the scored client set of a requirement revision (-r).
FORCE=0
if [ -n "$REQUIREMENTS" ]; then
  LIST_OUT=$("$NODE" "$CLI" list --client --requirements "$REQUIREMENTS" 2>&1) || { echo "$LIST_OUT" >&2; exit 2; }
  SPEC_VERSION="$REQUIREMENTS"
  FORCE=1
else
  LIST_OUT=$("$NODE" "$CLI" list 2>&1) || { echo "$LIST_OUT" >&2; exit 2; }
fi
SCENARIOS=$(printf '%s\n' "$LIST_OUT" | awk '
  /^Client scenarios/ {on=1; next}
  /^[^ ]/ {on=0}
  on && /^  - / {sub(/^  - /,""); sub(/ \[.*$/,""); print}')
if [ -n "$FILTER" ]; then
  SCENARIOS=$(printf '%s\n' "$SCENARIOS" | grep -E -- "$FILTER" || true)
fi
if [ -z "$SCENARIOS" ]; then
  echo "no client scenarios found" >&2
  exit 2
fi

if [ -z "$OUT_DIR" ]; then
  OUT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/conformance-run.XXXXXX")
else
  mkdir -p "$OUT_DIR"
fi

# ------------------------------------------------------- process cleanup ---
CURRENT_PGID=""
WATCHDOG=""
kill_group() {
  local pg="$1"
  [ -n "$pg" ] || return 0
  kill -TERM -- "-$pg" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 -- "-$pg" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pg" 2>/dev/null || true
}
on_exit() {
  trap - EXIT INT TERM
  disown -a 2>/dev/null   # no "Terminated" job notices; groups are killed by pgid below
  [ -n "$WATCHDOG" ] && kill -KILL -- "-$WATCHDOG" 2>/dev/null
  kill_group "$CURRENT_PGID"
}
trap on_exit EXIT
trap 'on_exit; kill -INT $$' INT
trap 'on_exit; exit 143' TERM

# summarize <checks.json> -> "S F W K I"
summarize() {
  "$NODE" -e '
    const fs = require("fs");
    let c = [];
    try { c = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { process.exit(3); }
    const n = s => c.filter(x => x.status === s).length;
    console.log([n("SUCCESS"), n("FAILURE"), n("WARNING"), n("SKIPPED"), n("INFO")].join(" "));
  ' "$1"
}

PASSED=0
FAILED=0
SKIPPED_SCEN=0
HANG_S=0   # wall seconds of scenarios that ended in a client timeout or a hard kill
HARD_S=$((TIMEOUT_S + GRACE_S))

while IFS= read -r scen; do
  [ -n "$scen" ] || continue
  hard_s=$HARD_S
  not_run=""
  if [ -n "$HANG_BUDGET" ] && [ "$HANG_S" -ge "$HANG_BUDGET" ]; then
    not_run="hang budget exhausted"
  elif [ -n "$DEADLINE" ]; then
    left=$((DEADLINE - $(date +%s)))
    if [ "$left" -le 0 ]; then not_run="time budget exhausted"; fi
    [ "$left" -lt "$hard_s" ] && hard_s=$left
  fi
  if [ -n "$not_run" ]; then
    printf '%-4s  %-48s success=0 failure=0 warning=0 skipped=0 info=0  [not run: %s]\n' FAIL "$scen" "$not_run"
    FAILED=$((FAILED + 1))
    continue
  fi
  scen_t0=$(date +%s)
  safe=$(printf '%s' "$scen" | tr '/' '_')
  sdir="$OUT_DIR/$safe"
  rm -rf "$sdir"; mkdir -p "$sdir"

  args=(client --command "$CLIENT_CMD" --scenario "$scen" --timeout "$((TIMEOUT_S * 1000))" -o "$sdir")
  [ -n "$SPEC_VERSION" ] && args+=(--spec-version "$SPEC_VERSION")
  [ "$FORCE" -eq 1 ] && args+=(--force)

  # Own process group (set -m); hard wall-clock limit via a watchdog.
  "$NODE" "$CLI" "${args[@]}" >"$sdir/runner.out" 2>"$sdir/runner.err" </dev/null &
  CURRENT_PGID=$!
  ( trap - EXIT INT TERM
    sleep "$hard_s"; kill -TERM -- "-$CURRENT_PGID" 2>/dev/null; sleep 3; kill -KILL -- "-$CURRENT_PGID" 2>/dev/null ) >/dev/null 2>&1 &
  WATCHDOG=$!
  wait "$CURRENT_PGID" 2>/dev/null   # 2>/dev/null: swallow bash job-control "Terminated" notices
  rc=$?
  kill -KILL -- "-$WATCHDOG" 2>/dev/null; kill -KILL "$WATCHDOG" 2>/dev/null; wait "$WATCHDOG" 2>/dev/null
  WATCHDOG=""
  kill_group "$CURRENT_PGID"   # reap anything the client left behind
  CURRENT_PGID=""

  if grep -q "^SKIPPED: scenario" "$sdir/runner.out" 2>/dev/null; then
    printf 'SKIP  %-48s (not applicable at spec version %s)\n' "$scen" "$SPEC_VERSION"
    SKIPPED_SCEN=$((SKIPPED_SCEN + 1))
    continue
  fi

  checks=$(find "$sdir" -name checks.json -type f 2>/dev/null | head -1)
  note=""
  if [ -z "$checks" ] || ! counts=$(summarize "$checks"); then
    counts="0 0 0 0 0"
    if [ $rc -ge 124 ]; then note="runner killed after ${hard_s}s"; else note="no checks.json (runner rc=$rc)"; fi
    status=FAIL
  else
    read -r S F W K I <<<"$counts"
    if grep -q "CLIENT TIMED OUT" "$sdir/runner.err" 2>/dev/null; then
      note="client timed out after ${TIMEOUT_S}s"
    elif grep -q "CLIENT EXITED WITH ERROR" "$sdir/runner.err" 2>/dev/null; then
      note="client exited non-zero"
    fi
    if [ "$F" -gt 0 ] || [ -n "$note" ]; then
      status=FAIL
    elif [ "$S" -eq 0 ]; then
      # e.g. only SKIPPED checks because the client never exercised the
      # scenario; tier-check counts a scenario as passed only if it has
      # >=1 SUCCESS and 0 FAILURE.
      status=FAIL; note="no SUCCESS checks"
    elif [ "$W" -gt 0 ]; then
      status=WARN
    elif [ $rc -ne 0 ]; then
      status=FAIL; note="runner rc=$rc"
    else
      status=PASS
    fi
  fi
  read -r S F W K I <<<"$counts"
  case "$note" in "client timed out"*|"runner killed"*) HANG_S=$((HANG_S + $(date +%s) - scen_t0)) ;; esac
  printf '%-4s  %-48s success=%s failure=%s warning=%s skipped=%s info=%s%s\n' \
    "$status" "$scen" "$S" "$F" "$W" "$K" "$I" "${note:+  [$note]}"

  if [ "$status" = PASS ] || { [ "$status" = WARN ] && [ $WARN_OK -eq 1 ]; }; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
  fi
done <<<"$SCENARIOS"

echo "# results: $OUT_DIR (conformance $CONF_VERSION${SPEC_VERSION:+, --spec-version $SPEC_VERSION}; $SKIPPED_SCEN skipped)" >&2
echo "$HANG_S" >"$OUT_DIR/hang-seconds"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
