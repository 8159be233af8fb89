-- Shared by the wrk scripts: counts responses by status in each thread and, in done(), prints machine-readable lines
--   lua_status <code> <count>   per status seen
--   lua_ok <n> / lua_non2xx <n> responses with a 2xx status and the rest (wrk's own "Non-2xx" line also counts 3xx)
--   lua_events_per_s <x>        2xx responses x events per request ($EVENTS_PER_REQUEST, set by the script) / duration
--   lua_p50_ms / lua_p99_ms     latency percentiles of every response
-- Usage from a script: local report = dofile(dir .. "report.lua"); report.install(events_per_request)
local M = {}

function M.install(events_per_request)
  local threads = {}
  local tid = 0
  setup = function(thread)
    tid = tid + 1
    thread:set("tid", tid)
    table.insert(threads, thread)
  end
  -- Per thread: the globals below live in each thread's own Lua state.
  statuses = {}
  response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
  done = function(summary, latency, requests)
    local all, ok, bad = {}, 0, 0
    for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
        all[status] = (all[status] or 0) + n
        if status >= 200 and status < 300 then ok = ok + n else bad = bad + n end
      end
    end
    local codes = {}
    for status in pairs(all) do table.insert(codes, status) end
    table.sort(codes)
    for _, status in ipairs(codes) do io.write(string.format("lua_status %d %d\n", status, all[status])) end
    local seconds = summary.duration / 1e6
    io.write(string.format("lua_ok %d\nlua_non2xx %d\n", ok, bad))
    io.write(string.format("lua_errors connect %d read %d write %d timeout %d\n", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
    io.write(string.format("lua_duration_s %.3f\n", seconds))
    io.write(string.format("lua_requests_per_s %.1f\n", ok / seconds))
    io.write(string.format("lua_events_per_s %.1f\n", ok * events_per_request / seconds))
    io.write(string.format("lua_p50_ms %.3f\nlua_p99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  end
end

return M
