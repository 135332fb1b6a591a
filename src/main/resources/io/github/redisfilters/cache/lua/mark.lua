-- Advances a generation (prefix purge) or records a tag purge: the key gets the Redis time
-- ('<ms>.<µs within the ms>' so two purges never write the same value), kept ARGV[1] ms.
-- KEYS[1] generation or purge-marker key
local t = redis.call('TIME')
local value = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) .. '.' .. (tonumber(t[2]) % 1000)
redis.call('SET', KEYS[1], value, 'PX', ARGV[1])
return value
