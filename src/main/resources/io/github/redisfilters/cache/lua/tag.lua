-- Adds a base key to a tag's set before its entry is stored, unless the tag was purged after the
-- lookup that led to this render (then the caller does not store the entry).
-- KEYS[1] tag set, KEYS[2] tag purge marker
-- ARGV[1] base key, ARGV[2] entry lifetime in ms, ARGV[3] Redis time (µs) of the lookup
-- Returns 1 when added, 0 when the entry must not be stored.
local marker = redis.call('GET', KEYS[2])
if marker then
  -- mark.lua writes '<ms>.<µs within the ms>'
  local ms, us = string.match(marker, '^(%d+)%.?(%d*)$')
  local purged = ms and tonumber(ms) * 1000 + (tonumber(us) or 999) or math.huge
  if purged >= tonumber(ARGV[3]) then return 0 end
end
redis.call('SADD', KEYS[1], ARGV[1])
-- the set lives as long as its longest-lived entry
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
