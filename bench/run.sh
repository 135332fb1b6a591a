#!/usr/bin/env bash
# The benchmark in one command (see bench/README.md):
#   bench/run.sh
# builds the library and this bench project in one Maven reactor (offline, online only when the
# local repository lacks something; nothing is installed into ~/.m2), starts its own redis-server
# on a free port and BenchServer (embedded Jetty 12, one context per variant), and measures every
# variant V against its reference R in A/B slices: one wrk run per comparison and pass whose
# connections switch between R and V every SLICE_MS on a shared clock (R V R V … R), R sent V's
# own request (same headers, same URL shape). Each V slice is divided by the mean of the R slices
# around it; the report gives the median of those ratios with a 95 % confidence interval, and the
# same for CPU per request as a cross-check. Then a -c1 latency run per variant (round trips per
# request), a concurrency sweep and the Redis memory probe. Writes bench/results/latest.md
# (+ stdout) and keeps the raw figures as results/raw-<UTC time>.tsv.
#
# The benchmark runs in a session of its own whose scheduling group (Linux autogroup) gets nice
# PRIORITY: the kernel shares CPU between sessions, so builds in other sessions take a bounded share
# from it instead of half the machine (the per-slice outside load is in the report).
#
# Knobs (environment):
#   VARIANTS=a,b         measure only these variants (each against its reference(s); references
#                        are measured as references)
#   ONLY='regex'         the same, by regular expression on the variant name
#   PASSES=2 CYCLES=12   A/B passes over all comparisons (every second pass in reverse order) and
#                        R V cycles per comparison and pass: PASSES x CYCLES ratios per comparison
#   MAX_PASSES=4         then more passes, widest confidence interval first, for comparisons whose
#   AB_BUDGET=900        interval is wider than ±0.05, while the A/B phase is within AB_BUDGET s
#   SLICE_MS=500         length of an A/B slice; SKIP_MS=50: requests issued in a slice's first
#                        SKIP_MS are not counted (they answer the other path's requests)
#   CONNS=32 THREADS=2   wrk -c/-t of the A/B runs, warm-up and solo runs
#   WARMUP=3 SOLO=3      seconds per variant of warm-up, and of a run alone at -c32 that gives
#                        the absolute req/s, p99, Redis commands and CPU per request
#   LAT_DURATION=3       seconds of the -t1 -c1 run per variant (latency, round trips per request)
#   SWEEP='v1 v2'        variants for the concurrency sweep c=1,8,32,128 (default: stub-1rt
#                        ratelimit-fixed bucket4j-hot all-four; SWEEP= to skip); SWEEP_DURATION=3
#   MEMORY=1             measure Redis memory per 1k keys of each filter (MEMORY=0 to skip)
#   PRIORITY=-10         nice of the benchmark's scheduling group (root only below 0; 0 = share
#                        the machine evenly with other sessions; -20 = take nearly all of it)
#   PROFILE='v1 v2'      after the runs, profile these variants with JFR: two recordings of
#                        PROFILE_DURATION=15 s each in the same JVM, the second one kept (the first
#                        runs largely interpreted: starting JFR deoptimises the JVM), summarised in
#                        results/profile-<variant>.txt (CPU samples by area and method)
#   SKIP_BUILD=1         reuse bench/target as built
#   LIB_SRC=dir          library checkout to build (default: the repo holding bench/)
#   LIB_JAR=file         use this library jar instead of the one just built (preview builds)
#   UPDATE_README=1      also copy the report into bench/README.md (between its LATEST markers)
#   JAVA_OPTS='...'      JVM options of BenchServer (default: -Xms1g -Xmx1g)
# Compare two runs' ratios:
#   java -cp "bench/target/classes:bench/target/lib/*" io.github.redisfilters.bench.Report \
#     --compare bench/results/raw-A.tsv bench/results/raw-B.tsv
set -euo pipefail

