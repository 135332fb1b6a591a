-- Checks every policy of a request at once and consumes one unit from each only if ALL admit.
-- A denied request therefore consumes nothing, and there is no INCR-then-EXPIRE race: the whole
-- script runs atomically and every key it writes gets a TTL in the same step.
--
-- KEYS[i]   state of policy i (same hash tag for all keys of one call, for Redis Cluster)
-- ARGV[1]   now in epoch milliseconds, or '' to use Redis TIME (the test seam passes a clock)
-- ARGV[2]   id unique to this request (sliding-log members must be unique even within one ms)
-- ARGV[3i], ARGV[3i+1], ARGV[3i+2]  algorithm of policy i ('f' fixed, 'l' sliding log,
--           'c' sliding-window counter), its limit, its window in milliseconds
-- Reply: { allAdmitted (0/1), now, then per policy: admitted (0/1), remaining, resetAtMs }
-- resetAtMs = when the policy next frees one unit of quota (what Retry-After is derived from).

local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end

local n = #KEYS
local alg, lim, win, st = {}, {}, {}, {}
local all = 1
for i = 1, n do
  local a = ARGV[3 * i]
  local l = tonumber(ARGV[3 * i + 1])
  local w = tonumber(ARGV[3 * i + 2])
  alg[i], lim[i], win[i] = a, l, w
  local k = KEYS[i]
  local s = {}
  if a == 'f' then
    s.idx = math.floor(now / w)
    local v = redis.call('HMGET', k, 'w', 'c')
    s.count = 0
    if tonumber(v[1]) == s.idx then s.count = tonumber(v[2]) or 0 end
    s.ok = s.count < l
  elseif a == 'l' then
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now - w)
    s.count = redis.call('ZCARD', k)
    s.ok = s.count < l
  else
    s.idx = math.floor(now / w)
    local v = redis.call('HMGET', k, 'w', 'c', 'p')
    local ow = tonumber(v[1])
    s.cur, s.prev = 0, 0
    if ow == s.idx then
      s.cur, s.prev = tonumber(v[2]) or 0, tonumber(v[3]) or 0
    elseif ow == s.idx - 1 then
      s.prev = tonumber(v[2]) or 0
    end
    s.e = now - s.idx * w
    -- integer form of prev * (1 - e/w) + cur + 1 <= limit (no float rounding at the boundary)
    s.ok = s.prev * (w - s.e) + (s.cur + 1) * w <= l * w
  end
  st[i] = s
  if not s.ok then all = 0 end
end

local out = { all, now }
for i = 1, n do
  local a, l, w, s, k = alg[i], lim[i], win[i], st[i], KEYS[i]
  local consume = all == 1
  local remaining, reset
  if a == 'f' then
    local c = s.count
    if consume then
      c = c + 1
      if c == 1 then
        -- first hit of the window: the TTL set now outlives the window, later hits need none
        redis.call('HSET', k, 'w', s.idx, 'c', 1)
        redis.call('PEXPIRE', k, (s.idx + 1) * w - now + 1000)
      else
        redis.call('HINCRBY', k, 'c', 1)
      end
    end
    remaining = math.max(0, l - c)
    reset = (s.idx + 1) * w
  elseif a == 'l' then
    local c = s.count
    if consume then
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
    local cur = s.cur
    if consume then
      cur = cur + 1
      if cur == 1 then
        -- first hit of the window: keep the state until the next window no longer needs it
        redis.call('HSET', k, 'w', s.idx, 'c', 1, 'p', s.prev)
        redis.call('PEXPIRE', k, (s.idx + 2) * w - now + 1000)
      else
        redis.call('HINCRBY', k, 'c', 1)
      end
    end
    local used = s.prev * (w - s.e) + cur * w
    remaining = math.max(0, math.floor((l * w - used) / w))
    -- earliest time the estimate falls by one more unit: first within this window (prev decays),
    -- else in the next one (this window's count becomes the decaying previous count)
    local target = l - remaining - 1
    reset = nil
    if target - cur >= 0 and s.prev > 0 then
      local e = w - (target - cur) * w / s.prev
      if e <= w then reset = s.idx * w + math.ceil(math.max(e, s.e)) end
    end
    if reset == nil then
      if cur == 0 or target < 0 then
        reset = (s.idx + 1) * w
      else
        local e2 = w - target * w / cur
        reset = (s.idx + 1) * w + math.ceil(math.max(0, e2))
      end
    end
  end
  local ok = 0
  if s.ok then ok = 1 end
  out[#out + 1] = ok
  out[#out + 1] = remaining
  out[#out + 1] = reset
end
return out
