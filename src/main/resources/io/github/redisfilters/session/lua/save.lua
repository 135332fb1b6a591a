-- Writes a session's changes atomically in one round trip and releases the request's lock.
-- KEYS[1] session hash   KEYS[2] the lock key the request holds (or would hold)
-- KEYS[3] the hash the session was loaded from: differs from KEYS[1] only for 'rekey' (same
--         hash tag, so RENAME works on Redis Cluster)
-- ARGV[1] 'create' (new session: the key must not exist), 'update' (the key must still exist:
--         a session invalidated or expired meanwhile is never recreated) or 'rekey'
--         (changeSessionId: KEYS[3] must exist and is renamed to KEYS[1], then updated)
-- ARGV[2] now (epoch ms)   ARGV[3] max inactive interval (s, 0 = never)   ARGV[4] creation time (ms)
-- ARGV[5] principal mode: 'keep' (unknown on this request) or 'set'   ARGV[6] principal ('' = none)
-- ARGV[7] lock token ('' = the request holds no lock)
-- ARGV[8] n = number of attribute fields to write, then n pairs field, value, then fields to delete
-- Returns { status, indexRefresh, lockLost } with status 1 = saved, 0 = gone (not recreated),
-- -1 = id taken; lockLost = 1 when the request's lock had expired (another request may have
-- read the session meanwhile)
local key = KEYS[1]
local lockLost = 0
if ARGV[7] ~= '' then
  if redis.call('GET', KEYS[2]) == ARGV[7] then
    redis.call('DEL', KEYS[2])
  else
    lockLost = 1
  end
end
local mode = ARGV[1]
if mode == 'rekey' then
  if redis.call('EXISTS', KEYS[3]) == 0 then return { 0, 0, lockLost } end
  if redis.call('EXISTS', key) == 1 then return { -1, 0, lockLost } end
  redis.call('RENAME', KEYS[3], key)
elseif mode == 'update' then
  if redis.call('EXISTS', key) == 0 then return { 0, 0, lockLost } end
elseif redis.call('EXISTS', key) == 1 then
  return { -1, 0, lockLost }
end
local now = tonumber(ARGV[2])
local m = tonumber(ARGV[3])
local n = tonumber(ARGV[8])
local fields = { '#a', ARGV[2], '#m', ARGV[3] }
if mode == 'create' then
  fields[#fields + 1] = '#c'
  fields[#fields + 1] = ARGV[4]
end
local i = 9
for _ = 1, n do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  i = i + 2
end
redis.call('HSET', key, unpack(fields))
if i <= #ARGV then
  redis.call('HDEL', key, unpack(ARGV, i))
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
return { 1, refresh, lockLost }
