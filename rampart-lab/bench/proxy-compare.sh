#!/usr/bin/env bash
# Proxy throughput comparison on loopback, one run, same origin, same file, same load:
#   wrk -> origin (nginx serving a ~1 KB static file)
#   wrk -> nginx (reverse proxy)   -> origin
#   wrk -> HAProxy                 -> origin
#   wrk -> Rampart                 -> origin   (access log off, then on; and with RAMPART_TRANSPORT=nio)
# Prints a Markdown table with requests/s and p99 latency, and ratios to HAProxy.
# Installs nginx, haproxy and wrk from Debian packages if missing (needs root).
# Every process it starts is stopped at the end, also on Ctrl-C or failure. Loopback only.
#
# Usage: rampart-lab/bench/proxy-compare.sh [DURATION_SECONDS=10] [CONNECTIONS=50]
#   ROUNDS=3 measures every target three times, in turn (HAProxy, Rampart, ..., then again), and
#   reports each target's median: this machine's speed drifts by 10-30 % over minutes, and
#   interleaving spreads the drift over every target instead of charging it to whichever ran last.
#   RAMPART_JAR_B=/path/to/other/rampart.jar adds a row: Rampart (access log off) from another
#   build, for a before/after in the same run (build it with `git worktree` at the older commit),
#   labelled RAMPART_JAR_B_LABEL.
#   RAMPART_JAVA_B=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java adds a row: Rampart (access log off) on that
#   JVM, with RAMPART_JAVA_B_OPTS (for instance -XX:+UseZGC), to compare runtimes in the same run.
#   RAMPART_EXTRA_YAML='shield: {enabled: false}' appends top-level YAML to Rampart's configuration
#   (to measure what one feature costs); RAMPART_JAVA_OPTS adds JVM options.
#   Detection runs in shadow mode unless RAMPART_EXTRA_YAML sets it: wrk is one address sending
#   40,000 requests/s, which the detector (rightly) stops as a flood once it has learned.
#
# With 2+ cores, processes are pinned (taskset) so the comparison is per core and steadier:
# every proxy gets CPU 1 to itself (one worker/thread/event loop each), while wrk and the origin
# share CPU 0. Set PIN=0 to let everything float over all cores instead.
set -euo pipefail
DURATION=${1:-10}
CONNS=${2:-50}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/rampart-lab/bench/lib.sh"

ORIGIN=18101; NGINXP=18102; HAP=18103; RAMP=18104; RAMPLOG=18105; RAMPNIO=18106; RAMPB=18107; RAMPJ=18108
ROUNDS=${ROUNDS:-1}
mkdir -p "$WORK/ngx-proxy"

