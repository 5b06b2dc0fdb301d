#!/usr/bin/env bash
# Single-source flood: how cheaply does each gateway say no? One client (wrk) floods far above
# its rate limit; every gateway answers nearly everything with 429. Reports rejections per second
# and the gateway's CPU µs per request, as ratios to HAProxy measured in the same run.
#   nginx:   limit_req (1 r/s, burst 1, status 429); its error log stays on, as operators get it
#   HAProxy: a stick table on the source address, http_req_rate(1s) > 1 -> deny 429
#   Rampart: perClient {rate: 1, burst: 1}; its JSON access log on (rejections are sampled)
# Pinned like proxy-compare.sh: each gateway alone on CPU 1, wrk and the origin on CPU 0.
# Loopback only; every process started here is stopped at the end.
#
# Usage: rampart-lab/bench/reject-compare.sh [DURATION_SECONDS=10] [CONNECTIONS=50]
set -euo pipefail
DURATION=${1:-10}
CONNS=${2:-50}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/rampart-lab/bench/lib.sh"

ORIGIN=18401; NGINXP=18402; HAP=18403; RAMP=18404
mkdir -p "$WORK/n"
cat > "$WORK/n/nginx.conf" <<NGX
worker_processes 1; pid $WORK/n/nginx.pid; error_log $WORK/n/error.log; daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  limit_req_zone \$binary_remote_addr zone=perip:10m rate=1r/s;
  upstream origin { server 127.0.0.1:$ORIGIN; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINXP;
    location / {
      limit_req zone=perip burst=1 nodelay;
      limit_req_status 429;
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
    }
  }
}
NGX
{ haproxy_head; cat <<HAP; } > "$WORK/haproxy.cfg"
frontend fe
  bind 127.0.0.1:$HAP
  stick-table type ip size 1m expire 60s store http_req_rate(1s)
  http-request track-sc0 src
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt 1 }
  default_backend be
backend be
  server origin 127.0.0.1:$ORIGIN
HAP
cat > "$WORK/rampart.yml" <<YML
listeners: [{address: '127.0.0.1:$RAMP'}]
admin: {enabled: false}
accessLog: {path: '$WORK/access.log'}
limits: {perClient: {rate: 1, burst: 1}}
sites: [{name: bench, hosts: ['*'], upstreams: ['http://127.0.0.1:$ORIGIN']}]
YML

start_origin $ORIGIN
$ON_PROXY "$NGINX" -c "$WORK/n/nginx.conf" & NGX_PID=$!; PIDS+=($!)
$ON_PROXY "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HAP_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart.yml" --data-dir "$WORK/data" >/dev/null 2>&1 & R_PID=$!; PIDS+=($!)
for p in $ORIGIN $NGINXP $HAP $RAMP; do wait_port $p; done

measure() { # label port pid
  $ON_LOAD wrk -t2 -c"$CONNS" -d8s "http://127.0.0.1:$2/bench.html" >/dev/null 2>&1
  local b; b=$(cpu_ticks "$3")
  local out; out=$($ON_LOAD wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$2/bench.html")
  local a; a=$(cpu_ticks "$3")
  local n; n=$(echo "$out" | awk '/requests in/ {print $1}')
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  local rps; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  local cpu; cpu=$(cpu_us_per_request $((a - b)) "$n")
  local share; share=$(awk -v r="${non2xx:-0}" -v n="$n" 'BEGIN {printf "%.4f", r / n}')
  echo "$1|$rps|$cpu|$share"
}
results=("$(measure "nginx limit_req" $NGINXP $NGX_PID)" "$(measure "HAProxy stick table" $HAP $HAP_PID)" "$(measure "Rampart GCRA" $RAMP $R_PID)")
hr=$(printf '%s\n' "${results[@]}" | awk -F'|' '/HAProxy/ {print $2}')
hc=$(printf '%s\n' "${results[@]}" | awk -F'|' '/HAProxy/ {print $3}')
echo
echo "single-source flood: wrk -t2 -c$CONNS -d${DURATION}s, $(nproc) cores (gateway alone on CPU 1), $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id)"
echo
echo "| gateway | requests/s | share answered non-2xx | CPU µs/request | req/s vs HAProxy | CPU/request vs HAProxy |"
echo "|---|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r l rps cpu share <<<"$r"
  echo "| $l | $rps | $share | $cpu | $(awk -v a="$rps" -v b="$hr" 'BEGIN {printf "%.2f", a/b}') | $(awk -v a="$cpu" -v b="$hc" 'BEGIN {printf "%.2f", a/b}') |"
done
echo
echo "log written during the run: nginx error log $(stat -c %s "$WORK/n/error.log") bytes, Rampart access log $(stat -c %s "$WORK/access.log") bytes"
