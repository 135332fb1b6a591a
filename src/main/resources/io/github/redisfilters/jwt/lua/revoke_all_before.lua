-- Raises a subject's "revoked before" watermark; never lowers it (a late or repeated call cannot
-- un-revoke tokens). KEYS[1] = watermark key; ARGV[1] = epoch seconds; ARGV[2] = TTL seconds.
-- Returns 1 when the watermark was set, 0 when an equal or later one was already there.
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
