-- Loads one session in one round trip; optionally takes its write lock and extends it.
-- KEYS[1] session hash   KEYS[2] its lock key (same hash tag)
-- ARGV[1] now (epoch ms, from the filter's clock)
-- ARGV[2] '1' = touch (record access, extend the TTL), '0' = pure read: nothing is written and
--         the reply says whether a touch is due (the caller lets it ride on the save)
-- ARGV[3] lock token, '' = take no lock   ARGV[4] lock TTL (ms)
-- Returns false when the session does not exist (or the key is not a hash); { -1, lock PTTL }
-- when another request holds the lock (nothing read, nothing written); else
-- { locked (0/1), indexRefresh (0/1), previousLastAccess, touchDue (0/1), { field, value, ... } }
--
-- Touch granularity g = min(1 s, interval / 10): an access within g of the recorded one writes
-- nothing (a busy session is read without any write), and every TTL carries g of slack, so a
-- skipped touch can make a session expire up to g late, never early.
local key = KEYS[1]
local h = redis.pcall('HGETALL', key)
if type(h) ~= 'table' or h.err or #h == 0 then
  return false
end
local locked = 0
if ARGV[3] ~= '' then
  if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
    if redis.call('GET', KEYS[2]) ~= ARGV[3] then
      return { -1, redis.call('PTTL', KEYS[2]) }
    end
    redis.call('PEXPIRE', KEYS[2], ARGV[4]) -- already ours (taken by an earlier load of this request)
  end
  locked = 1
end
local meta = {}
for i = 1, #h, 2 do
  if string.byte(h[i], 1) == 35 then -- '#'
    meta[h[i]] = h[i + 1]
  end
end
local prev = meta['#a'] or ''
local m = tonumber(meta['#m'] or '')
if m == nil then
  return { locked, 0, prev, 0, h }   -- corrupt metadata: let the filter decide, change nothing
end
local now = tonumber(ARGV[1])
local g = 1000
if m > 0 then g = math.min(1000, m * 100) end
local due = math.abs(now - (tonumber(prev) or 0)) >= g
local x = tonumber(meta['#x'] or '0') or 0
-- The principal index scores each session with a horizon that is always later than the
-- session's real expiry (at most m + g after now); refresh it once it comes that close.
local refreshDue = m > 0 and meta['#p'] ~= nil and x < now + m * 1000 + g
if ARGV[2] ~= '1' then
  return { locked, 0, prev, (due or refreshDue) and 1 or 0, h }
end
local refresh = 0
if m > 0 then
  if refreshDue then
    redis.call('HSET', key, '#a', ARGV[1], '#x', now + 2 * m * 1000)
    redis.call('PEXPIRE', key, m * 1000 + g)
    refresh = 1
  elseif due then
    redis.call('HSET', key, '#a', ARGV[1])
    redis.call('PEXPIRE', key, m * 1000 + g)
  end
elseif due then
  redis.call('HSET', key, '#a', ARGV[1])
  redis.call('PERSIST', key)
end
return { locked, refresh, prev, 0, h }
