-- Gives back the units a request took when a LATER step denied it (Redis Cluster with clients in
-- different slots, or a token bucket after the scripted policies), so that a denied request
-- consumes nothing. Only the request's own hit is removed: a sliding-log member by its unique
-- name, a counter decrement in the window the hit was counted in (never below zero).
-- KEYS[i]  policy state;  ARGV[2i-1] algorithm ('f', 'l', 'c');  ARGV[2i] window index or member
for i = 1, #KEYS do
  local a, v, k = ARGV[2 * i - 1], ARGV[2 * i], KEYS[i]
  if a == 'l' then
    redis.call('ZREM', k, v)
  elseif (tonumber(redis.call('HGET', k, v)) or 0) > 0 then
    redis.call('HINCRBY', k, v, -1)
  end
end
return #KEYS
