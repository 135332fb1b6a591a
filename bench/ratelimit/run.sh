#!/usr/bin/env bash
# Rate-limit benchmark: RateLimitFilter vs a hand-written one-EVALSHA filter, same run, with wrk.
# Usage: bench/ratelimit/run.sh [-Drounds=3 -Dduration=5s -Dconnections=16 -Dwarmup=10s -Donly=fixed]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "bench needs wrk (apt-get install wrk)"; exit 1; }
mvn -o -B -q test-compile
cp=$(mvn -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" -cp "target/classes:target/test-classes:$cp" bench/ratelimit/RateLimitBench.java
