-- Maintains one principal's index: a sorted set of session ids scored by a horizon that is always
-- later than the session's real expiry, so entries scored in the past are certainly dead.
-- KEYS[1] index   ARGV[1] now (ms)   ARGV[2] 'add' or 'remove'   ARGV[3] session id   ARGV[4] score
local key = KEYS[1]
-- The key is the library's own: anything but a sorted set there (foreign or corrupted data) would
-- fail every login of this principal for as long as it stays, so it is replaced.
local kind = redis.call('TYPE', key)['ok']
if kind ~= 'zset' and kind ~= 'none' then
  redis.call('DEL', key)
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[1])
if ARGV[2] == 'add' then
  redis.call('ZADD', key, ARGV[4], ARGV[3])
else
  redis.call('ZREM', key, ARGV[3])
end
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if #top == 2 then
  local horizon = tonumber(top[2])
  if horizon >= 9007199254740991 then
    redis.call('PERSIST', key)
  else
    redis.call('PEXPIREAT', key, math.floor(horizon))
  end
end
return 1
