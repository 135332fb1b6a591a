-- Cache lookup in one round trip.
-- KEYS[1] base key: an entry ('E'...) or a variants record 'V<nonce>\n<name>\n<name>...'
-- KEYS[2] miss lock key (same hash tag)
-- ARGV[1] lock token ('' = do not lock on a miss), ARGV[2] lock ttl in ms
-- ARGV[3..] request headers as lower-case name, value pairs (the Vary inputs)
-- Returns {entry or nil, 1 if the lock was taken else 0}
local function variant_key(base_key, record, from)
  local nl = string.find(record, '\n', 2, true)
  if not nl then return nil end
  local headers = {}
  for i = from, #ARGV - 1, 2 do headers[ARGV[i]] = ARGV[i + 1] end
  local parts = {}
  for name in string.gmatch(string.sub(record, nl + 1), '[^\n]+') do
    parts[#parts + 1] = name .. ':' .. (headers[name] or '')
  end
  return base_key .. '#' .. string.sub(record, 2, nl - 1) .. ':' .. redis.sha1hex(table.concat(parts, '\n'))
end

local entry = redis.call('GET', KEYS[1])
if entry and string.byte(entry, 1) == 86 then
  local key = variant_key(KEYS[1], entry, 3)
  entry = key and redis.call('GET', key)
end
local locked = 0
if not entry and ARGV[1] ~= '' then
  if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then locked = 1 end
end
return {entry, locked}
