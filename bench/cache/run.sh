#!/usr/bin/env bash
# The response cache's scale benchmark (issue 15): invalidation with an empty database vs 1M
# unrelated keys, and hit-for-pass vs no filter. Builds the library offline, runs one JVM.
# Knobs (system properties through JAVA_OPTS): -Dkeys=1000000 -Drounds=7 -Dn=300 -Dburst=20 -Dbursts=15
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -o -q compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cache-bench.cp
cp="target/classes:$(cat target/cache-bench.cp)"
exec java ${JAVA_OPTS:-} -cp "$cp" bench/cache/CacheScaleBench.java
