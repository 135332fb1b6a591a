#!/usr/bin/env bash
# The benchmark in one command (see bench/README.md):
#   bench/run.sh
# builds the library (mvn install) and this bench project, starts its own redis-server on a free
# port and BenchServer (embedded Jetty 12, one context per variant), runs wrk against every
# variant (warm-up, REPS x DURATION s at -t2 -c32 round-robin across variants, then a -c1 latency
# run), reads INFO commandstats around every run, and writes bench/results/latest.md (+ stdout).
#
# Knobs (environment): REPS=3 DURATION=10 WARMUP=3 CONNS=32 THREADS=2 LAT_DURATION=5
#   ONLY='regex'         run only variants whose name matches (plus their stubs and bare)
#   SWEEP='v1 v2'        variants for the concurrency sweep c=1,8,32,128 (default: stub-1rt
#                        ratelimit-fixed bucket4j-hot all-four; SWEEP= to skip)
#   SWEEP_DURATION=5     seconds per sweep point
#   MEMORY=1             measure Redis memory per 1k keys of each filter (MEMORY=0 to skip)
#   SKIP_BUILD=1         reuse bench/target as built
#   LIB_SRC=dir          library checkout to install (default: the repo holding bench/)
#   LIB_JAR=file         use this library jar instead of the installed one (preview builds)
#   UPDATE_README=1      also copy the table into bench/README.md (between its LATEST markers)
#   JAVA_OPTS='...'      JVM options of BenchServer (default: -Xms1g -Xmx1g)
#   PROFILE='v1 v2'      after the runs, profile these variants with JFR (one more -c32 run each) and
#                        write results/profile-<variant>.txt (CPU samples by area and method);
#                        PROFILE_DURATION=20 seconds each
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LIB_SRC=${LIB_SRC:-$ROOT}
REPS=${REPS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
LAT_DURATION=${LAT_DURATION:-5}
ONLY=${ONLY:-}
SWEEP=${SWEEP-stub-1rt ratelimit-fixed bucket4j-hot all-four}
SWEEP_DURATION=${SWEEP_DURATION:-5}
MEMORY=${MEMORY:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
PROFILE=${PROFILE:-}
JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx1g}
LUA=$BENCH/wrk/report.lua

RESULTS=$BENCH/results
WORK=$BENCH/target/run
mkdir -p "$RESULTS" "$WORK"
RAW=$WORK/raw.tsv
: >"$RAW"
rm -f "$WORK/memory.tsv" "$WORK/variants.tsv"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

REDIS_PID=""
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null && wait "$REDIS_PID" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------------------------------ build
if [ "$SKIP_BUILD" != 1 ]; then
  log "installing the library from $LIB_SRC (mvn -o install -DskipTests)"
  (cd "$LIB_SRC" && mvn -o -B -q install -DskipTests)
  log "packaging bench/"
  (cd "$BENCH" && mvn -o -B -q package)
fi
if [ -n "${LIB_JAR:-}" ]; then
  log "using library jar $LIB_JAR"
  cp "$LIB_JAR" "$BENCH/target/lib/redis-servlet-filters-0.1.0-SNAPSHOT.jar"
fi
CP="$BENCH/target/classes:$BENCH/target/lib/*"

# ------------------------------------------------------------------------------------ processes
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    [ "$p" = 6379 ] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; return 1
}
RP=$(free_port)
HP=$(free_port)
while [ "$HP" = "$RP" ]; do HP=$(free_port); done

log "starting redis-server on 127.0.0.1:$RP"
redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --logfile "$WORK/redis.log" --dir "$WORK" &
REDIS_PID=$!
for _ in $(seq 1 50); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$RP" ping >/dev/null

log "starting BenchServer on 127.0.0.1:$HP"
# shellcheck disable=SC2086
java $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.io.github.redisfilters=info \
  -cp "$CP" io.github.redisfilters.bench.BenchServer \
  --port "$HP" --redis "redis://127.0.0.1:$RP" --variants "$WORK/variants.tsv" --tomcat "$BENCH/target/tomcat" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q "BENCH READY" "$WORK/server.log" 2>/dev/null && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$WORK/server.log" >&2; log "BenchServer died"; exit 1; fi
  sleep 0.1
