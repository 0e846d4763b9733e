#!/bin/sh
# run-example.sh MAIN_CLASS [ARGS...] - start a main class of the examples module in a
# plain JVM (no Maven), the way examples/conformance/client and scripts/demo.sh do.
#
# Classpath: examples/target/classes + examples/target/classpath.txt, which
# `mvn -B -DskipTests install` (package phase) writes. Works from any cwd.
#
# Environment:
#   JAVA_HOME   use $JAVA_HOME/bin/java (default: java on PATH)
#   JAVA_OPTS   JVM options; default tuned for short-lived processes (fast startup):
#               -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData
set -eu

[ $# -ge 1 ] || { echo "usage: $0 MAIN_CLASS [ARGS...]" >&2; exit 2; }
main=$1; shift

repo=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
target="$repo/examples/target"
if [ ! -f "$target/classpath.txt" ]; then
  echo "$0: $target/classpath.txt is missing; build first: mvn -B -DskipTests install" >&2
  exit 1
fi

java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
: "${JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData}"

# JAVA_OPTS is split on whitespace on purpose (like most launchers).
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS -cp "$target/classes:$(cat "$target/classpath.txt")" "$main" "$@"
