-- Adds a base key to a tag's set before its entry is stored, unless the tag was purged after the
-- lookup that led to this render (then the caller does not store the entry).
-- KEYS[1] tag set, KEYS[2] tag purge marker
-- ARGV[1] base key, ARGV[2] entry lifetime in ms, ARGV[3] Redis time (ms) of the lookup
-- Returns 1 when added, 0 when the entry must not be stored.
local purged = tonumber(string.match(redis.call('GET', KEYS[2]) or '-1', '^[^.]+'))
if purged >= tonumber(ARGV[3]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
-- the set lives as long as its longest-lived entry
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
