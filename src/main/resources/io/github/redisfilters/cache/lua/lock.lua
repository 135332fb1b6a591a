-- Takes (or confirms holding) the miss lock when a token is given, and tells the Redis time: a
-- render that follows a lookup which found an entry (stale, or hidden by a purge) takes its start
-- time from here, to be compared with invalidations when it is stored.
-- KEYS[1] lock; ARGV[1] token ('' = only the time), ARGV[2] ttl ms.
-- Returns {1 if this request holds the lock else 0, Redis time in µs (see lookup.lua)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if ARGV[1] ~= '' and (redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[1]) == ARGV[1]) then
  return {1, now}
end
return {0, now}
