#!/usr/bin/env bash
# HTTP/2 and TLS comparison on loopback, one run, same origin (nginx, ~1 KB file over HTTP/1.1):
#   h2load -> HAProxy h2c front   | h2load -> Rampart h2c listener      (prior knowledge)
#   h2load -> HAProxy TLS+h2      | h2load -> Rampart TLS+h2 (OpenSSL engine, then JDK engine)
#   openssl s_time (new TLS 1.3 sessions per second) -> HAProxy, Rampart (OpenSSL), Rampart (JDK)
# Prints Markdown tables with ratios to HAProxy. Installs nginx, haproxy, h2load if missing (root).
# Every process it starts is stopped at the end. Loopback only.
#
# Usage: rampart-lab/bench/h2-compare.sh [REQUESTS=200000] [CLIENTS=20] [STREAMS=10]
set -euo pipefail
REQUESTS=${1:-200000}
CLIENTS=${2:-20}
STREAMS=${3:-10}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/rampart-lab/bench/lib.sh"
command -v h2load >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }

ORIGIN=18201; HAP_H2C=18202; HAP_TLS=18203; R_H2C=18204; R_TLS=18205; RJ_TLS=18206

# a test CA and a certificate for bench.example (ECDSA P-256, PKCS#8)
( cd "$WORK" && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null \
  && openssl req -x509 -new -key ca.key -days 2 -subj /CN=bench-ca -out ca.pem 2>/dev/null \
  && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out site.key 2>/dev/null \
  && openssl req -new -key site.key -subj /CN=bench.example -out site.csr 2>/dev/null \
  && printf 'subjectAltName=DNS:bench.example\n' > ext \
  && openssl x509 -req -in site.csr -CA ca.pem -CAkey ca.key -set_serial 7 -days 2 -extfile ext -out site.pem 2>/dev/null \
  && cat site.pem site.key > haproxy.pem )

{ haproxy_head; cat <<HAP; } > "$WORK/haproxy.cfg"
  timeout http-request 10s
  option forwardfor
  http-reuse always
frontend h2c
  bind 127.0.0.1:$HAP_H2C proto h2
  default_backend be
frontend tls
  bind 127.0.0.1:$HAP_TLS ssl crt $WORK/haproxy.pem alpn h2,http/1.1 ssl-min-ver TLSv1.2
  default_backend be
backend be
  server origin 127.0.0.1:$ORIGIN
HAP

rampart_config() { # $1 engine
cat <<YML
listeners:
  - {address: '127.0.0.1:$R_H2C', h2c: true}
  - address: '127.0.0.1:$([ "$1" = jdk ] && echo $RJ_TLS || echo $R_TLS)'
    tls: {engine: $1, certificates: [{cert: '$WORK/site.pem', key: '$WORK/site.key'}]}
admin: {enabled: false}
accessLog: {path: off}
limits:
  perClient: {rate: 1000000, burst: 1000000}
  perPrefix: {rate: 1000000, burst: 1000000}
http2: {maxStreamsPerClient: 100000}
admission: {enabled: false}   # HAProxy has no adaptive admission: compare the proxies, not the policy
detection: {shadow: true}
sites: [{name: bench, hosts: ['*'], upstreams: ['http://127.0.0.1:$ORIGIN']}]
YML
}
rampart_config openssl > "$WORK/rampart.yml"
rampart_config jdk | sed "s/'127.0.0.1:$R_H2C', h2c: true/'127.0.0.1:18207', h2c: true/" > "$WORK/rampart-jdk.yml"

start_origin $ORIGIN
$ON_PROXY "$HAPROXY" -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HAP_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m -jar "$JAR" run --config "$WORK/rampart.yml" --data-dir "$WORK/data" >/dev/null 2>&1 & R_PID=$!; PIDS+=($!)
$ON_PROXY java -Xms512m -Xmx512m -jar "$JAR" run --config "$WORK/rampart-jdk.yml" --data-dir "$WORK/data-jdk" >/dev/null 2>&1 & RJ_PID=$!; PIDS+=($!)
wait_port $ORIGIN
for _ in $(seq 100); do
  curl -s -o /dev/null --http2-prior-knowledge "http://127.0.0.1:$R_H2C/bench.html" \
    && curl -sk -o /dev/null --resolve bench.example:$RJ_TLS:127.0.0.1 "https://bench.example:$RJ_TLS/bench.html" && break
  sleep 0.2
done

