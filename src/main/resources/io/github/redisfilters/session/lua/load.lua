-- Loads one session in one round trip and, unless told not to, extends it.
-- KEYS[1] session hash
-- ARGV[1] now (epoch ms, from the filter's clock)
-- ARGV[2] '1' = touch (record access, extend the TTL), '0' = read only (touch-free paths)
-- Returns false when the session does not exist (or the key is not a hash), else
-- { indexRefresh (0/1), previousLastAccess, field1, value1, field2, value2, ... }
--
-- Touch granularity g = min(1 s, interval / 10): an access within g of the recorded one writes
-- nothing (a busy session is read without any write), and every TTL carries g of slack, so a
-- skipped touch can make a session expire up to g late, never early.
local key = KEYS[1]
local h = redis.pcall('HGETALL', key)
if type(h) ~= 'table' or h.err or #h == 0 then
  return false
end
local meta = {}
for i = 1, #h, 2 do
  if string.byte(h[i], 1) == 35 then -- '#'
    meta[h[i]] = h[i + 1]
  end
end
local prev = meta['#a'] or ''
local refresh = 0
if ARGV[2] == '1' then
  local m = tonumber(meta['#m'] or '')
  if m == nil then
    return { 0, prev, unpack(h) }   -- corrupt metadata: let the filter decide, change nothing
  end
  local now = tonumber(ARGV[1])
  local g = 1000
  if m > 0 then g = math.min(1000, m * 100) end
  local due = math.abs(now - (tonumber(prev) or 0)) >= g
  if m > 0 then
    -- The principal index scores each session with a horizon that is always later than the
    -- session's real expiry (at most m + g after now); refresh it once it comes that close.
    local x = tonumber(meta['#x'] or '0') or 0
    if meta['#p'] and x < now + m * 1000 + g then
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
end
return { refresh, prev, unpack(h) }
