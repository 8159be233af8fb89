-- wrk: Segment's POST /v1/batch as its SDKs send it: {"batch":[...],"sentAt":...} with $BATCH track messages (SDKs
-- flush at 20-100; default 20), each with a unique messageId ($RUN + thread + request counter + position), a random
-- customer among $CUSTOMERS as userId and that customer's own anonymousId, an event name, properties and the SDK's
-- context. The write key $KEY goes as the Basic-auth user name, as the SDKs send it.
-- done() prints the lua_* lines of report.lua (2xx and non-2xx counts, events/s, p99).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local batch = tonumber(os.getenv("BATCH") or "20")
local key = os.getenv("KEY")
local stamp = os.getenv("STAMP") or os.date("!%Y-%m-%dT%H:%M:%SZ")  -- the events' timestamp (ISO 8601)
local run = os.getenv("RUN") or stamp                                  -- prefix of the event ids: one per run
local names = { "Product Viewed", "Product Added", "Products Searched", "Checkout Started", "Order Completed" }
local counter = 0
dofile(dir .. "report.lua").install(batch)

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local chars = {}
    for j = 3, 0, -1 do
      local k = math.floor(n / 64 ^ j) % 64
      chars[#chars + 1] = alphabet:sub(k + 1, k + 1)
    end
    if not b then chars[3], chars[4] = "=", "=" elseif not c then chars[4] = "=" end
    out[#out + 1] = table.concat(chars)
  end
  return table.concat(out)
end
local auth = "Basic " .. base64((key or "") .. ":")

init = function(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, batch do
    local customer = math.random(1, customers)
    parts[i] = string.format('{"type":"track","messageId":"s%s-%d-%d-%d","userId":"u%d","anonymousId":"a-u%d","event":"%s","timestamp":"%s","properties":{"category":"shoes","price":89},"context":{"library":{"name":"analytics-node","version":"2.1.0"}}}',
      run, tid, counter, i, customer, customer, names[math.random(1, #names)], stamp)
  end
  return wrk.format("POST", "/v1/batch", { ["Authorization"] = auth, ["Content-Type"] = "application/json" },
    '{"batch":[' .. table.concat(parts, ",") .. '],"sentAt":"' .. stamp .. '"}')
end
