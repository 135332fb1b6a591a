#!/usr/bin/env bash
# Redis-side cost of the rate-limit scripts, in instructions per call: deterministic, so it does
# not move with the machine's load the way usec_per_call does. Starts redis-server under
# valgrind's callgrind on a free port, loads each script, runs a warm-up and then N EVALSHA calls
# with redis-benchmark, and reads the instruction count of exactly those calls (counters zeroed
# before, read after). The figure covers everything redis-server executes for a request in user
# space (reading and parsing it, the script, the reply), not the kernel's socket work.
#
# Usage: bench/lua/cost.sh [calls]        (default 4000; needs valgrind, redis-server, redis-cli,
#                                          redis-benchmark: apt-get install valgrind redis-tools)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LUA=$ROOT/src/main/resources/io/github/redisfilters/ratelimit/lua
N=${1:-4000}
for tool in valgrind callgrind_control redis-server redis-cli redis-benchmark; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install valgrind redis-server redis-tools)"; exit 1; }
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.%p" \
  redis-server --port "$PORT" --save '' --appendonly no --dir "$WORK" >"$WORK/valgrind.log" 2>&1 &
VG=$!
trap 'redis-cli -p $PORT shutdown nosave >/dev/null 2>&1 || kill $VG 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done

# cost <label> <script file or inline source> <numkeys> [keys and args...]
cost() {
  local label=$1 src=$2; shift 2
  [ -f "$src" ] && src=$(cat "$src")
  local sha
  sha=$(redis-cli -p "$PORT" script load "$src")
  redis-benchmark -p "$PORT" -n 200 -c 4 -q evalsha "$sha" "$@" >/dev/null
  callgrind_control -z "$VG" >/dev/null 2>&1
  redis-benchmark -p "$PORT" -n "$N" -c 4 -q evalsha "$sha" "$@" >/dev/null
  local ir
  ir=$(callgrind_control -e "$VG" 2>/dev/null | awk '/Th 1/ {gsub(",", "", $3); print $3}')
  printf '%-58s %8d instructions per call\n' "$label" $((ir / N))
}

echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') under callgrind, $N calls each, 1 hot key"
cost "return 1 (no keys, no args)" "return 1" 0
cost "hand-written INCR + PEXPIRE (1 key, 1 arg)" \
  "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c" \
  1 'hand:{x}' 3600000
cost "windows.lua, fixed window" "$LUA/windows.lua" 1 'w:{f}' 1000000000 3600000
cost "check.lua, fixed window" "$LUA/check.lua" 1 'k:{f}' '' '' f 1000000000 3600000
cost "windows.lua, sliding counter" "$LUA/windows.lua" 1 'w:{c}' 1000000000 -3600000
cost "check.lua, sliding counter" "$LUA/check.lua" 1 'k:{c}' '' '' c 1000000000 3600000
cost "windows.lua, fixed 1s + sliding counter 1m" "$LUA/windows.lua" 2 'w:{2}a' 'w:{2}b' 1000000000 1000 1000000000 -60000
cost "check.lua, fixed 1s + sliding counter 1m" "$LUA/check.lua" 2 'k:{2}a' 'k:{2}b' '' '' f 1000000000 1000 c 1000000000 60000
cost "check.lua, sliding log 1s" "$LUA/check.lua" 1 'k:{l}' '' n1 l 1000000000 1000
