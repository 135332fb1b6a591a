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
-- the metadata fields, by direct comparison (cheaper than a table of every '#' field)
local a, m, p, x
for i = 1, #h, 2 do
  local f = h[i]
  if f == '#a' then a = h[i + 1] elseif f == '#m' then m = h[i + 1] elseif f == '#p' then p = h[i + 1]
  elseif f == '#x' then x = h[i + 1] end
end
local prev = a or ''
m = tonumber(m)
if m == nil then
  return { locked, 0, prev, 0, h }   -- corrupt metadata: let the filter decide, change nothing
end
local now = tonumber(ARGV[1])
local g = 1000
if m > 0 and m < 10 then g = m * 100 end
local last = tonumber(prev) or 0
local due = now - last >= g or last - now >= g
-- The principal index scores each session with a horizon that is always later than the
-- session's real expiry (at most m + g after now); refresh it once it comes that close.
local refreshDue = m > 0 and p ~= nil and (tonumber(x) or 0) < now + m * 1000 + g
if not (due or refreshDue) then
  return { locked, 0, prev, 0, h }   -- the common case of a busy session: nothing to write
end
if ARGV[2] ~= '1' then
  return { locked, 0, prev, 1, h }   -- pure read: the touch is due, the caller lets it ride on its save
end
local refresh = 0
if m > 0 then
  if refreshDue then
    redis.call('HSET', key, '#a', ARGV[1], '#x', now + 2 * m * 1000)
    refresh = 1
  else
    redis.call('HSET', key, '#a', ARGV[1])
  end
  redis.call('PEXPIRE', key, m * 1000 + g)
else
  redis.call('HSET', key, '#a', ARGV[1])
  redis.call('PERSIST', key)
end
return { locked, refresh, prev, 0, h }