done
grep -q "BENCH READY" "$WORK/server.log" || { cat "$WORK/server.log" >&2; log "BenchServer not ready"; exit 1; }
grep -E '^(primed|missing)' "$WORK/server.log" >&2 || true

# ------------------------------------------------------------------------------------- variants
declare -a NAMES=()
declare -A PATHS=() STUBS=() HEADERS=()
while IFS=$'\t' read -r name kind stub path note rest; do
  [[ "$name" == \#* ]] && continue
  NAMES+=("$name"); PATHS[$name]=$path; STUBS[$name]=$stub; HEADERS[$name]=${rest:-}
done <"$WORK/variants.tsv"

selected=()
if [ -n "$ONLY" ]; then
  declare -A want=([bare]=1)
  for n in "${NAMES[@]}"; do
    if [[ "$n" =~ $ONLY ]]; then want[$n]=1; [ "${STUBS[$n]}" != "-" ] && want[${STUBS[$n]}]=1; fi
  done
  for n in "${NAMES[@]}"; do [ -n "${want[$n]:-}" ] && selected+=("$n"); done
else
  selected=("${NAMES[@]}")
fi
log "variants: ${selected[*]}"

# Per-command call counts (commands run inside Lua scripts included), plus "_reads": Redis'
# total_reads_processed, the number of socket reads = client round trips (a pipeline arrives in
# one read); the 2 reads of the INFO calls themselves are subtracted in the delta.
cmdstats() {
  redis-cli -p "$RP" INFO commandstats | tr -d '\r' |
    awk -F'[:,=]' '/^cmdstat_/ { sub("cmdstat_", "", $1); print $1, $3 }'
  redis-cli -p "$RP" INFO stats | tr -d '\r' | awk -F: '$1 == "total_reads_processed" { print "_reads", $2 }'
  # CPU time (µs) of the Redis process and of BenchServer's JVM, to divide by the requests
  redis-cli -p "$RP" INFO cpu | tr -d '\r' |
    awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { s += $2 } END { printf "_rcpu %d\n", s * 1e6 }'
  awk -v hz="$CLK_TCK" '{ printf "_jcpu %d\n", ($14 + $15) * 1e6 / hz }' "/proc/$SERVER_PID/stat"
}
CLK_TCK=$(getconf CLK_TCK)

# run_wrk PHASE VARIANT REP CONNS THREADS SECONDS
run_wrk() {
  local phase=$1 v=$2 rep=$3 c=$4 t=$5 d=$6
  local -a hargs=()
  if [ -n "${HEADERS[$v]}" ]; then
    local IFS=$'\t'
    for h in ${HEADERS[$v]}; do hargs+=(-H "$h"); done
    unset IFS
  fi
  local before after out line script=$LUA path=${PATHS[$v]}
  local -a wargs=()
  if [[ "$path" == *'?unique' ]]; then
    wargs=(-- "$(date +%s%N)")
    # every request a new URL (cache misses)
    path=${path%\?unique}
    script=$WORK/unique.lua
    cat "$LUA" "$BENCH/wrk/unique.lua" >"$script"
  fi
  before=$(cmdstats)
  out=$(wrk -t"$t" -c"$c" -d"${d}s" -s "$script" "${hargs[@]}" "http://127.0.0.1:$HP$path" "${wargs[@]}" 2>&1) || true
  after=$(cmdstats)
  line=$(grep '^WRK_RESULT' <<<"$out" || true)
  if [ -z "$line" ]; then log "wrk failed for $v: $out"; return; fi
  local delta
  delta=$(awk 'NR==FNR { b[$1] = $2; next } $1 != "info" { d = $2 - b[$1] - ($1 == "_reads" ? 2 : 0); if (d > 0) { printf "%s%s:%d", sep, $1, d; sep = "," } }' \
    <(echo "$before") <(echo "$after"))
  # WRK_RESULT requests=.. duration_us=.. p50_us=.. p90_us=.. p99_us=.. max_us=.. socket_errors=.. non2xx=..
  local fields
  fields=$(sed -E 's/^WRK_RESULT //; s/[a-z0-9_]+=//g; s/ /\t/g' <<<"$line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$v" "$rep" "$c" "$fields" "${delta:--}" >>"$RAW"
  local rps
  rps=$(awk -F'\t' '{ printf "%.0f", $1 / ($2 / 1e6) }' <<<"$fields")
  log "$phase $v rep=$rep c=$c: $rps req/s  [$line]"
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
log "warm-up ${WARMUP}s per variant"
for v in "${selected[@]}"; do run_wrk warmup "$v" 0 "$CONNS" "$THREADS" "$WARMUP"; done

for rep in $(seq 1 "$REPS"); do
  log "round $rep/$REPS (throughput, -t$THREADS -c$CONNS, ${DURATION}s each)"
  for v in "${selected[@]}"; do run_wrk tput "$v" "$rep" "$CONNS" "$THREADS" "$DURATION"; done
done

log "latency with one connection (-t1 -c1, ${LAT_DURATION}s each)"
for v in "${selected[@]}"; do run_wrk lat "$v" 1 1 1 "$LAT_DURATION"; done

if [ -n "$SWEEP" ]; then
  for v in $SWEEP; do
    [ -n "${PATHS[$v]:-}" ] || { log "sweep: no variant $v"; continue; }
    for c in 1 8 32 128; do
      t=2; [ "$c" = 1 ] && t=1
      run_wrk sweep "$v" 1 "$c" "$t" "$SWEEP_DURATION"
    done
  done
fi
if [ -n "$PROFILE" ]; then
  # JFR's "profile" settings with Java method sampling every 1 ms instead of 10 ms
  JAVA_HOME_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  sed 's|<setting name="period" control="method-sampling-java-interval">10 ms</setting>|<setting name="period" control="method-sampling-java-interval">1 ms</setting>|' \
    "$JAVA_HOME_DIR/lib/jfr/profile.jfc" >"$WORK/bench.jfc"
fi
for v in $PROFILE; do
  [ -n "${PATHS[$v]:-}" ] || { log "profile: no variant $v"; continue; }
  rm -f "$WORK/$v.jfr"
  jcmd "$SERVER_PID" JFR.start name="bench-$v" settings="$WORK/bench.jfc" filename="$WORK/$v.jfr" >/dev/null
  run_wrk profile "$v" 1 "$CONNS" "$THREADS" "${PROFILE_DURATION:-20}"
  jcmd "$SERVER_PID" JFR.stop name="bench-$v" >/dev/null
  java -cp "$CP" io.github.redisfilters.bench.ProfileSummary "$WORK/$v.jfr" >"$RESULTS/profile-$v.txt" 2>&1 || true
  log "profile of $v: $RESULTS/profile-$v.txt"
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "$MEMORY" = 1 ]; then
  log "memory per 1k keys"
  java -cp "$CP" io.github.redisfilters.bench.MemoryProbe --port "$HP" --redis-port "$RP" \
    --variants "$WORK/variants.tsv" --out "$WORK/memory.tsv" >"$WORK/memory.log" 2>&1 ||
    { log "memory probe failed (see $WORK/memory.log)"; tail -5 "$WORK/memory.log" >&2; }
fi

# ---------------------------------------------------------------------------------------- report
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
JAVA_V=$(java -version 2>&1 | head -1 || true)
REDIS_V=$(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/' || true)
WRK_V=$( (wrk --version 2>&1 || true) | head -1 | cut -d' ' -f1-2)
MACHINE="$(nproc) cores, $CPU_MODEL; $JAVA_V; Redis $REDIS_V; $WRK_V; Jetty 12.1.14; \
load avg (1/5/15 min) at start $START_LOAD, at end $END_LOAD"
java -cp "$CP" io.github.redisfilters.bench.Report --raw "$RAW" --variants "$WORK/variants.tsv" \
  --memory "$WORK/memory.tsv" --machine "$MACHINE" \
  --settings "REPS=$REPS DURATION=${DURATION}s WARMUP=${WARMUP}s -t$THREADS -c$CONNS; latency -t1 -c1 ${LAT_DURATION}s" \
  --out "$RESULTS/latest.md" ${UPDATE_README:+--readme "$BENCH/README.md"}
cp "$RAW" "$RESULTS/raw-latest.tsv"
cat "$RESULTS/latest.md"
