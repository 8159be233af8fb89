-- wrk: next best offer for a random known customer (user_id:u1 .. u$CUSTOMERS), admin key from $KEY.
-- done() prints the lua_* lines of report.lua (2xx and non-2xx counts, requests/s, p99).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local key = os.getenv("KEY")
dofile(dir .. "report.lua").install(0)
init = function(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end
request = function()
  local path = "/api/v1/customers/user_id:u" .. math.random(1, customers) .. "/next-best-offer?channel=web&placement=home&limit=3"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end
