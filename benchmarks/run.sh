#!/usr/bin/env bash
# Benchmarks of the MCP client (issue 5). One command:
#   benchmarks/run.sh            load driver: A (this SDK) / B (floor) / C (official MCP Java SDK), ~7-9 min on 2 cores;
#                                writes benchmarks/results/latest.md
#   benchmarks/run.sh --quick    a 2-minute smoke run (fewer rounds, shorter runs, no scale test)
#   benchmarks/run.sh --jmh      JMH microbenchmarks with short settings (~3 min)
#   benchmarks/run.sh --refresh  token refresh under load (10,000 callers, expired token), ~1 min;
#                                writes benchmarks/results/refresh-latest.md (the full run appends it; --no-refresh)
#   benchmarks/run.sh --refresh --redis  the same with two JVMs sharing one RedisTokenStore (redis-server started on
#                                a free port), ~1 min; writes benchmarks/results/refresh-redis-latest.md
#   benchmarks/run.sh --filter   the token filter in the path: static header / McpOAuth / DPoP, ~1 min;
#                                writes benchmarks/results/filter-latest.md
#   benchmarks/run.sh --many     1,000 McpClients to 1,000 endpoints in one JVM (heap per idle client, threads,
#                                connections, 10 calls each at once), ~2 min; writes benchmarks/results/many-latest.md
#                                (the full run appends it; --no-many)
#   benchmarks/run.sh --profile [mode [callers]]  JFR profile of this SDK alone (default sse-legacy, 16 callers),
#                                                 top frames
#   any other arguments go to the load driver (see benchmarks/README.md)
# Builds in a private copy (/tmp/mcp-bench-build) so that concurrent Maven runs in the checkout are not disturbed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${MCP_BENCH_BUILD:-/tmp/mcp-bench-build}"

# A private copy of the checkout without target/ and .git (rsync where present; tar otherwise: this machine has none).
if command -v rsync >/dev/null 2>&1; then
  rsync -a --delete --exclude target --exclude .git "$root/" "$build/"
else
  rm -rf "$build" && mkdir -p "$build"
  (cd "$root" && tar -cf - --exclude=./.git --exclude='*/target' --exclude=./target .) | (cd "$build" && tar -xf -)
fi
(cd "$build" && mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)
cp="$build/benchmarks/target/classes:$(cat "$build/benchmarks/target/classpath.txt")"

# On 2 cores the JDK's common pool has parallelism 1, and CompletableFuture then starts a new thread per async task,
# which the JDK HttpClient under the official SDK does on every response. A parallelism of 2 gives it a real pool.
jvm=(-Xms1g -Xmx2g -XX:+UseParallelGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2)

case "${1:-}" in
  --jmh)
    shift
    exec java -cp "$cp" org.openjdk.jmh.Main -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc \
      -rf text -rff "$here/results/jmh-latest.txt" "$@"
    ;;
  --profile)
    mode="${2:-sse-legacy}"
    callers="${3:-16}"
    jfr_file="$build/profile-$mode-c$callers.jfr"
    cd "$root"
    java "${jvm[@]}" -XX:StartFlightRecording=filename="$jfr_file",settings=profile -cp "$cp" \
      dev.reactivemcp.benchmarks.driver.LoadDriver --clients=A --modes="$mode" --concurrency="$callers" \
      --warmup=2 --rounds=3 --seconds=4 --no-scale --no-refresh --no-many --no-filter --init-sessions=3 --out= >/dev/null
    exec java -cp "$cp" dev.reactivemcp.benchmarks.profile.JfrTop "$jfr_file" 25 dev.reactivemcp. reactor. \
      tools.jackson. io.netty.
    ;;
  --quick)
    shift
    cd "$root"
    exec java "${jvm[@]}" -cp "$cp" dev.reactivemcp.benchmarks.driver.LoadDriver --warmup=1 --rounds=1 \
      --seconds=0.7 --init-sessions=5 --no-scale --no-refresh --no-many --no-filter --out=benchmarks/results/quick.md "$@"
    ;;
  --many)
    shift
    cd "$root"
    exec java "${jvm[@]}" -cp "$cp" dev.reactivemcp.benchmarks.driver.ManyServers \
      --out=benchmarks/results/many-latest.md "$@"
    ;;
  --filter)
    shift
    cd "$root"
    exec java "${jvm[@]}" -cp "$cp" dev.reactivemcp.benchmarks.driver.FilterCost \
      --out=benchmarks/results/filter-latest.md "$@"
    ;;
  --refresh)
    shift
    cd "$root"
    out=benchmarks/results/refresh-latest.md
    if [ "${1:-}" = "--redis" ]; then out=benchmarks/results/refresh-redis-latest.md; fi
    exec java "${jvm[@]}" -cp "$cp" dev.reactivemcp.benchmarks.driver.RefreshUnderLoad \
      --out="$out" "$@"
    ;;
  *)
    cd "$root"
    exec java "${jvm[@]}" -cp "$cp" dev.reactivemcp.benchmarks.driver.LoadDriver "$@"
    ;;
esac
