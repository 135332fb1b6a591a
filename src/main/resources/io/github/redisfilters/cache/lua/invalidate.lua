-- Invalidates one URL: deletes its base key (its variants become unreachable) and records the
-- Redis time in µs, so that a store of a render that began before now is refused (store.lua).
-- KEYS[1] base key, KEYS[2] its invalidation marker; ARGV[1] marker lifetime in ms
-- Returns the number of keys deleted (0 or 1).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('SET', KEYS[2], now, 'PX', ARGV[1])
return redis.call('DEL', KEYS[1])
