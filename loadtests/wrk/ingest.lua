-- wrk: POST /api/v1/events, batches of $BATCH events for random customers among $CUSTOMERS, every event id unique
-- (thread id + request counter + position), so nothing is a duplicate and every event is journaled and applied.
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local batch = tonumber(os.getenv("BATCH") or "100")
local key = os.getenv("KEY")
local stamp = os.getenv("STAMP")
local counter = 0
local tid = 0
local threads = {}
setup = function(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end
init = function(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, batch do
    parts[i] = string.format('{"eventId":"w%s-%d-%d-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"product_view","timestamp":"%s","properties":{"category":"shoes","price":89}}',
      stamp, tid, counter, i, math.random(1, customers), stamp)
  end
  return wrk.format("POST", "/api/v1/events", { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, "[" .. table.concat(parts, ",") .. "]")
end
local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
