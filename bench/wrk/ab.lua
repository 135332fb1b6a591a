-- wrk script for one A/B comparison (run.sh): the same connections alternate between two paths in
-- time slices on a shared wall clock — slice 0, 2, 4 … go to the reference R, slice 1, 3, 5 … to
-- the variant V — and every request issued is counted in its slice. In wrk's closed loop a request
-- is issued the moment one completes, so the count is the slice's completion rate; requests issued
-- in the first `skip` ms of a slice are not counted (the completions that trigger them may still be
-- answers of the other path's requests).
--
-- The first thread also reads, at the start and the end of every slice's counting window, the CPU
-- ticks of the server JVM, of redis-server and of wrk itself (/proc/<pid>/stat) and the machine's
-- busy and steal ticks (/proc/stat), so that each slice has its CPU per request and the CPU the
-- rest of the machine used meanwhile.
--
-- Arguments after "--": t0 (epoch ms of slice 0), slice ms, skip ms, number of slices, path of R,
-- path of V, "unique" or "same" (unique: every request a new URL, for cache misses), run id, pid of
-- the JVM, pid of redis-server, headers of R's requests, headers of V's requests (each a
-- tab-separated list of "Name: value"; wrk's -H is not used), pids of the kernel's softirq threads
-- (comma-separated: at high packet rates they carry the loopback traffic, which is ours). Prints
-- per slice "AB_SLICE <index> <count> <window ms> <jvm> <redis> <wrk> <busy> <steal> <softirqd>"
-- (CPU in clock ticks
-- over the window), then report.lua's WRK_RESULT line (run.sh appends this file to report.lua).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, ts) -- CLOCK_REALTIME: the same clock as run.sh's `date`
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local t0, slice, skip, slices, paths, unique, run, pids, headers, kernel
local fixed = {}
counts = {}
marks = {} -- [2k] = readings at the start of slice k's window, [2k + 1] = at its end
local next_mark = 0
local n = 0

local function ticks(pid)
  local f = io.open("/proc/" .. pid .. "/stat")
  if not f then return 0 end
  local line = f:read("*l")
  f:close()
  -- fields after the command name "(...)": state is field 3, utime/stime are fields 14 and 15
  local rest = line:match("%) (.*)$")
  local i, ut, st = 3, 0, 0
  for v in rest:gmatch("%S+") do
    if i == 14 then ut = tonumber(v) elseif i == 15 then st = tonumber(v) break end
    i = i + 1
  end
  return ut + st
end

local function machine()
  local f = io.open("/proc/stat")
  local line = f:read("*l")
  f:close()
  local v = {}
  for x in line:gmatch("%d+") do v[#v + 1] = tonumber(x) end
  -- user nice system idle iowait irq softirq steal: interrupts and softirqs (loopback networking,
  -- mostly the benchmark's own) are charged to no process, so they are left out of "busy"
  return v[1] + v[2] + v[3], v[8]
end

local function reading(t)
  local busy, steal = machine()
  local k = 0
  for _, pid in ipairs(kernel) do k = k + ticks(pid) end
  return string.format("%.1f %d %d %d %d %d %d", t, ticks(pids[1]), ticks(pids[2]), ticks("self"), busy, steal, k)
end

local function parse_headers(list)
  local h = { Host = wrk.headers["Host"] }
  for item in string.gmatch(list or "", "[^\t]+") do
    local name, value = item:match("^%s*([^:]+):%s*(.-)%s*$")
    if name then h[name] = value end
  end
  return h
end

local function mark_time(m)
  local k = math.floor(m / 2)
  if m % 2 == 0 then return k * slice + skip end
  return (k + 1) * slice
end

init = function(args)
  t0 = tonumber(args[1])
  slice = tonumber(args[2])
  skip = tonumber(args[3])
  slices = tonumber(args[4])
  paths = { args[5], args[6] }
  unique = args[7] == "unique"
  run = args[8] or "0"
  pids = { args[9] or "self", args[10] or "self" }
  headers = { parse_headers(args[11]), parse_headers(args[12]) }
  kernel = {}
  for pid in string.gmatch(args[13] or "", "%d+") do kernel[#kernel + 1] = pid end
  fixed = { wrk.format(nil, paths[1], headers[1]), wrk.format(nil, paths[2], headers[2]) }
  for k = 0, slices - 1 do counts[k] = 0 end
end

request = function()
  local t = now_ms() - t0
  local k = math.floor(t / slice)
  local which = 1
  if k >= 0 then which = (k % 2) + 1 end
  if tid == 1 and next_mark < 2 * slices and t >= mark_time(next_mark) then
    marks[next_mark] = reading(t)
    next_mark = next_mark + 1
  end
  if k >= 0 and k < slices and t - k * slice >= skip then counts[k] = counts[k] + 1 end
  if unique then
    n = n + 1
    return wrk.format(nil, paths[which] .. "?n=" .. run .. "-" .. tostring(tid) .. "-" .. n, headers[which])
  end
  return fixed[which]
end

local report = done -- report.lua's
done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local m = threads[1]:get("marks")
  local last = -1
  for k, _ in pairs(total) do if k > last then last = k end end
  for k = 0, last do
    local a, b = m[2 * k], m[2 * k + 1]
    if total[k] and a and b then
      local x, y = {}, {}
      for v in a:gmatch("%S+") do x[#x + 1] = tonumber(v) end
      for v in b:gmatch("%S+") do y[#y + 1] = tonumber(v) end
      io.write(string.format("AB_SLICE %d %d %.1f %d %d %d %d %d %d\n", k, total[k], y[1] - x[1],
        y[2] - x[2], y[3] - x[3], y[4] - x[4], y[5] - x[5], y[6] - x[6], y[7] - x[7]))
    end
  end
  report(summary, latency, requests)
end