PRIORITY=${PRIORITY:--10}
# Bash reads a script while it runs it: the run uses a copy of this file, so that editing it or
# checking out another branch meanwhile cannot break a run. The copy runs in a new session, which
# is a new scheduling group (autogroup) whose nice is then set to PRIORITY; redis-server, the JVM
# and wrk run in it too.
if [ -z "${BENCH_DIR:-}" ]; then
  BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  mkdir -p "$BENCH_DIR/target"
  copy=$BENCH_DIR/target/run-$$.sh
  cp "${BASH_SOURCE[0]}" "$copy"
  export BENCH_DIR
  if [ "$PRIORITY" != 0 ] && command -v setsid >/dev/null; then BENCH_OWN_SESSION=1 setsid bash "$copy" "$@" &
  else bash "$copy" "$@" & fi
  child=$!
  trap 'kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null; wait "$child" || true; rm -f "$copy"; exit 130' INT TERM
  status=0
  wait "$child" || status=$?
  rm -f "$copy"
  exit "$status"
fi
if [ -n "${BENCH_OWN_SESSION:-}" ]; then
  echo "$PRIORITY" 2>/dev/null >/proc/self/autogroup ||
    echo "bench: cannot set the scheduling group's nice to $PRIORITY (not root?); running at 0" >&2
fi

BENCH=$BENCH_DIR
ROOT=$(cd "$BENCH/.." && pwd)
LIB_SRC=$(cd "${LIB_SRC:-$ROOT}" && pwd)
PASSES=${PASSES:-2}
CYCLES=${CYCLES:-12}
SLICE_MS=${SLICE_MS:-500}
MAX_PASSES=${MAX_PASSES:-4}
AB_BUDGET=${AB_BUDGET:-900}
SKIP_MS=${SKIP_MS:-50}
WARMUP=${WARMUP:-3}
SOLO=${SOLO:-3}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
LAT_DURATION=${LAT_DURATION:-3}
VARIANTS=${VARIANTS:-}
ONLY=${ONLY:-}
SWEEP=${SWEEP-stub-1rt ratelimit-fixed bucket4j-hot all-four}
SWEEP_DURATION=${SWEEP_DURATION:-3}
MEMORY=${MEMORY:-1}
SKIP_BUILD=${SKIP_BUILD:-0}
PROFILE=${PROFILE:-}
PROFILE_DURATION=${PROFILE_DURATION:-15}
JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx1g}
# Comparisons beyond each variant's own reference (variants.tsv): the targets of issues 8 and 17
EXTRA_PAIRS="all-four:stub-3pipe all-four-cart:stub-3pipe session-read:spring-session-read
  session-write:spring-session-write ratelimit-fixed:bucket4j-hot"

