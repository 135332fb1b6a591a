-- Checks every policy of a request at once and consumes one unit from each only if ALL admit.
-- A denied request therefore consumes nothing, and there is no INCR-then-EXPIRE race: the whole
-- script runs atomically and every key it writes gets a TTL in the same step.
--
-- KEYS[i]   state of policy i (same hash tag for all keys of one call, for Redis Cluster):
--           fixed / sliding-counter: a hash, field = aligned window index, value = hits in it;
--           sliding log: a sorted set of admitted hits scored by time
-- ARGV[1]   now in epoch milliseconds, or '' to use Redis TIME (the test seam passes a clock)
-- ARGV[2]   id unique to this request (sliding-log members must be unique even within one ms)
-- ARGV[3i], ARGV[3i+1], ARGV[3i+2]  algorithm of policy i ('f' fixed, 'l' sliding log,
--           'c' sliding-window counter; upper case for a report-only policy, whose denial is
--           reported but not enforced), its limit, its window in milliseconds
-- Reply: { allAdmitted (0/1, enforced policies), now, then per policy: admitted (0/1), remaining, resetAtMs }
-- A policy keeps this request's hit only when every enforced policy and the policy itself admit.
-- resetAtMs = when the policy next frees one unit of quota (what Retry-After is derived from).
--
-- This runs on every limited request, so the common case is kept to the fewest Redis calls: a
-- counter takes the hit at once (HINCRBY answers with the new count) and gives it back only when
-- some policy denies; a fixed window therefore costs TIME + HINCRBY per admitted request.

-- own(command, key, ...): see own_key.lua, which is put before this script.

local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = t[1] * 1000 + math.floor(t[2] / 1000)
else
  now = tonumber(ARGV[1])
end

local n = #KEYS
local out = { 1, now }
-- pass 1: decide. out[3i] = admitted, out[3i+1] = hits counted (including this one for counters,
-- before it for the log), out[3i+2] = the previous window's hits (sliding counter)
for i = 1, n do
  local k, a, l, w = KEYS[i], string.lower(ARGV[3 * i]), tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  local enforced = a == ARGV[3 * i]
  local ok, c, prev
  if a == 'l' then
    own('ZREMRANGEBYSCORE', k, '-inf', now - w)
    c = redis.call('ZCARD', k)
    ok = c < l
  else
    local idx = math.floor(now / w)
    c = own('HINCRBY', k, idx, '1')
    local grace = math.min(w, 1000)
    if a == 'f' then
      if c == 1 then
        -- first hit of the window: the TTL set now outlives it, and drops the previous window
        redis.call('PEXPIRE', k, (idx + 1) * w - now + grace)
        redis.call('HDEL', k, idx - 1)
      end
      ok = c <= l
    else
      if c == 1 then
        -- first hit of the window: kept until the next window no longer needs it
        redis.call('PEXPIRE', k, (idx + 2) * w - now + grace)
        redis.call('HDEL', k, idx - 2)
      end
      prev = tonumber(redis.call('HGET', k, idx - 1)) or 0
      -- integer form of prev * (1 - e/w) + hits <= limit (no float rounding at the boundary)
      ok = prev * (w - (now - idx * w)) + c * w <= l * w
    end
  end
  if ok then
    out[3 * i] = 1
  else
    out[3 * i] = 0
    if enforced then out[1] = 0 end
  end
  out[3 * i + 1] = c
  out[3 * i + 2] = prev or 0
end

-- pass 2: consume (log) or give back (counters), then remaining and reset per policy
local all = out[1] == 1
for i = 1, n do
  local k, a, l, w = KEYS[i], string.lower(ARGV[3 * i]), tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  local c, prev = out[3 * i + 1], out[3 * i + 2]
  local keep = all and out[3 * i] == 1
  local remaining, reset
  if a == 'l' then
    if keep then
      redis.call('ZADD', k, now, now .. ':' .. ARGV[2] .. ':' .. i)
      redis.call('PEXPIRE', k, w)
      c = c + 1
    end
    remaining = math.max(0, l - c)
    -- the unit that frees next: with c hits in the window, the (c - l + 1)-th oldest when full,
    -- else the oldest one
    local pos = 0
    if c >= l then pos = c - l end
    local o = redis.call('ZRANGE', k, pos, pos, 'WITHSCORES')
    if o[2] then reset = tonumber(o[2]) + w else reset = now + w end
  else
    local idx = math.floor(now / w)
    if not keep then
      redis.call('HINCRBY', k, idx, '-1')
      c = c - 1
    end
    if a == 'f' then
      remaining = math.max(0, l - c)
      reset = (idx + 1) * w
    else
      local e = now - idx * w
      local used = prev * (w - e) + c * w
      remaining = math.max(0, math.floor((l * w - used) / w))
      -- earliest time the estimate falls by one more unit: first within this window (prev decays),
      -- else in the next one (this window's count becomes the decaying previous count)
      local target = l - remaining - 1
      if target - c >= 0 and prev > 0 then
        local e1 = w - (target - c) * w / prev
        if e1 <= w then reset = idx * w + math.ceil(math.max(e1, e)) end
      end
      if reset == nil then
        if c == 0 or target < 0 then
          reset = (idx + 1) * w
        else
          reset = (idx + 1) * w + math.ceil(math.max(0, w - target * w / c))
        end
      end
    end
  end
  out[3 * i + 1] = remaining
  out[3 * i + 2] = reset
end
return out
