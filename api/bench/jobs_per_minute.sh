#!/usr/bin/env bash
# Jobs per minute with N `rota serve` nodes on one PostgreSQL database (docs/PERFORMANCE.md).
# Usage: api/bench/jobs_per_minute.sh POSTGRES_URL NODES JOBS [ROTA_BINARY]
# Each node runs one job worker; JOBS one-day forecasts of the sample centre are submitted round
# robin to the nodes, and the time from the first submission to the last job's end is measured.
set -euo pipefail
url=$1 nodes=$2 jobs=$3 rota=${4:-target/release/rota}
token=bench-token-0123456789abcdef
pids=() bases=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq "$nodes"); do
  out=$(mktemp)
  ROTA_API_TOKENS=$token "$rota" serve --db "$url" --bind 127.0.0.1:0 --job-workers 1 >"$out" 2>/dev/null &
  pids+=($!)
  until grep -q listening "$out"; do sleep 0.1; done
  bases+=("$(sed -n 's/^rota: listening on //p' "$out")")
done
auth=(-H "authorization: Bearer $token")
centre=$(curl -sf "${auth[@]}" -H 'content-type: application/json' \
  --data "$(jq -n --rawfile t data/samples/centre.toml '{name: ("bench " + (now|tostring)), config_toml: $t}')" \
  "${bases[0]}/v1/centres" | jq .id)
history=$(curl -sf "${auth[@]}" -H 'content-type: application/gzip' --data-binary @data/samples/history.csv.gz \
  "${bases[0]}/v1/centres/$centre/histories?filename=history.csv.gz" | jq .history.id)
start=$(date +%s.%N)
ids=()
for i in $(seq 0 $((jobs - 1))); do
  base=${bases[$((i % nodes))]}
  ids+=("$(curl -sf "${auth[@]}" -H 'content-type: application/json' \
    --data "{\"history_id\": $history, \"first_day\": \"2026-11-16\", \"days\": 1}" \
    "$base/v1/centres/$centre/forecasts" | jq .id)")
done
for id in "${ids[@]}"; do
  while :; do
    status=$(curl -sf "${auth[@]}" "${bases[0]}/v1/jobs/$id" | jq -r .status)
    [ "$status" = queued ] || [ "$status" = running ] || break
    sleep 0.2
  done
  [ "$status" = succeeded ] || { echo "job $id: $status" >&2; exit 1; }
done
end=$(date +%s.%N)
nodes_used=$(for id in "${ids[@]}"; do curl -sf "${auth[@]}" "${bases[0]}/v1/jobs/$id" | jq -r .node; done | sort | uniq -c | tr '\n' ';')
awk -v s="$start" -v e="$end" -v n="$jobs" -v k="$nodes" -v u="$nodes_used" \
  'BEGIN { t = e - s; printf "%d node(s): %d jobs in %.1f s = %.1f jobs/min (per node: %s)\n", k, n, t, n * 60 / t, u }'
