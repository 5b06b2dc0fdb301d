#!/usr/bin/env bash
# Latency at a fixed rate below saturation, HAProxy against Rampart, one run, loopback only:
#   1. HAProxy's peak requests/s through it to the origin (wrk, closed loop, as proxy-compare.sh);
#   2. at each fraction of that peak (default 50% and 80%), h2load --h1 sends the same fixed rate
#      through each proxy in turn (50 clients, each at rate/50 requests/s), logging every
#      request's time; the script reads p50, p99 and p99.9 from the logs, and each proxy's CPU.
# At a fixed rate both proxies do the same work, so the latency is the proxy's own, not a queue a
# faster proxy would have drained, and CPU per request is compared at equal load.
# h2load's clients send their next request when the previous one is answered (HTTP/1.1, no
# pipelining), so a stall delays the requests behind it rather than being counted against them
# (coordinated omission): the tail is understated for both proxies alike.
#
# Usage: rampart-lab/bench/latency-compare.sh [DURATION_SECONDS=10] [FRACTIONS="0.5 0.8"]
#   ROUNDS=N (default 2) measures each proxy N times in turn at each rate; medians are reported.
#   RAMPART_JAVA runs Rampart on another java (for instance /usr/lib/jvm/temurin-25-jdk-amd64/bin/java),
#   RAMPART_JAVA_OPTS adds JVM options; RAMPART_EXTRA_YAML adds configuration (as proxy-compare.sh).
# Pinned as the other scripts: each proxy alone on CPU 1, h2load and the origin on CPU 0.
set -euo pipefail
DURATION=${1:-10}
FRACTIONS=${2:-"0.5 0.8"}
ROUNDS=${ROUNDS:-2}
CLIENTS=50
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/rampart-lab/bench/lib.sh"
command -v h2load >/dev/null || {
  if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null
  else echo "missing: h2load — install with: sudo apt-get install -y nghttp2-client" >&2; exit 1; fi; }

ORIGIN=18301; HAP=18303; RAMP=18304

haproxy_proxy_config $HAP $ORIGIN > "$WORK/haproxy.cfg"
rampart_bench_config $RAMP $ORIGIN off > "$WORK/rampart.yml"

start_origin $ORIGIN
$ON_PROXY "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HAP_PID=$!; PIDS+=($!)
$ON_PROXY "${RAMPART_JAVA:-java}" -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart.yml" --data-dir "$WORK/data" >/dev/null 2>&1 & R_PID=$!; PIDS+=($!)
for p in $ORIGIN $HAP $RAMP; do wait_port $p; done

# warm both (JIT, pools), then HAProxy's peak
for p in $HAP $RAMP; do $ON_LOAD wrk -t2 -c$CLIENTS -d8s "http://127.0.0.1:$p/bench.html" >/dev/null 2>&1; done
peak=$($ON_LOAD wrk -t2 -c$CLIENTS -d"${DURATION}s" "http://127.0.0.1:$HAP/bench.html" | awk '/Requests\/sec/ {printf "%d", $2}')

fixed_rate() { # $1 label, $2 port, $3 pid, $4 requests/s in all -> "label|rate|p50|p99|p999|answered|errors|cpu"
  local log="$WORK/h2load-$2-$4.log" per=$(( $4 / CLIENTS ))
  rm -f "$log"
  local before; before=$(cpu_ticks "$3")
  local out; out=$($ON_LOAD h2load --h1 -c$CLIENTS --rps="$per" -D "$DURATION" --log-file="$log" "http://127.0.0.1:$2/bench.html" 2>&1)
  local after; after=$(cpu_ticks "$3")
  local n; n=$(wc -l < "$log")
  local ok; ok=$(awk -F'\t' '$2 == 200' "$log" | wc -l)
  local pcts; pcts=$(cut -f3 "$log" | sort -n | awk '{v[NR]=$1} END {
      i50=int(NR*0.50); i99=int(NR*0.99); i999=int(NR*0.999); if (i50<1) i50=1; if (i99<1) i99=1; if (i999<1) i999=1;
      printf "%.2f|%.2f|%.2f", v[i50]/1000, v[i99]/1000, v[i999]/1000}')
  local errs; errs=$(echo "$out" | awk '/^requests:/ {print $10, "failed,", $12, "errored"}')
  echo "$1|$4|$pcts|$ok of $n|$errs|$(cpu_us_per_request $((after - before)) "$n")"
}

raw=()
for f in $FRACTIONS; do
  rate=$(awk -v p="$peak" -v f="$f" 'BEGIN {printf "%d", p * f / 50 * 50}')
  for round in $(seq "$ROUNDS"); do
    raw+=("$(fixed_rate "HAProxy" $HAP $HAP_PID "$rate")")
    raw+=("$(fixed_rate "Rampart" $RAMP $R_PID "$rate")")
  done
done

echo
echo "HAProxy's peak: $peak requests/s (wrk -t2 -c$CLIENTS -d${DURATION}s). Fixed rates: h2load --h1 -c$CLIENTS --rps=rate/$CLIENTS -D $DURATION,"
echo "~1 KB static file, $(nproc) cores ($MODE), $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id), median of $ROUNDS round(s)"
echo
echo "| rate (req/s) | proxy | p50 (ms) | p99 (ms) | p99.9 (ms) | CPU µs/request | p99 vs HAProxy | CPU/request vs HAProxy | answered 200 (last round) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---|"
for f in $FRACTIONS; do
  rate=$(awk -v p="$peak" -v f="$f" 'BEGIN {printf "%d", p * f / 50 * 50}')
  declare -A m=()
  for proxy in HAProxy Rampart; do
    rows=$(printf '%s\n' "${raw[@]}" | awk -F'|' -v l="$proxy" -v r="$rate" '$1==l && $2==r')
    m[$proxy.p50]=$(echo "$rows" | cut -d'|' -f3 | median)
    m[$proxy.p99]=$(echo "$rows" | cut -d'|' -f4 | median)
    m[$proxy.p999]=$(echo "$rows" | cut -d'|' -f5 | median)
    m[$proxy.cpu]=$(echo "$rows" | cut -d'|' -f8 | median)
    m[$proxy.ok]=$(echo "$rows" | tail -1 | cut -d'|' -f6)
  done
  for proxy in HAProxy Rampart; do
    pr=$(awk -v a="${m[$proxy.p99]}" -v b="${m[HAProxy.p99]}" 'BEGIN {printf "%.2f", a/b}')
    cr=$(awk -v a="${m[$proxy.cpu]}" -v b="${m[HAProxy.cpu]}" 'BEGIN {printf "%.2f", a/b}')
    echo "| $rate ($(awk -v f="$f" 'BEGIN {printf "%d", f*100}')% of peak) | $proxy | ${m[$proxy.p50]} | ${m[$proxy.p99]} | ${m[$proxy.p999]} | ${m[$proxy.cpu]} | $pr | $cr | ${m[$proxy.ok]} |"
  done
done
echo
echo "Latency: h2load's per-request log (start to end of response). CPU µs/request: the proxy's"
echo "user+system CPU during the run divided by the requests h2load logged."
