-- Takes (or confirms holding) the miss lock. KEYS[1] lock; ARGV[1] token, ARGV[2] ttl ms. Returns 1 or 0.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