h2run() { # $1 label, $2 url, $3 pid -> label|req/s|mean ms|errors|cpu us/request
  # warm-up: the JVM compiles the HTTP/2 paths only after a few hundred thousand frames (measured:
  # ~3k req/s cold, ~7k after 25k requests, steady ~17k after 150k); the gateway runs for days,
  # so steady state is what counts. HAProxy gets the same runs.
  for _ in $(seq "${WARMUP_RUNS:-2}"); do
    $ON_LOAD h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" "$2" >/dev/null 2>&1
  done
  local before; before=$(cpu_ticks "$3")
  local out; out=$($ON_LOAD h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" "$2" 2>&1)
  local after; after=$(cpu_ticks "$3")
  local rps; rps=$(echo "$out" | awk '/^finished in/ {gsub(",","",$4); print $4}')
  local ok; ok=$(echo "$out" | awk '/^status codes:/ {gsub(",","",$3); print $3}')
  local mean; mean=$(echo "$out" | awk '/^time for request:/ {print $6}')
  local cpu; cpu=$(cpu_us_per_request $((after - before)) "$REQUESTS")
  echo "$1|$rps|$mean|$((REQUESTS - ok)) not 2xx|$cpu"
}

results=()
results+=("$(h2run "HAProxy h2c" "http://127.0.0.1:$HAP_H2C/bench.html" $HAP_PID)")
results+=("$(h2run "Rampart h2c" "http://127.0.0.1:$R_H2C/bench.html" $R_PID)")
results+=("$(h2run "HAProxy TLS h2" "https://127.0.0.1:$HAP_TLS/bench.html" $HAP_PID)")
results+=("$(h2run "Rampart TLS h2 (OpenSSL)" "https://127.0.0.1:$R_TLS/bench.html" $R_PID)")
results+=("$(h2run "Rampart TLS h2 (JDK)" "https://127.0.0.1:$RJ_TLS/bench.html" $RJ_PID)")

handshakes() { # $1 label, $2 port -> label|connections/s
  local out; out=$($ON_LOAD openssl s_time -connect 127.0.0.1:$2 -new -time 10 -tls1_3 2>&1 </dev/null || true)
  local total; total=$(echo "$out" | awk '/connections in .* real seconds/ {print $1}' | head -1)
  echo "$1|$(awk -v n="$total" 'BEGIN {printf "%.0f", n / 10}')|$total"
}
hs=()
hs+=("$(handshakes HAProxy $HAP_TLS)")
hs+=("$(handshakes "Rampart (OpenSSL)" $R_TLS)")
hs+=("$(handshakes "Rampart (JDK)" $RJ_TLS)")

echo
echo "h2load -n $REQUESTS -c $CLIENTS -m $STREAMS, ~1 KB file, origin over HTTP/1.1, $(nproc) cores ($MODE), $(date -u +%Y-%m-%dT%H:%MZ), commit $(commit_id)"
echo
echo "| target | requests/s | mean ms | CPU µs/request | req/s vs HAProxy (same transport) | CPU/request vs HAProxy | errors |"
echo "|---|---:|---:|---:|---:|---:|---|"
for r in "${results[@]}"; do
  IFS='|' read -r label rps mean errs cpu <<<"$r"
  case "$label" in *h2c*) ref="HAProxy h2c";; *) ref="HAProxy TLS h2";; esac
  ref_rps=$(printf '%s\n' "${results[@]}" | awk -F'|' -v l="$ref" '$1==l {print $2}')
  ref_cpu=$(printf '%s\n' "${results[@]}" | awk -F'|' -v l="$ref" '$1==l {print $5}')
  rr=$(awk -v a="$rps" -v b="$ref_rps" 'BEGIN {printf "%.2f", a/b}')
  cr=$(awk -v a="$cpu" -v b="$ref_cpu" 'BEGIN {printf "%.2f", a/b}')
  echo "| $label | $rps | $mean | $cpu | $rr | $cr | $errs |"
done
echo
echo "openssl s_time -new -tls1_3 -time 10 (a new full handshake per connection, one client process):"
echo
echo "| target | handshakes/s | connections in 10 s | vs HAProxy |"
echo "|---|---:|---:|---:|"
hap_hs=$(printf '%s\n' "${hs[@]}" | awk -F'|' '$1=="HAProxy" {print $3}')
for r in "${hs[@]}"; do
  IFS='|' read -r label rate total <<<"$r"
  echo "| $label | $rate | $total | $(awk -v a="$total" -v b="$hap_hs" 'BEGIN {if (b>0) printf "%.2f", a/b; else print "-"}') |"
done