RESULTS=$BENCH/results
WORK=$BENCH/target/run
mkdir -p "$RESULTS" "$WORK"
RAW=$WORK/raw.tsv
: >"$RAW"
rm -f "$WORK/memory.tsv" "$WORK/variants.tsv"
# the wrk scripts, as run: report.lua alone, or with unique.lua or ab.lua appended (copies, like run.sh)
LUA=$WORK/report.lua
cp "$BENCH/wrk/report.lua" "$LUA"
cat "$LUA" "$BENCH/wrk/unique.lua" >"$WORK/unique.lua"
cat "$LUA" "$BENCH/wrk/ab.lua" >"$WORK/ab.lua"

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
# One reactor holds the library checkout and bench/: the bench compiles against the library jar
# just built, and nothing is installed into ~/.m2 (where other builds would pick it up). Offline
# first (fast, and what the library's own builds use); when the local repository lacks something
# (the peers' Spring Session, Spring Data Redis, Lettuce on a fresh machine) once more online.
build() {
  local reactor=$BENCH/target/reactor
  mkdir -p "$reactor"
  cat >"$reactor/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- generated by bench/run.sh: builds the library and the bench together, installs nothing -->
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.github.redisfilters</groupId>
  <artifactId>redis-servlet-filters-bench-reactor</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <modules>
    <module>$(realpath --relative-to="$reactor" "$LIB_SRC")</module>
    <module>$(realpath --relative-to="$reactor" "$BENCH")</module>
  </modules>
</project>
EOF
  local -a mvn=(mvn -B -q -f "$reactor/pom.xml" package -Dmaven.test.skip=true)
  log "building the library ($LIB_SRC) and bench/ (mvn -o package, no install)"
  if "${mvn[@]}" -o >"$WORK/build.log" 2>&1; then return; fi
  if grep -q 'offline mode' "$WORK/build.log"; then
    log "the local Maven repository lacks dependencies; resolving them online"
    grep -o 'artifacts could not be resolved: [^:]*:[^ ]*' "$WORK/build.log" | head -1 >&2 || true
    "${mvn[@]}" >"$WORK/build.log" 2>&1 && return
  fi
  cat "$WORK/build.log" >&2
  log "build failed"
  exit 1
}
if [ "$SKIP_BUILD" != 1 ]; then build; fi
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
declare -A PATHS=() STUBS=() HEADERS=() KINDS=()
while IFS=$'\t' read -r name kind stub path note rest; do
  [[ "$name" == \#* ]] && continue
  NAMES+=("$name"); PATHS[$name]=$path; STUBS[$name]=$stub; HEADERS[$name]=${rest:-}; KINDS[$name]=$kind
done <"$WORK/variants.tsv"

# the variants measured as variants (V), in variants.tsv order
declare -A WANT=()
if [ -n "$VARIANTS" ]; then
  for n in ${VARIANTS//,/ }; do
    [ -n "${PATHS[$n]:-}" ] && WANT[$n]=1 || log "VARIANTS: no variant $n (see the missing/primed lines above)"
  done
elif [ -n "$ONLY" ]; then
  for n in "${NAMES[@]}"; do [[ "$n" =~ $ONLY ]] && WANT[$n]=1; done
else
  for n in "${NAMES[@]}"; do WANT[$n]=1; done
fi

# comparisons V:R — every wanted variant against its own reference, then the extra target pairs
declare -a PAIRS=()
declare -A INVOLVED=()
for n in "${NAMES[@]}"; do
  [ -n "${WANT[$n]:-}" ] || continue
  INVOLVED[$n]=1
  if [ "${STUBS[$n]}" != "-" ] && [ -n "${PATHS[${STUBS[$n]}]:-}" ]; then
    PAIRS+=("$n:${STUBS[$n]}"); INVOLVED[${STUBS[$n]}]=1
  fi
done
for p in $EXTRA_PAIRS; do
  v=${p%%:*}; r=${p##*:}
  if [ -n "${WANT[$v]:-}" ] && [ -n "${PATHS[$r]:-}" ]; then PAIRS+=("$p"); INVOLVED[$r]=1; fi
done
selected=()
for n in "${NAMES[@]}"; do [ -n "${INVOLVED[$n]:-}" ] && selected+=("$n"); done
[ ${#selected[@]} -gt 0 ] || { log "no variant selected"; exit 1; }
log "variants: ${selected[*]}"
log "comparisons (variant:reference): ${PAIRS[*]:-none}"

# ------------------------------------------------------------------------------------ measuring
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
SOFTIRQD=$(pgrep -d, -x 'ksoftirqd/[0-9]+' || true)
# Counters around every wrk run, as "name value" lines: per-command call counts (commands run
# inside Lua scripts included); "_reads": Redis' total_reads_processed, the number of socket reads
# = client round trips (a pipeline arrives in one read; the 2 reads of the INFO calls themselves
# are subtracted in the delta); CPU µs of redis-server ("_rcpu") and BenchServer's JVM ("_jcpu");
# the whole machine's busy and steal CPU µs from /proc/stat ("_busy", "_steal") and wall µs
# ("_wall"), from which the report derives the load from outside the benchmark.
snapshot() {
  redis-cli -p "$RP" INFO commandstats | tr -d '\r' |
    awk -F'[:,=]' '/^cmdstat_/ { sub("cmdstat_", "", $1); print $1, $3 }'
  redis-cli -p "$RP" INFO stats | tr -d '\r' | awk -F: '$1 == "total_reads_processed" { print "_reads", $2 }'
  redis-cli -p "$RP" INFO cpu | tr -d '\r' |
    awk -F: '$1 == "used_cpu_sys" || $1 == "used_cpu_user" { s += $2 } END { printf "_rcpu %d\n", s * 1e6 }'
  awk -v hz="$CLK_TCK" '{ printf "_jcpu %d\n", ($14 + $15) * 1e6 / hz }' "/proc/$SERVER_PID/stat"
  awk -v hz="$CLK_TCK" '$1 == "cpu" { printf "_busy %d\n_steal %d\n", ($2 + $3 + $4) * 1e6 / hz, $9 * 1e6 / hz }' /proc/stat
  echo "_wall $(( $(date +%s%N) / 1000 ))"
}

# The wrk arguments for a request shaped like variant $2's (its headers; a new URL every request
# when its path ends in ?unique) sent to variant $1's context. Sets WRK_PATH, WRK_UNIQUE, WRK_HARGS.
request_shape() {
  local target=$1 like=$2
  WRK_HARGS=()
  if [ -n "${HEADERS[$like]}" ]; then
    local IFS=$'\t' h
    for h in ${HEADERS[$like]}; do WRK_HARGS+=(-H "$h"); done
  fi
  WRK_PATH=${PATHS[$target]%\?unique}
  WRK_UNIQUE=0
  [[ "${PATHS[$like]}" == *'?unique' ]] && WRK_UNIQUE=1
  return 0
}

# measured_wrk WRK-ARGS...: runs wrk between two snapshots; sets WRK_OUT (its output) and
# WRK_DELTA (the counters' differences as name:value,…, plus "_wcpu": wrk's own CPU µs).
measured_wrk() {
  local before after wcpu
  before=$(snapshot)
  # wrk runs under its own shell so that its CPU time (the shell's children's) can be read
  WRK_OUT=$(bash -c '"$@"; echo "WRK_CPU $(awk "{ print \$16 + \$17 }" /proc/$$/stat)"' _ wrk "$@" 2>&1) || true
  after=$(snapshot)
  wcpu=$(awk -v hz="$CLK_TCK" '/^WRK_CPU/ { printf "%d", $2 * 1e6 / hz }' <<<"$WRK_OUT")
  WRK_DELTA=$(awk -v w="${wcpu:-0}" 'NR==FNR { b[$1] = $2; next }
      { d = $2 - b[$1] - ($1 == "_reads" ? 2 : 0); if (d > 0) { printf "%s%s:%d", sep, $1, d; sep = "," } }
      END { if (w > 0) printf "%s_wcpu:%d", sep, w }' <(echo "$before") <(echo "$after"))
}

# raw_line PHASE VARIANT REP CONNS FIELDS DELTA [COMPARISON ROLE SLICE]: one line of raw.tsv:
# phase variant rep conns requests duration_us p50 p90 p99 max socket_errors non2xx deltas
#   comparison role slice
raw_line() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:--}" "${7:--}" "${8:--}" "${9:-0}" >>"$RAW"
}

# WRK_RESULT requests=.. duration_us=.. p50_us=.. … as tab-separated values
result_fields() {
  grep '^WRK_RESULT' <<<"$WRK_OUT" | sed -E 's/^WRK_RESULT //; s/[a-z0-9_]+=//g; s/ /\t/g'
}

# run_wrk PHASE VARIANT REP CONNS THREADS SECONDS: one plain wrk run against VARIANT
run_wrk() {
  local phase=$1 v=$2 rep=$3 c=$4 t=$5 d=$6
  request_shape "$v" "$v"
  local script=$LUA tail=()
  if [ "$WRK_UNIQUE" = 1 ]; then
    script=$WORK/unique.lua
    tail=(-- "$(date +%s%N)")
  fi
  measured_wrk -t"$t" -c"$c" -d"${d}s" -s "$script" "${WRK_HARGS[@]}" "http://127.0.0.1:$HP$WRK_PATH" "${tail[@]}"
  local fields
  fields=$(result_fields)
  if [ -z "$fields" ]; then log "wrk failed for $v: $WRK_OUT"; return; fi
  raw_line "$phase" "$v" "$rep" "$c" "$fields" "$WRK_DELTA"
  log "$phase $v c=$c: $(awk -F'\t' '{ printf "%.0f", $1 / ($2 / 1e6) }' <<<"$fields") req/s" \
    "[$(grep '^WRK_RESULT' <<<"$WRK_OUT" | cut -d' ' -f2-)]"
}

# One pass of comparison V:R: one wrk run (bench/wrk/ab.lua) whose connections alternate between R
# and V every SLICE_MS on a shared clock, R first and last (2 x CYCLES + 1 slices). A stub (or bare)
# reference is sent V's own request (same headers, same URL shape); a real peer (Spring Session,
# Bucket4j, the 20 ms origin) its own, as it needs its own session cookie. One raw line per slice,
# and one "abrun" line with the counters of the whole run.
ab_pass() {
  local v=$1 r=$2 pass=$3
  local slices=$((2 * CYCLES + 1)) lead=300 like=$r
  [[ "${KINDS[$r]}" == stub || "${KINDS[$r]}" == bare ]] && like=$v
  request_shape "$r" "$like"
  local rpath=$WRK_PATH rheaders=${HEADERS[$like]}
  request_shape "$v" "$v"
  local t0=$(( $(date +%s%N) / 1000000 + lead ))
  local secs=$(( (lead + slices * SLICE_MS) / 1000 + 1 ))
  measured_wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" -s "$WORK/ab.lua" \
    "http://127.0.0.1:$HP$WRK_PATH" -- "$t0" "$SLICE_MS" "$SKIP_MS" "$slices" "$rpath" "$WRK_PATH" \
    "$([ "$WRK_UNIQUE" = 1 ] && echo unique || echo same)" "$(date +%s%N)" "$SERVER_PID" "$REDIS_PID" \
    "$rheaders" "${HEADERS[$v]}" "$SOFTIRQD"
  local fields
  fields=$(result_fields)
  if [ -z "$fields" ]; then log "wrk failed for $v vs $r: $WRK_OUT"; return; fi
  raw_line abrun "$v" "$pass" "$CONNS" "$fields" "$WRK_DELTA" "$v~$r" - 0
  local k count ms jvm redis wrk busy steal counts=() window=$(( (SLICE_MS - SKIP_MS) * 1000 )) us=$(( 1000000 / CLK_TCK ))
  while read -r _ k count ms jvm redis wrk busy steal kernel; do
    counts+=("$count")
    local role=v name=$v
    ((k % 2 == 0)) && { role=r; name=$r; }
    raw_line ab "$name" "$pass" "$CONNS" "$count	$window	0	0	0	0	0	0" \
      "_jcpu:$((jvm * us)),_rcpu:$((redis * us)),_wcpu:$((wrk * us)),_busy:$((busy * us)),_steal:$((steal * us)),_kcpu:$((kernel * us)),_wall:${ms%.*}000" \
      "$v~$r" "$role" "$k"
  done < <(grep '^AB_SLICE' <<<"$WRK_OUT")
  # the ratios of this pass, for the log (the report recomputes them from raw.tsv)
  local ratios
  ratios=$(printf '%s\n' "${counts[@]}" | awk '{ x[NR - 1] = $1 } END {
      for (i = 1; i < NR - 1; i += 2) if (x[i - 1] + x[i + 1] > 0) printf " %.2f", 2 * x[i] / (x[i - 1] + x[i + 1]) }' |
    tr ' ' '\n' | sort -n | awk 'NF { a[++n] = $1 } END { if (n) printf "median %.2f (%.2f–%.2f, n=%d)", a[int((n + 1) / 2)], a[1], a[n], n }')
  log "pass $pass $v vs $r: ${ratios:-no slices} [$(grep '^WRK_RESULT' <<<"$WRK_OUT" | cut -d' ' -f2-3,8-9)]"
}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
START_TIME=$(date -u +%H:%M)
log "warm-up ${WARMUP}s per variant, then ${SOLO}s alone (req/s, p99, commands and CPU per request)"
for v in "${selected[@]}"; do run_wrk warmup "$v" 0 "$CONNS" "$THREADS" "$WARMUP"; done
for v in "${selected[@]}"; do run_wrk solo "$v" 1 "$CONNS" "$THREADS" "$SOLO"; done

AB_START=$(date +%s)
for pass in $(seq 1 "$PASSES"); do
  log "A/B pass $pass/$PASSES: ${#PAIRS[@]} comparisons x $((2 * CYCLES + 1)) slices of ${SLICE_MS} ms (-t$THREADS -c$CONNS)"
  if ((pass % 2 == 1)); then order=("${PAIRS[@]}"); else order=(); for ((k = ${#PAIRS[@]} - 1; k >= 0; k--)); do order+=("${PAIRS[k]}"); done; fi
  for p in "${order[@]}"; do ab_pass "${p%%:*}" "${p##*:}" "$pass"; done
done
# More passes, up to MAX_PASSES, for the comparisons whose confidence interval is still wider than
# ±0.05 (widest first), while the A/B phase is within AB_BUDGET seconds
PASS_SECONDS=$(( (300 + (2 * CYCLES + 1) * SLICE_MS) / 1000 + 2 ))
while (( $(date +%s) - AB_START + PASS_SECONDS <= AB_BUDGET )); do
  mapfile -t WIDE < <(java -cp "$CP" io.github.redisfilters.bench.Report --wide "$RAW" "$MAX_PASSES")
  [ ${#WIDE[@]} -gt 0 ] || break
  log "extra passes for ${#WIDE[@]} comparison(s) with a confidence interval wider than ±0.05"
  for w in "${WIDE[@]}"; do
    (( $(date +%s) - AB_START + PASS_SECONDS <= AB_BUDGET )) || break 2
    p=${w% *}
    ab_pass "${p%%:*}" "${p##*:}" "${w##* }"
  done
done

log "latency with one connection (-t1 -c1, ${LAT_DURATION}s each)"
for v in "${selected[@]}"; do run_wrk lat "$v" 1 1 1 "$LAT_DURATION"; done

if [ -n "$SWEEP" ]; then
  for v in $SWEEP; do
    [ -n "${INVOLVED[$v]:-}" ] || continue
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
  # Two recordings in this JVM, the second kept: starting JFR deoptimises compiled code, so the
  # first recording samples largely interpreted frames and shows hot spots that are not there.
  for rec in 1 2; do
    rm -f "$WORK/$v-$rec.jfr"
    jcmd "$SERVER_PID" JFR.start name="bench-$v-$rec" settings="$WORK/bench.jfc" filename="$WORK/$v-$rec.jfr" >/dev/null
    run_wrk profile "$v" "$rec" "$CONNS" "$THREADS" "$PROFILE_DURATION"
    jcmd "$SERVER_PID" JFR.stop name="bench-$v-$rec" >/dev/null
  done
  java -cp "$CP" io.github.redisfilters.bench.ProfileSummary "$WORK/$v-2.jfr" "$WORK/$v-1.jfr" \
    >"$RESULTS/profile-$v.txt" 2>&1 || true
  log "profile of $v: $RESULTS/profile-$v.txt ($(grep -m1 'interpreted' "$RESULTS/profile-$v.txt" || true))"
done
END_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
END_TIME=$(date -u +%H:%M)

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
LIB_COMMIT=$(git -C "$LIB_SRC" describe --always --dirty 2>/dev/null || echo unknown)
MACHINE="$NCPU cores, $CPU_MODEL; $JAVA_V; Redis $REDIS_V; $WRK_V; Jetty 12.1.14; library at $LIB_COMMIT; \
load avg (1/5/15 min) at start $START_LOAD, at end $END_LOAD"
STAMP=$(date -u +%Y%m%d-%H%M)
cp "$RAW" "$RESULTS/raw-$STAMP.tsv"
cp "$RAW" "$RESULTS/raw-latest.tsv"
java -cp "$CP" io.github.redisfilters.bench.Report --raw "$RAW" --variants "$WORK/variants.tsv" \
  --memory "$WORK/memory.tsv" --machine "$MACHINE" --cpus "$NCPU" --span "$START_TIME–$END_TIME UTC" \
  --settings "scheduling group nice $(awk '{ print $3 }' /proc/self/autogroup 2>/dev/null || echo ?) (PRIORITY=$PRIORITY); A/B: PASSES=$PASSES (up to MAX_PASSES=$MAX_PASSES within AB_BUDGET=${AB_BUDGET}s) x CYCLES=$CYCLES, SLICE_MS=$SLICE_MS (first $SKIP_MS ms of each not counted) at -t$THREADS -c$CONNS; WARMUP=${WARMUP}s, SOLO=${SOLO}s; latency -t1 -c1 ${LAT_DURATION}s; raw figures: results/raw-$STAMP.tsv" \
  --out "$RESULTS/latest.md" ${UPDATE_README:+--readme "$BENCH/README.md"}
cat "$RESULTS/latest.md"
