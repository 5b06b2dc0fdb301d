#!/usr/bin/env bash
# Kernel push-down against refusing in user space: what one refused connection attempt costs the
# gateway's machine, for Rampart refusing in user space (deny at accept; 429), nginx `deny` (403),
# HAProxy `tcp-request connection reject`, and Rampart's kernel drop (firewall.enabled: the
# source in an nftables set). Then: a bystander's latency with 100,000 sources in the set while the
# flood is dropped, the time from an operator's deny to its element in the kernel, and the push
# rate of the table's first transaction.
#
# Real packets through a real kernel: the gateway runs in a network namespace of this script's own,
# the flood (connect-flood.c, 256 source addresses) in another, joined by a veth pair. Receive
# processing of the gateway's side is steered to CPU 1 (RPS) and every gateway is pinned there,
# the flood and the origin on CPU 0; "CPU µs per attempt" is CPU 1's busy time (user, system,
# softirq: the kernel's receive path included) over the attempts the flood made. Needs root; only
# its own namespaces see traffic; every process it starts is stopped at the end.
#
# Usage: rampart-lab/bench/firewall-compare.sh [DURATION_SECONDS=10] [ATTEMPTS_PER_SECOND=5000]
# The same offered load for every gateway, below what the slowest can refuse on one core, so that
# CPU per attempt compares like with like (a saturated gateway's backlog overflows, and dropped
# SYNs are cheap whoever drops them).
set -euo pipefail
DURATION=${1:-10}
RATE=${2:-5000}
CONC=8192
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ "$(id -u)" = 0 ] || { echo "firewall-compare.sh needs root (network namespaces, nftables)" >&2; exit 1; }
. "$ROOT/rampart-lab/bench/lib.sh"
[ "$(nproc)" -ge 2 ] || { echo "needs two cores (the gateway's CPU apart from the flood's)" >&2; exit 1; }
command -v nft >/dev/null || { apt-get update -qq >/dev/null && apt-get install -y -qq nftables libnftables1 >/dev/null; }

GW=rbgw$$; CL=rbcl$$; VG=vbg$$; VC=vbc$$
GWA=10.203.0.1; BYSTANDER=10.203.0.2
ORIGIN=18501; PORT=8000; ADMIN=9090
ns_cleanup() { ip netns del "$GW" 2>/dev/null || true; ip netns del "$CL" 2>/dev/null || true; }
trap 'bench_cleanup; ns_cleanup' EXIT INT TERM
ip netns add "$GW"; ip netns add "$CL"
ip link add "$VG" type veth peer name "$VC"
ip link set "$VG" netns "$GW"; ip link set "$VC" netns "$CL"
ip -n "$GW" link set lo up; ip -n "$CL" link set lo up
ip -n "$GW" addr add $GWA/16 dev "$VG"; ip -n "$CL" addr add $BYSTANDER/16 dev "$VC"
SOURCES=()
for i in $(seq 0 255); do echo "addr add 10.203.100.$i/16 dev $VC"; done > "$WORK/addrs"
for i in $(seq 0 255); do SOURCES+=("10.203.100.$i"); done
ip -n "$CL" -batch "$WORK/addrs"
ip -n "$GW" link set "$VG" up; ip -n "$CL" link set "$VC" up
ip netns exec "$GW" sh -c "echo 2 > /sys/class/net/$VG/queues/rx-0/rps_cpus"   # the gateway's receive path on CPU 1
ip netns exec "$CL" sh -c "echo 1 > /sys/class/net/$VC/queues/rx-0/rps_cpus"   # the flood's on CPU 0
INGW="ip netns exec $GW"; INCL="ip netns exec $CL"

cc -O2 -o "$WORK/connect-flood" "$ROOT/rampart-lab/bench/connect-flood.c"
flood() { # seconds -> "attempts answered refused timedout"
  $INCL taskset -c 0 "$WORK/connect-flood" $GWA $PORT "$1" "$CONC" 300 "${2:-$RATE}" "${SOURCES[@]}"
}
cpu1() { awk '$1 == "cpu1" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# the origin, in the gateway's namespace, on the flood's CPU
mkdir -p "$WORK/www" "$WORK/origin"; chmod 755 "$WORK/www"; echo ok > "$WORK/www/bench.html"; chmod 644 "$WORK/www/bench.html"
cat > "$WORK/origin/nginx.conf" <<NGX
worker_processes 1; pid $WORK/origin/nginx.pid; error_log $WORK/origin/error.log; daemon off;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$ORIGIN; root $WORK/www; } }
NGX
$INGW taskset -c 0 "$NGINX" -c "$WORK/origin/nginx.conf" & PIDS+=($!)