cat > "$WORK/ngx-proxy/nginx.conf" <<NGX
worker_processes $WORKERS;
pid $WORK/ngx-proxy/nginx.pid;
error_log $WORK/ngx-proxy/error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream origin { server 127.0.0.1:$ORIGIN; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINXP;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGX

haproxy_proxy_config $HAP $ORIGIN > "$WORK/haproxy.cfg"

rampart_bench_config $RAMP $ORIGIN off > "$WORK/rampart.yml"
rampart_bench_config $RAMPLOG $ORIGIN "$WORK/access.log" > "$WORK/rampart-log.yml"
rampart_bench_config $RAMPNIO $ORIGIN off > "$WORK/rampart-nio.yml"
rampart_bench_config $RAMPB $ORIGIN off > "$WORK/rampart-b.yml"
rampart_bench_config $RAMPJ $ORIGIN off > "$WORK/rampart-jar-b.yml"

start_origin $ORIGIN
$ON_PROXY "$NGINX" -c "$WORK/ngx-proxy/nginx.conf" & NGX_PID=$!; PIDS+=($!)
$ON_PROXY "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HAP_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart.yml" --data-dir "$WORK/data" >/dev/null 2>&1 & R_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart-log.yml" >/dev/null 2>&1 & RLOG_PID=$!; PIDS+=($!)
PORTS="$ORIGIN $NGINXP $HAP $RAMP $RAMPLOG $RAMPNIO"
if [ -n "${RAMPART_JAVA_B:-}" ]; then
  $ON_PROXY "$RAMPART_JAVA_B" -Xms512m -Xmx512m ${RAMPART_JAVA_B_OPTS:-} -jar "$JAR" run --config "$WORK/rampart-b.yml" --data-dir "$WORK/data-b" >/dev/null 2>&1 & RB_PID=$!; PIDS+=($!)
  PORTS="$PORTS $RAMPB"
fi
if [ -n "${RAMPART_JAR_B:-}" ]; then
  $ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$RAMPART_JAR_B" run --config "$WORK/rampart-jar-b.yml" --data-dir "$WORK/data-jar-b" >/dev/null 2>&1 & RJ_PID=$!; PIDS+=($!)
  PORTS="$PORTS $RAMPJ"
fi
RAMPART_TRANSPORT=nio $ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart-nio.yml" --data-dir "$WORK/data-nio" >/dev/null 2>&1 & RNIO_PID=$!; PIDS+=($!)


for p in $PORTS; do wait_port $p; done

measure() { # $1 label, $2 port, $3 pid under test -> "label|rps|p99ms|errors|cpu us per request"
  if [ "$round" = 1 ]; then   # warm-up, same for all (JIT, pools)
    $ON_LOAD wrk -t2 -c"$CONNS" -d"${WARMUP:-8}s" "http://127.0.0.1:$2/bench.html" >/dev/null 2>&1
  fi
  local before; before=$(cpu_ticks "$3")
  local out; out=$($ON_LOAD wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$2/bench.html")
  local after; after=$(cpu_ticks "$3")
  local total; total=$(echo "$out" | awk '/requests in/ {print $1}')
  local cpu_us; cpu_us=$(cpu_us_per_request $((after - before)) "$total")
  local rps p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  # normalise p99 to milliseconds
  p99ms=$(echo "$p99" | awk '/us$/ {sub("us",""); printf "%.2f", $1/1000; next} /ms$/ {sub("ms",""); printf "%.2f", $1; next} /s$/ {sub("s",""); printf "%.2f", $1*1000}')
  echo "$1|$rps|$p99ms|$errs|$cpu_us"
}

check_ok() { # every target must serve the file with 200 before anything is measured
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/bench.html")
  [ "$code" = 200 ] || { echo "target on port $1 answers $code, not 200: not measuring" >&2; exit 1; }
}
for p in $PORTS; do check_ok $p; done

targets=("origin (nginx, direct)|$ORIGIN|$ORIGIN_PID" "nginx proxy|$NGINXP|$NGX_PID" "HAProxy|$HAP|$HAP_PID"
         "Rampart (access log off)|$RAMP|$R_PID" "Rampart (JSON access log on)|$RAMPLOG|$RLOG_PID"
         "Rampart (access log off, NIO transport)|$RAMPNIO|$RNIO_PID")
if [ -n "${RAMPART_JAVA_B:-}" ]; then
  targets+=("Rampart (access log off, $("$RAMPART_JAVA_B" -version 2>&1 | head -1 | cut -d'"' -f2) ${RAMPART_JAVA_B_OPTS:-})|$RAMPB|$RB_PID")
fi
if [ -n "${RAMPART_JAR_B:-}" ]; then
  targets+=("Rampart (access log off, ${RAMPART_JAR_B_LABEL:-other build})|$RAMPJ|$RJ_PID")
fi
raw=()
for round in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    IFS='|' read -r label port pid <<<"$t"
    raw+=("$(measure "$label" "$port" "$pid")")
  done
done
# each target's median over the rounds, per column (requests/s, p99, CPU per request)
results=()
for t in "${targets[@]}"; do
  IFS='|' read -r label _ _ <<<"$t"
  rows=$(printf '%s\n' "${raw[@]}" | awk -F'|' -v l="$label" '$1==l')
  rps=$(echo "$rows" | cut -d'|' -f2 | median)
  p99=$(echo "$rows" | cut -d'|' -f3 | median)
  cpu=$(echo "$rows" | cut -d'|' -f5 | median)
  errs=$(echo "$rows" | cut -d'|' -f4 | tr -s ' ' | sort -u | tr '\n' ' ' | sed 's/^ *//; s/ *$//')
  results+=("$label|$rps|$p99|$errs|$cpu")
done

hap_rps=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="HAProxy" {print $2}')
hap_p99=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="HAProxy" {print $3}')
hap_cpu=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="HAProxy" {print $5}')
echo
echo "wrk -t2 -c$CONNS -d${DURATION}s, ~1 KB static file, $(nproc) cores ($MODE), $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id), median of $ROUNDS round(s)"
echo
echo "| target | requests/s | p99 (ms) | CPU µs/request | req/s vs HAProxy | p99 vs HAProxy | CPU/request vs HAProxy | errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for r in "${results[@]}"; do
  IFS='|' read -r label rps p99 errs cpu <<<"$r"
  rr=$(awk -v a="$rps" -v b="$hap_rps" 'BEGIN {printf "%.2f", a/b}')
  pr=$(awk -v a="$p99" -v b="$hap_p99" 'BEGIN {printf "%.2f", a/b}')
  cr=$(awk -v a="$cpu" -v b="$hap_cpu" 'BEGIN {printf "%.2f", a/b}')
  echo "| $label | $rps | $p99 | $cpu | $rr | $pr | $cr | ${errs:-none} |"
done
echo
echo "CPU µs/request: user+system CPU time of the process under test (and its workers) during the"
echo "measured run, divided by the requests wrk completed; for the origin row, the origin's own cost."
