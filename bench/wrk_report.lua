-- wrk reporter: one machine-readable line with exact percentiles, requests/s and errors.
-- Used by bench/portal_load.sh:  wrk -t2 -c20 -d20s --latency -s bench/wrk_report.lua URL
-- wrk's own --latency table has no p95; latency:percentile() gives it from the full histogram.

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "REPORT p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.1f requests=%d non2xx=%d socket_errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / seconds, summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
