-- wrk script: POST the Erlang C request of reference case M2 to /v1/staffing/erlang.
-- Usage: ROTA_TOKEN=... wrk -t2 -c16 -d20s --latency -s api/bench/erlang.lua http://127.0.0.1:8080
wrk.method = "POST"
wrk.path = "/v1/staffing/erlang"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("ROTA_TOKEN") or "")
wrk.body = '{"model":"c","calls_per_hour":200.0,"aht_s":180.0,"agents":14,"threshold_s":20.0}'

-- wrk counts non-2xx/3xx answers as status errors: a wrong token cannot pass for a fast run.
done = function(summary, latency, requests)
  io.write(string.format("non-200 responses: %d\n", summary.errors.status))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
