-- The origin answered uncacheable: mark the URL hit-for-pass for ARGV[2] ms (0 = do not mark), so
-- that followers go to the origin at once instead of waiting behind the miss lock, and release
-- the lock when this request holds it.
-- KEYS[1] miss lock, KEYS[2] hit-for-pass marker; ARGV[1] lock token ('' = none)
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
