-- Maintains one principal's index: a sorted set of session ids scored by a horizon that is always
-- later than the session's real expiry, so entries scored in the past are certainly dead.
-- KEYS[1] index   ARGV[1] now (ms)   ARGV[2] 'add' or 'remove'   ARGV[3] session id   ARGV[4] score
local key = KEYS[1]
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[1])
if ARGV[2] == 'add' then
  redis.call('ZADD', key, ARGV[4], ARGV[3])
else
  redis.call('ZREM', key, ARGV[3])
end
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if #top == 2 then
  redis.call('PEXPIREAT', key, math.floor(tonumber(top[2])))
end
return 1
