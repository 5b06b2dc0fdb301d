#!/usr/bin/env bash
# Cluster mode's costs and figures, one run, loopback only:
#   1. per-node throughput with the cluster on vs off: wrk -> Rampart alone, wrk -> one node of a
#      cluster (its store a redis-server started here), wrk -> HAProxy (the peer), same origin;
#   2. store commands per second under floods from 5,000 distinct sources at two rates, spread
#      over three nodes (goal: independent of the request rate), and the limit error;
#   3. decision propagation: deny entries added through node A's API, timed until node B's API
#      lists them (p50/p99).
# Installs nginx, haproxy, wrk and redis-server from Debian if missing (needs root). Every process
# it starts is stopped at the end.
#
# Usage: rampart-lab/bench/cluster-compare.sh [DURATION_SECONDS=10] [CONNECTIONS=50]
#   MAX_SYNC_KEYS=128 sets cluster.maxSyncKeys (default 1024) to show the store's traffic held by it.
set -euo pipefail
DURATION=${1:-10}
CONNS=${2:-50}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/rampart-lab/bench/lib.sh"
command -v redis-server >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
LOAD="$ROOT/rampart-lab/bench/cluster-load.py"

ORIGIN=18131; HAP=18132; SOLO=18133; NODE_A=18134; NODE_B=18135; NODE_C=18136; REDIS=18137
ADMIN_A=18144; ADMIN_B=18145; ADMIN_C=18146

haproxy_proxy_config $HAP $ORIGIN > "$WORK/haproxy.cfg"

node_config() { # $1 port, $2 admin port or "", $3 node name or "" (no cluster), $4 rate
cat <<YML
listeners: [{address: '127.0.0.1:$1'}]
admin: $( [ -n "$2" ] && echo "{address: '127.0.0.1:$2'}" || echo "{enabled: false}")
accessLog: {path: off}
limits:
  perClient: {rate: $4, burst: $4}
  perPrefix: {rate: 1000000, burst: 1000000}
detection: {shadow: true}
sites: [{name: bench, hosts: ['*'], upstreams: ['http://127.0.0.1:$ORIGIN']}]
$( [ -n "$3" ] && printf 'cluster:\n  store: redis://127.0.0.1:%s/0\n  node: %s\n  maxSyncKeys: %s\n' $REDIS "$3" "${MAX_SYNC_KEYS:-1024}")
YML
}
node_config $SOLO "" "" 1000000 > "$WORK/solo.yml"
node_config $NODE_A $ADMIN_A node-a 1000000 > "$WORK/a.yml"

start_origin $ORIGIN
redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --loglevel warning >/dev/null 2>&1 & PIDS+=($!)
$ON_PROXY "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HAP_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/solo.yml" --data-dir "$WORK/solo" >/dev/null 2>&1 & SOLO_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/a.yml" --data-dir "$WORK/a" >/dev/null 2>&1 & A_PID=$!; PIDS+=($!)
for p in $ORIGIN $HAP $SOLO $NODE_A; do wait_port $p; done

measure() { # $1 label, $2 port, $3 pid -> "label|rps|p99ms|cpu us per request"
  $ON_LOAD wrk -t2 -c"$CONNS" -d"${WARMUP:-8}s" "http://127.0.0.1:$2/bench.html" >/dev/null 2>&1
  local before; before=$(cpu_ticks "$3")
  local out; out=$($ON_LOAD wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$2/bench.html")
  local after; after=$(cpu_ticks "$3")
  local total; total=$(echo "$out" | awk '/requests in/ {print $1}')
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}' | awk '/us$/ {sub("us",""); printf "%.2f", $1/1000; next} /ms$/ {sub("ms",""); printf "%.2f", $1; next} /s$/ {sub("s",""); printf "%.2f", $1*1000}')
  echo "$1|$rps|$p99|$(cpu_us_per_request $((after - before)) "$total")"
}
results=()
results+=("$(measure "HAProxy" $HAP $HAP_PID)")
# ABBA order, averaged: the two gateways share CPU 1, and a single pass favours whichever runs second
r1=$(measure "Rampart alone" $SOLO $SOLO_PID); c1=$(measure "Rampart, one node of a cluster (store up)" $NODE_A $A_PID)
c2=$(measure "Rampart, one node of a cluster (store up)" $NODE_A $A_PID); r2=$(measure "Rampart alone" $SOLO $SOLO_PID)
mean() { # two "label|rps|p99|cpu" lines -> their mean
  IFS='|' read -r l a1 b1 d1 <<<"$1"; IFS='|' read -r _ a2 b2 d2 <<<"$2"
  awk -v l="$l" -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" -v d1="$d1" -v d2="$d2" \
    'BEGIN {printf "%s (mean of 2)|%.2f|%.2f|%.1f\n", l, (a1+a2)/2, (b1+b2)/2, (d1+d2)/2}'
}
results+=("$(mean "$r1" "$r2")")
results+=("$(mean "$c1" "$c2")")
solo_rps=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="Rampart alone (mean of 2)" {print $2}')
solo_cpu=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="Rampart alone (mean of 2)" {print $4}')
hap_cpu=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1=="HAProxy" {print $4}')
kill "$SOLO_PID" "$A_PID" 2>/dev/null || true; sleep 1

