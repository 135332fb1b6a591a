-- Cache lookup in one round trip.
-- KEYS[1] base key: an entry ('E'...) or a variants record 'V<nonce>\n<name>\n<name>...'. The
--         URL's other keys share its hash tag and are named from it: KEYS[1]..'#lock' (miss lock),
--         KEYS[1]..'#pass' (hit-for-pass marker), KEYS[1]..'#<nonce>:<sha1>' (one variant).
-- ARGV[1] lock token ('' = do not lock on a miss), ARGV[2] lock ttl in ms
-- ARGV[3] 'a' when ARGV[4..] hold every request header, 'n' when only the names the caller
--         expects the URL to vary on (learnt from earlier answers)
-- ARGV[4..] request headers as lower-case name, value pairs (the Vary inputs)
-- Returns the entry itself when it is stored without Vary (the common hit: the cheapest reply), else
--         {entry or nil, 1 if this request holds the lock else 0, the Vary names ('' = none) or nil
--          when there is no entry, 1 when the caller must ask again with every header else 0,
--          1 when the URL is marked hit-for-pass else 0, Redis time in µs or nil}
-- The time is read only when no entry was found (a hit renders nothing, so needs none): a caller
-- that renders in spite of an entry asks for the time with lock.lua before it begins. It is in
-- microseconds because store.lua orders the render against invalidations by it: at millisecond
-- resolution an invalidation and the next request's lookup often share a stamp, and such a render
-- could not be stored (every script takes more than a microsecond of Redis' single thread).
local record = redis.call('GET', KEYS[1])
local entry = record
local names = false
if record and string.byte(record, 1) == 86 then
  local nl = string.find(record, '\n', 2, true)
  local headers = {}
  for i = 4, #ARGV - 1, 2 do headers[ARGV[i]] = ARGV[i + 1] end
  local parts = {}
  for name in string.gmatch(string.sub(record, nl + 1), '[^\n]+') do
    local value = headers[name]
    if value == nil then
      if ARGV[3] == 'n' then return {false, 0, false, 1, 0, false} end
      value = ''
    end
    parts[#parts + 1] = name .. ':' .. value
  end
  names = string.sub(record, nl + 1)
  entry = redis.call('GET', KEYS[1] .. '#' .. string.sub(record, 2, nl - 1) .. ':' .. redis.sha1hex(table.concat(parts, '\n')))
elseif record then
  return record
end
if entry then
  return {entry, 0, names, 0, 0, false}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if redis.call('EXISTS', KEYS[1] .. '#pass') == 1 then
  return {false, 0, names, 0, 1, now}
end
local locked = 0
if ARGV[1] ~= '' then
  local lock = KEYS[1] .. '#lock'
  if redis.call('SET', lock, ARGV[1], 'NX', 'PX', ARGV[2]) or redis.call('GET', lock) == ARGV[1] then
    locked = 1
  end
end
return {false, locked, names, 0, 0, now}
