-- Loads one session in one round trip and, unless told not to, extends it.
-- KEYS[1] session hash
-- ARGV[1] now (epoch ms, from the filter's clock)
-- ARGV[2] '1' = touch (record access, extend the TTL), '0' = read only (touch-free paths)
-- Returns false when the session does not exist (or the key is not a hash), else
-- { indexRefresh (0/1), previousLastAccess, field1, value1, field2, value2, ... }
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
  if m > 0 then
    redis.call('PEXPIRE', key, m * 1000)
    -- The principal index scores each session with a horizon that is always later than the
    -- session's real expiry; refresh it once the horizon comes within one interval.
    local x = tonumber(meta['#x'] or '0') or 0
    if meta['#p'] and x < now + m * 1000 then
      redis.call('HSET', key, '#a', ARGV[1], '#x', now + 2 * m * 1000)
      refresh = 1
    else
      redis.call('HSET', key, '#a', ARGV[1])
    end
  else
    redis.call('HSET', key, '#a', ARGV[1])
    redis.call('PERSIST', key)
  end
end
return { refresh, prev, unpack(h) }
