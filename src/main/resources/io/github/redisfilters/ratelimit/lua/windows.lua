-- The common case of check.lua, kept lean: every policy of the call is a fixed window or a
-- sliding-window counter. Same state, same decisions (every policy admits or nothing is consumed),
-- fewer arguments and a shorter reply; the caller derives remaining and reset from the counts
-- (RedisLimiter, with the same arithmetic check.lua uses).
--
-- KEYS[i]        state of policy i: a hash, field = aligned window index, value = hits in it
--                (same hash tag for all keys of one call, for Redis Cluster)
-- ARGV[2i - 1]   limit of policy i; negative for a report-only policy (its denial is reported, never
--                enforced: it keeps its hit only when it and every enforced policy admit)
-- ARGV[2i]       window of policy i in milliseconds; negative for a sliding-window counter
-- ARGV[2n + 1]   optional: now in epoch milliseconds (the test seam); absent = Redis TIME
-- Reply: { now, c1, ..., cn, then p for each sliding counter in order }
--   ci = hits in policy i's current window counting this request; p = hits in the previous window.
--   The request was admitted iff every enforced policy admitted it; if not, every hit was given back
--   here, and so was the hit of each report-only policy that denied.
--
-- Measured with callgrind on redis-server 7.0: each argument costs ~1.4k instructions and a number
-- passed to redis.call is formatted with snprintf, hence '1' as a string and the sign trick.

-- own(command, key, ...): see own_key.lua, which is put before this script.

local n = #KEYS
local now = ARGV[2 * n + 1]
if now then
  now = tonumber(now)
else
  local t = redis.call('TIME')
  now = t[1] * 1000 + math.floor(t[2] / 1000)
end

local out = { now }
local prevs -- previous-window hits of the sliding counters, created when needed
local reported -- report-only policies that denied, created when needed
local all = true
for i = 1, n do
  local k, l, w = KEYS[i], tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local enforced = l > 0
  if not enforced then l = -l end
  local ok = true
  local counter = w < 0
  if counter then w = -w end
  local idx = math.floor(now / w)
  local c = own('HINCRBY', k, idx, '1')
  if c == 1 then
    -- first hit of the window: the TTL set now outlives the windows still needed (this one; a
    -- counter also the next, which weighs this one), and the window before those is dropped
    local keep = counter and 2 or 1
    redis.call('PEXPIRE', k, (idx + keep) * w - now + math.min(w, 1000))
    redis.call('HDEL', k, idx - keep)
  end
  out[i + 1] = c
  if counter then
    local prev = tonumber(redis.call('HGET', k, idx - 1)) or 0
    -- integer form of prev * (1 - e/w) + hits <= limit (no float rounding at the boundary)
    if prev * (w - (now - idx * w)) + c * w > l * w then ok = false end
    prevs = prevs or {}
    prevs[#prevs + 1] = prev
  elseif c > l then
    ok = false
  end
  if not ok then
    if enforced then
      all = false
    else
      reported = reported or {}
      reported[#reported + 1] = i
    end
  end
end

if prevs then
  for j = 1, #prevs do out[n + 1 + j] = prevs[j] end
end

if not all then
  for i = 1, n do
    redis.call('HINCRBY', KEYS[i], math.floor(now / math.abs(tonumber(ARGV[2 * i]))), '-1')
  end
elseif reported then
  for j = 1, #reported do
    local i = reported[j]
    redis.call('HINCRBY', KEYS[i], math.floor(now / math.abs(tonumber(ARGV[2 * i]))), '-1')
  end
end
return out
