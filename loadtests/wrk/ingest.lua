-- wrk: POST /api/v1/events, batches of $BATCH events for random customers among $CUSTOMERS, every event id unique
-- ($RUN + thread id + request counter + position), so nothing is a duplicate and every event is journaled and applied.
-- $KEY is sent as Authorization: Bearer. done() prints the lua_* lines of report.lua (2xx and non-2xx counts, events/s, p99).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local batch = tonumber(os.getenv("BATCH") or "100")
local key = os.getenv("KEY")
local stamp = os.getenv("STAMP") or os.date("!%Y-%m-%dT%H:%M:%SZ")  -- the events' timestamp (ISO 8601)
local run = os.getenv("RUN") or stamp                                  -- prefix of the event ids: one per run
local counter = 0
dofile(dir .. "report.lua").install(batch)
init = function(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, batch do
    parts[i] = string.format('{"eventId":"w%s-%d-%d-%d","identifiers":{"user_id":"u%d"},"channel":"web","type":"product_view","timestamp":"%s","properties":{"category":"shoes","price":89}}',
      run, tid, counter, i, math.random(1, customers), stamp)
  end
  return wrk.format("POST", "/api/v1/events", { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, "[" .. table.concat(parts, ",") .. "]")
end
