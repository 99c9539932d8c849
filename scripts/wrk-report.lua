-- wrk reporter: one line of figures for scripts/bench.
-- WRK_QUERIES (optional) is a |-separated list of URL paths to rotate through.
local paths = {}
local i = 0
local env = os.getenv("WRK_QUERIES")
if env and #env > 0 then
  for p in string.gmatch(env, "[^|]+") do paths[#paths + 1] = p end
end

request = function()
  if #paths == 0 then return wrk.format() end
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.0f p50=%.2f p95=%.2f p99=%.2f errors=%d bytes=%d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.bytes / math.max(summary.requests, 1)))
end
