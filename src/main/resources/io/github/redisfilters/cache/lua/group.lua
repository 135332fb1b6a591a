-- Remembers a first path segment that has entries, for a purge of '/' (every generation group).
-- KEYS[1] groups set; ARGV[1] the segment, ARGV[2] lifetime in ms
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
