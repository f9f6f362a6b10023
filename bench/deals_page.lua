-- wrk script: GET a different deal page on every request, each with its signed-in buyer's session cookie.
-- Used by bench/deals_load.sh:  wrk -t2 -c20 -d20s --latency -s bench/deals_page.lua http://127.0.0.1:PORT
-- The list comes from `bench/deals_bench.py sessions` ("<path> <cookie>" per line; DEALS_PAGES names the file).
-- Each wrk thread starts at its own offset in the list and walks it in order, so no page repeats until the
-- list is used up. The done() reporter is the one in bench/wrk_report.lua.

local pages = {}
for line in io.lines(os.getenv("DEALS_PAGES") or "var/deals_pages.txt") do
  local path, cookie = line:match("^(%S+) (%S+)$")
  if path then pages[#pages + 1] = { path, cookie } end
end

local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("offset", counter)
end

local i = 0
request = function()
  local n = #pages
  local page = pages[((offset or 1) * 997 + i) % n + 1]
  i = i + 1
  return wrk.format("GET", page[1], { Cookie = page[2] })
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
