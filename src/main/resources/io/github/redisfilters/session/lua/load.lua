-- Loads one session in one round trip and, unless told not to, extends it.
-- KEYS[1] session hash
-- ARGV[1] now (epoch ms, from the filter's clock)
-- ARGV[2] '1' = touch (record access, extend the TTL), '0' = read only (touch-free paths)
-- Returns false when the session does not exist (or the key is not a hash), else
-- { indexRefresh (0/1), previousLastAccess, field1, value1, field2, value2, ... }
local key = KEYS[1]
if redis.call('TYPE', key).ok ~= 'hash' then
  return false
end
local h = redis.call('HGETALL', key)
local prev = redis.call('HGET', key, '#a') or ''
local refresh = 0
if ARGV[2] == '1' then
  local now = tonumber(ARGV[1])
  local m = tonumber(redis.call('HGET', key, '#m') or '')
  if m == nil then
    return { 0, prev, unpack(h) }   -- corrupt metadata: let the filter decide, change nothing
  end
  redis.call('HSET', key, '#a', ARGV[1])
  if m > 0 then
    redis.call('PEXPIRE', key, m * 1000)
    -- The principal index scores each session with a horizon that is always later than the
    -- session's real expiry; refresh it once the horizon comes within one interval.
    if redis.call('HEXISTS', key, '#p') == 1 then
      local x = tonumber(redis.call('HGET', key, '#x') or '0') or 0
      if x < now + m * 1000 then
        redis.call('HSET', key, '#x', now + 2 * m * 1000)
        refresh = 1
      end
    end
  else
    redis.call('PERSIST', key)
  end
end
return { refresh, prev, unpack(h) }