wait_gateway() { for _ in $(seq 300); do $INCL curl -s -o /dev/null -m 1 "http://$GWA:$PORT/bench.html" && return 0; sleep 0.1; done; echo "gateway did not come up; its log:" >&2; tail -5 "$WORK"/*.log >&2; return 1; }
stop() { kill "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }

rampart_config() { # extra YAML lines...
  printf '%s\n' "listeners: [{address: '$GWA:$PORT'}]" "admin: {address: '$GWA:$ADMIN'}" "accessLog: {path: '$WORK/access.log'}" "$@" \
    "sites: [{name: bench, hosts: ['*'], upstreams: ['http://127.0.0.1:$ORIGIN']}]" > "$WORK/rampart.yml"
}
start_rampart() {
  rm -rf "$WORK/data"
  $INGW taskset -c 1 java -Xms256m -Xmx512m ${RAMPART_JAVA_OPTS:-} -jar "$JAR" run --config "$WORK/rampart.yml" --data-dir "$WORK/data" > "$WORK/rampart.log" 2>&1 &
  GPID=$!; PIDS+=($GPID)
}

measure() { # label [rate] -> a result line; the gateway is $GPID
  echo "measuring: $1" >&2
  local r=${2:-$RATE}
  flood 3 "$r" > /dev/null   # warm-up (the JIT, nginx's and HAProxy's caches)
  sleep 1
  local i0 i1 c0 g0 out c1 g1 idle; i0=$(cpu1); sleep 5; i1=$(cpu1)   # CPU 1 idle with this gateway up, per 5 s
  c0=$(cpu1); g0=$(cpu_ticks "$GPID")
  out=$(flood "$DURATION" "$r"); c1=$(cpu1); g1=$(cpu_ticks "$GPID")
  read -r n ans ref tmo <<<"$out"
  idle=$(awk -v a="$i0" -v b="$i1" -v d="$DURATION" 'BEGIN {printf "%d", (b - a) * d / 5}')
  echo "$1|$n|$ans|$ref|$tmo|$(cpu_us_per_request $((c1 - c0)) "$n")|$(cpu_us_per_request $((c1 - c0 - idle)) "$n")|$(cpu_us_per_request $((g1 - g0)) "$n")"
}

results=()
# nginx: deny -> 403
mkdir -p "$WORK/n"
cat > "$WORK/n/nginx.conf" <<NGX
worker_processes 1; pid $WORK/n/nginx.pid; error_log $WORK/n/error.log crit; daemon off;
events { worker_connections 8192; }
http { access_log off; server { listen $GWA:$PORT; location / { deny 10.203.100.0/24; allow all; proxy_pass http://127.0.0.1:$ORIGIN; } } }
NGX
$INGW taskset -c 1 "$NGINX" -c "$WORK/n/nginx.conf" & GPID=$!; PIDS+=($GPID); wait_gateway
results+=("$(measure "nginx deny (403)")"); stop $GPID

{ echo "global"; echo "  nbthread 1"; echo "  maxconn 8000"; echo "defaults"; echo "  mode http"; echo "  timeout connect 3s"; echo "  timeout client 30s"; echo "  timeout server 30s"
  echo "frontend fe"; echo "  bind $GWA:$PORT"; echo "  tcp-request connection reject if { src 10.203.100.0/24 }"; echo "  default_backend be"
  echo "backend be"; echo "  server origin 127.0.0.1:$ORIGIN"; } > "$WORK/haproxy.cfg"
$INGW taskset -c 1 "$HAPROXY" -f "$WORK/haproxy.cfg" -db > "$WORK/haproxy.log" 2>&1 & GPID=$!; PIDS+=($GPID); wait_gateway
results+=("$(measure "HAProxy tcp-request connection reject")"); stop $GPID

rampart_config "deny: ['10.203.100.0/24']"
start_rampart; wait_gateway
results+=("$(measure "Rampart deny, user space (closed at accept)")"); stop $GPID

rampart_config "limits: {perClient: {rate: 1, burst: 1}, perPrefix: {rate: 1, burst: 1}}" "connections: {perPrefix: 20000, total: 20000}"
start_rampart; wait_gateway
results+=("$(measure "Rampart 429, user space")"); stop $GPID

rampart_config "deny: ['10.203.100.0/24']" "firewall: {enabled: true, hook: ingress, interfaces: [$VG], table: rampart_ingress}"
start_rampart; wait_gateway
results+=("$(measure "Rampart kernel drop (firewall, ingress hook)")")
results+=("$(measure "Rampart kernel drop (firewall, ingress hook) at 4x the rate" $((RATE * 4)))"); stop $GPID
$INGW nft delete table netdev rampart_ingress

rampart_config "deny: ['10.203.100.0/24']" "firewall: {enabled: true}"
start_rampart; wait_gateway
results+=("$(measure "Rampart kernel drop (firewall, prerouting hook)")")
results+=("$(measure "Rampart kernel drop (firewall, prerouting hook) at 4x the rate" $((RATE * 4)))")
KDROP=$($INCL curl -s "http://$GWA:$ADMIN/metrics" | awk '/^rampart_firewall_dropped_packets_total/ {s += $2} END {printf "%d", s}')

# decision -> element in the kernel, 50 operator denies through the API
TOKEN=$(cat "$WORK/data/admin-token")
lat=()
for i in $(seq 1 50); do
  a="10.203.200.$i"
  t0=$(date +%s%N)
  $INCL curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" -d "{\"cidr\": \"$a\"}" "http://$GWA:$ADMIN/api/lists/deny"
  for _ in $(seq 500); do $INGW nft list set inet rampart addr4 | grep -q "$a " && break; sleep 0.005; done
  t1=$(date +%s%N); lat+=($(( (t1 - t0) / 1000000 )))
done
DEC=$(printf '%s\n' "${lat[@]}" | sort -n | awk '{v[NR]=$1} END {printf "p50 %d ms, p99 %d ms, max %d ms (n=%d)", v[int(NR*0.5+0.5)], v[int(NR*0.99+0.5)], v[NR], NR}')
stop $GPID

# a bystander's latency: no set vs 100,000 sources in it with the flood being dropped (its own
# limits raised so that it measures the path, not the 429 page; every defence stays on)
OPEN="limits: {perClient: {rate: 1000000, burst: 1000000}, perPrefix: {rate: 1000000, burst: 1000000}}"
bystander() { $INCL taskset -c 0 wrk -t1 -c1 -d"${1}s" --latency "http://$GWA:$PORT/bench.html" | awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print p50 " / " p99}'; }
python3 - "$WORK/deny.yml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("deny:\n  - '10.203.100.0/24'\n")
    for i in range(100000):
        f.write("  - '10.%d.%d.%d'\n" % (60 + i // 65536, (i // 256) % 256, i % 256))
PY
rampart_config "$OPEN" "$(cat "$WORK/deny.yml")"
start_rampart; wait_gateway; sleep 2
B0=$(bystander 8); stop $GPID
rampart_config "$OPEN" "$(cat "$WORK/deny.yml")" "firewall: {enabled: true}"
start_rampart; wait_gateway
for _ in $(seq 300); do grep -q 'made at the' "$WORK/rampart.log" && break; sleep 0.1; done
PUSH=$(grep -o 'made at the [a-z]* hook.*' "$WORK/rampart.log" | head -1 || true)
sleep 2
B1=$(bystander 8)
flood $((DURATION + 4)) $((RATE * 4)) > /dev/null &
FPID=$!; sleep 2
B2=$(bystander 8); wait $FPID || true; stop $GPID

echo
echo "refused connection attempts: connect-flood from 256 sources, $RATE attempts/s offered, ${DURATION}s, gateway and its receive path on CPU 1, $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id), kernel $(uname -r)"
echo
echo "| gateway | attempts/s | answered | closed/reset | dropped (no SYN-ACK) | CPU 1 µs/attempt | CPU 1 µs/attempt above idle | gateway process µs/attempt |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r l n ans ref tmo cpu marg gcpu <<<"$r"
  echo "| $l | $(awk -v n="$n" -v d="$DURATION" 'BEGIN {printf "%.0f", n/d}') | $ans | $ref | $tmo | $cpu | $marg | $gcpu |"
done
ud=$(printf '%s\n' "${results[@]}" | awk -F'|' '/Rampart deny, user/ {print $7}')
u4=$(printf '%s\n' "${results[@]}" | awk -F'|' '/Rampart 429/ {print $7}')
kd=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1 ~ /prerouting hook\)$/ {print $7}')
ki=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1 ~ /ingress hook\)$/ {print $7}')
echo
kd4=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1 ~ /prerouting hook\) at 4x/ {print $7}')
ki4=$(printf '%s\n' "${results[@]}" | awk -F'|' '$1 ~ /ingress hook\) at 4x/ {print $7}')
echo "at $((RATE * 4)) attempts/s (more than Rampart's user-space refusal can sustain on one core), the kernel drop vs the user-space figures above: prerouting $(awk -v a="$ud" -v b="$kd4" 'BEGIN {printf "%.1f", a/b}')x cheaper than the deny at accept and $(awk -v a="$u4" -v b="$kd4" 'BEGIN {printf "%.1f", a/b}')x than the 429; ingress $(awk -v a="$ud" -v b="$ki4" 'BEGIN {printf "%.1f", a/b}')x and $(awk -v a="$u4" -v b="$ki4" 'BEGIN {printf "%.1f", a/b}')x"
echo "at the same $RATE attempts/s, kernel drop vs user space, CPU 1 per attempt above idle: prerouting $(awk -v a="$ud" -v b="$kd" 'BEGIN {printf "%.1f", a/b}')x cheaper than Rampart's deny at accept and $(awk -v a="$u4" -v b="$kd" 'BEGIN {printf "%.1f", a/b}')x than its 429; ingress $(awk -v a="$ud" -v b="$ki" 'BEGIN {printf "%.1f", a/b}')x and $(awk -v a="$u4" -v b="$ki" 'BEGIN {printf "%.1f", a/b}')x"
echo "packets the kernel dropped (rampart_firewall_dropped_packets_total): $KDROP"
echo "operator deny -> element in the kernel (API call to nft listing it): $DEC"
echo "first transaction: $PUSH"
echo "bystander p50 / p99 (wrk -c1 on CPU 0, one connection kept alive; the same 100,001-entry deny list each time): firewall off $B0; firewall on, 100,001 elements in the kernel $B1; the same while a $((RATE * 4))/s flood is dropped (sharing CPU 0 with wrk) $B2"
