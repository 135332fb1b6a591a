-- wrk script fragment (run.sh appends it to report.lua): every request gets a URL never seen
-- before (?n=<run>-<thread>-<counter>), for cache-miss runs. Each wrk thread has its own Lua state;
-- setup() gives each a distinct id.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

-- run.sh passes a run id after "--" so that URLs never repeat across wrk runs either
local run = "0"
init = function(args)
  if args[1] then run = args[1] end
end

local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?n=" .. run .. "-" .. tostring(tid) .. "-" .. n)
end
