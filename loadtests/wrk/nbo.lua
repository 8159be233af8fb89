-- wrk: next best offer for a random known customer (user_id:u1 .. u$CUSTOMERS), admin key from $KEY.
local customers = tonumber(os.getenv("CUSTOMERS") or "10000")
local key = os.getenv("KEY")
math.randomseed(os.time())
request = function()
  local path = "/api/v1/customers/user_id:u" .. math.random(1, customers) .. "/next-best-offer?channel=web&placement=home&limit=3"
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end
