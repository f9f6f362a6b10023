-- wrk script for bench/search_load.sh: every request a different URL, read from URLS_FILE (one path a
-- line, cycled; each thread starts at its own offset), with an optional session cookie (COOKIE).
-- Prints the same REPORT line as bench/wrk_report.lua.
local paths = {}
local counter = 0
local cookie = os.getenv("COOKIE")

init = function(args)
  for line in io.lines(os.getenv("URLS_FILE")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = math.random(#paths)
end

request = function()
  counter = counter % #paths + 1
  local headers = {}
  if cookie and #cookie > 0 then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[counter], headers)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "REPORT p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.1f requests=%d non2xx=%d socket_errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / seconds, summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
