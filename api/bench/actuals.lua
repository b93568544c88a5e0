-- wrk script: an ACD integration posting each interval's actuals to
-- POST /v1/centres/{id}/actuals (JSON, the five channels of the sample centre in one request).
-- Each connection walks through the 15-minute intervals from 2026-11-02 on, starting at its own
-- offset, so requests both insert new rows and replace stored ones (late corrections).
-- Paced: every connection waits ROTA_DELAY_MS (default 40) between requests, so with -c4 the
-- load is about 100 requests/s; set ROTA_DELAY_MS=0 for the most the server takes.
-- Usage: ROTA_TOKEN=... ROTA_CENTRE=1 wrk -t1 -c4 -d60s --latency -s api/bench/actuals.lua URL
local centre = os.getenv("ROTA_CENTRE") or "1"
local delay_ms = tonumber(os.getenv("ROTA_DELAY_MS") or "40")
wrk.method = "POST"
wrk.path = "/v1/centres/" .. centre .. "/actuals"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ROTA_TOKEN") or "")

local channels = { "voice", "reception", "chat", "email", "social" }
local start = os.time({ year = 2026, month = 11, day = 2, hour = 0, min = 0, sec = 0 })
local n = math.random(0, 2000)

request = function()
  n = n + 1
  -- 14 days of 96 intervals; os.time above is local, the rows carry UTC (GMT in November).
  local t = start + (n % (14 * 96)) * 900
  local stamp = os.date("!%Y-%m-%dT%H:%M:00+00:00", t)
  local rows = {}
  for i, c in ipairs(channels) do
    local offered = (n * 7 + i * 13) % 40
    rows[i] = string.format(
      '{"interval_start":"%s","channel":"%s","offered":%d,"handled":%d,"abandoned":%d,' ..
      '"aht_seconds":%d,"asa_seconds":%d}',
      stamp, c, offered, offered - math.floor(offered / 5), math.floor(offered / 5), 300 + (n % 60), n % 90)
  end
  return wrk.format(nil, nil, nil, '{"rows":[' .. table.concat(rows, ",") .. "]}")
end

delay = function()
  return delay_ms
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d in %.1f s: %.1f requests/s; non-2xx %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
