-- Put before windows.lua and check.lua (LuaScript.fromResources): Redis scripts cannot load one
-- another.
-- A key of ours that holds something else (a foreign value, a corrupted counter) is replaced, so
-- that stored data can never switch a client's limit off; the common case costs nothing more.
local function own(command, k, ...)
  local r = redis.pcall(command, k, ...)
  if type(r) == 'table' and r.err then
    -- only data that is not ours: any other error (out of memory, read-only) keeps the key and fails
    if not (string.find(r.err, 'WRONGTYPE', 1, true) or string.find(r.err, 'not an integer', 1, true)) then
      error(r)
    end
    redis.call('DEL', k)
    r = redis.call(command, k, ...)
  end
  return r
end
