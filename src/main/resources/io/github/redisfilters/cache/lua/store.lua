-- Stores one entry and releases the miss lock in one round trip, unless the URL was invalidated
-- after the lookup that led to this render (then the entry is dropped: no resurrection).
-- KEYS[1] base key, KEYS[2] miss lock, KEYS[3] hit-for-pass marker, KEYS[4] invalidation marker
-- ARGV[1] encoded entry, ARGV[2] ttl ms, ARGV[3] lower-case Vary names joined by '\n' ('' = no Vary)
-- ARGV[4] nonce for a new variants record, ARGV[5] lock token to release ('' = none)
-- ARGV[6] Redis time (µs) of the lookup, ARGV[7] how long invalidation markers live (ms): a render
--         older than that cannot be checked against them and is not stored
-- ARGV[8..] request headers as lower-case name, value pairs (the Vary inputs)
-- Returns 1 when stored, 0 when refused.
local function variant_key(base_key, record, from)
  local nl = string.find(record, '\n', 2, true)
  local headers = {}
  for i = from, #ARGV - 1, 2 do headers[ARGV[i]] = ARGV[i + 1] end
  local parts = {}
  for name in string.gmatch(string.sub(record, nl + 1), '[^\n]+') do
    parts[#parts + 1] = name .. ':' .. (headers[name] or '')
  end
  return base_key .. '#' .. string.sub(record, 2, nl - 1) .. ':' .. redis.sha1hex(table.concat(parts, '\n'))
end

local function release()
  if ARGV[5] ~= '' and redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local looked = tonumber(ARGV[6])
local marker = redis.call('GET', KEYS[4])
local invalidated = marker and (tonumber(marker) or math.huge) or -1 -- an unreadable marker refuses
-- a marker in milliseconds (written by an earlier version) counts from the end of its millisecond
if invalidated >= 0 and invalidated < 100000000000000 then invalidated = invalidated * 1000 + 999 end
if invalidated >= looked or now - looked > tonumber(ARGV[7]) * 1000 then
  release()
  return 0
end
local ttl = tonumber(ARGV[2])
if ARGV[3] == '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  -- Reuse the record (and so its nonce) while the Vary list is unchanged; a new nonce makes every
  -- variant stored under an older or purged record unreachable, so a purge never resurrects them.
  local record = redis.call('GET', KEYS[1])
  local keep = ttl
  local reuse = false
  if record and string.byte(record, 1) == 86 then
    local nl = string.find(record, '\n', 2, true)
    if nl and string.sub(record, nl + 1) == ARGV[3] then
      reuse = true
      local left = redis.call('PTTL', KEYS[1])
      if left > keep then keep = left end
    end
  end
  if not reuse then record = 'V' .. ARGV[4] .. '\n' .. ARGV[3] end
  redis.call('SET', KEYS[1], record, 'PX', keep)
  redis.call('SET', variant_key(KEYS[1], record, 8), ARGV[1], 'PX', ttl)
end
redis.call('DEL', KEYS[3])
release()
return 1
