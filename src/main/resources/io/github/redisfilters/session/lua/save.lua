-- Writes a session's changes atomically in one round trip.
-- KEYS[1] session hash
-- ARGV[1] 'create' (new or re-keyed session: the key must not exist) or 'update' (the key must
--         still exist: a session invalidated or expired meanwhile is never recreated)
-- ARGV[2] now (epoch ms)   ARGV[3] max inactive interval (s, 0 = never)   ARGV[4] creation time (ms)
-- ARGV[5] principal mode: 'keep' (unknown on this request) or 'set'   ARGV[6] principal ('' = none)
-- ARGV[7] n = number of attribute fields to write, then n pairs field, value, then fields to delete
-- Returns { status, indexRefresh } with status 1 = saved, 0 = gone (not recreated), -1 = id taken
local key = KEYS[1]
local exists = redis.call('EXISTS', key)
if ARGV[1] == 'update' then
  if exists == 0 then return { 0, 0 } end
elseif exists == 1 then
  return { -1, 0 }
end
local now = tonumber(ARGV[2])
local m = tonumber(ARGV[3])
local n = tonumber(ARGV[7])
local fields = { '#a', ARGV[2], '#m', ARGV[3] }
if ARGV[1] == 'create' then
  fields[#fields + 1] = '#c'
  fields[#fields + 1] = ARGV[4]
end
local i = 8
for _ = 1, n do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  i = i + 2
end
redis.call('HSET', key, unpack(fields))
local dels = {}
while i <= #ARGV do
  dels[#dels + 1] = ARGV[i]
  i = i + 1
end
if #dels > 0 then
  redis.call('HDEL', key, unpack(dels))
end
local refresh = 0
if ARGV[5] == 'set' then
  local old = redis.call('HGET', key, '#p')
  if ARGV[6] == '' then
    if old then redis.call('HDEL', key, '#p', '#x') end
  elseif old ~= ARGV[6] then
    redis.call('HSET', key, '#p', ARGV[6])
    redis.call('HDEL', key, '#x')
  end
end
if m > 0 then
  -- the same slack as load.lua's touch granularity, so a skipped touch never expires it early
  local g = math.min(1000, m * 100)
  redis.call('PEXPIRE', key, m * 1000 + g)
  if redis.call('HEXISTS', key, '#p') == 1 then
    local x = tonumber(redis.call('HGET', key, '#x') or '0') or 0
    if x < now + m * 1000 + g then
      redis.call('HSET', key, '#x', now + 2 * m * 1000)
      refresh = 1
    end
  end
else
  redis.call('PERSIST', key)
  -- a session that never expires is indexed once, with a horizon that never passes
  if redis.call('HEXISTS', key, '#p') == 1 and redis.call('HEXISTS', key, '#x') == 0 then
    redis.call('HSET', key, '#x', '9007199254740991')
    refresh = 1
  end
end
return { 1, refresh }