echo
echo "## 1. Per-node cost: wrk -t2 -c$CONNS -d${DURATION}s, ~1 KB file, $(nproc) cores ($MODE), $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id)"
echo
echo "| target | requests/s | p99 (ms) | CPU µs/request | req/s vs Rampart alone | CPU/request vs Rampart alone | CPU/request vs HAProxy |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r label rps p99 cpu <<<"$r"
  echo "| $label | $rps | $p99 | $cpu | $(awk -v a="$rps" -v b="$solo_rps" 'BEGIN {printf "%.2f", a/b}') | $(awk -v a="$cpu" -v b="$solo_cpu" 'BEGIN {printf "%.2f", a/b}') | $(awk -v a="$cpu" -v b="$hap_cpu" 'BEGIN {printf "%.2f", a/b}') |"
done

# 2. three nodes, a per-client limit of 5/s (burst 5), floods of 5,000 sources at two rates
for n in a b c; do
  case $n in a) P=$NODE_A; AD=$ADMIN_A;; b) P=$NODE_B; AD=$ADMIN_B;; c) P=$NODE_C; AD=$ADMIN_C;; esac
  node_config $P $AD node-$n 5 > "$WORK/$n.yml"
  java -Xms256m -Xmx256m -XX:ActiveProcessorCount=1 -jar "$JAR" run --config "$WORK/$n.yml" --data-dir "$WORK/$n" >/dev/null 2>&1 & PIDS+=($!)
done
for p in $NODE_A $NODE_B $NODE_C; do wait_port $p; done
redis_cmds() { redis-cli -p $REDIS info stats | awk -F: '/^total_commands_processed/ {print $2+0}'; }
echo
echo "## 2. Store traffic and the limit under floods over three nodes (per-client limit 5/s, burst 5, cluster.maxSyncKeys ${MAX_SYNC_KEYS:-1024})"
echo
echo "| flood | requests/s | store commands/s (all nodes) | per node | admitted per source per second | allowed (5/s + burst 5 over the run) |"
echo "|---|---:|---:|---:|---:|---:|"
for spec in 5000:1 5000:2 30:1; do
  sources=${spec%%:*}; procs=${spec##*:}
  sleep 3   # buckets refill between floods
  c0=$(redis_cmds); t0=$(date +%s.%N)
  read -r total ok refused < <(python3 "$LOAD" flood "$NODE_A,$NODE_B,$NODE_C" "$sources" "$DURATION" "$procs")
  t1=$(date +%s.%N); c1=$(redis_cmds)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b-a}')
  echo "| $sources sources, $procs load process(es), connections round-robin over 3 nodes | $(awk -v n="$total" -v s="$secs" 'BEGIN {printf "%.0f", n/s}') | $(awk -v c=$((c1 - c0)) -v s="$secs" 'BEGIN {printf "%.0f", c/s}') | $(awk -v c=$((c1 - c0)) -v s="$secs" 'BEGIN {printf "%.0f", c/s/3}') | $(awk -v ok="$ok" -v n="$sources" -v s="$DURATION" 'BEGIN {printf "%.2f", ok/n/s}') | $(awk -v s="$DURATION" 'BEGIN {printf "%.2f", (5*s+5)/s}') |"
done
echo
echo "Store commands are Redis's total_commands_processed: each reconciliation script call counts once plus its"
echo "TIME, GET and SET per key; the nodes' heartbeats (about ten a second each) and the decision log's blocking reads."

# 3. decision propagation, node A's API to node B's
TA=$(cat "$WORK/a/admin-token"); TB=$(cat "$WORK/b/admin-token")
python3 "$LOAD" propagate $ADMIN_A $ADMIN_B "$TA" "$TB" 100 | sort -n > "$WORK/prop.txt"
echo
echo "## 3. Decision propagation: a deny entry added on node A until node B's API lists it, 100 times (includes both API calls)"
echo
awk '{v[NR]=$1} END {printf "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n", v[int(NR*0.5)], v[int(NR*0.9)], v[int(NR*0.99)], v[NR]}' "$WORK/prop.txt"
