-- Releases a session's write lock if the given token still holds it, and optionally deletes the
-- session: a request that loaded its session under the lock but saved nothing, a pipeline that
-- loaded it for a request that never asked for its session, or an invalidation.
-- KEYS[1] lock key   KEYS[2] (optional) session hash to delete, same hash tag
-- ARGV[1] token ('' = release nothing)
-- Returns 1 when a session hash was deleted, else 0
local deleted = 0
if KEYS[2] then
  deleted = redis.call('DEL', KEYS[2])
  if ARGV[1] == '' then
    redis.call('DEL', KEYS[1]) -- the session is gone: a lock on it guards nothing
  end
end
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
return deleted
