# Shared by the benchmark scripts: process bookkeeping, tools, pinning, the origin, CPU accounting.
# Source it after setting ROOT; it sets WORK, PIDS, NGINX, HAPROXY, JAR, ON_PROXY, ON_LOAD, TCK.

ulimit -n 65536 2>/dev/null || true
WORK="$(mktemp -d /tmp/rampart-bench.XXXXXX)"
chmod 755 "$WORK"   # nginx workers run as an unprivileged user
PIDS=()

bench_cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap bench_cleanup EXIT INT TERM

# nginx, HAProxy and wrk from Debian packages, installed if missing (needs root)
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} — install with: sudo apt-get install -y ${need[*]}" >&2; exit 1
  fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# With 2+ cores: the process under test alone on CPU 1, wrk and the origin on CPU 0 (PIN=0: off)
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  ON_PROXY="taskset -c 1"; ON_LOAD="taskset -c 0"; WORKERS=1; MODE="pinned: each proxy alone on CPU 1, wrk and origin on CPU 0"
else
  ON_PROXY=""; ON_LOAD=""; WORKERS=$(nproc); MODE="unpinned: everything shares $(nproc) cores"
fi

JAR="$ROOT/rampart-server/target/rampart.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -DskipTests -pl rampart-server -am package)

# start_origin PORT: nginx serving a ~1 KB static file at /bench.html, on the load CPU
start_origin() {
  mkdir -p "$WORK/www" "$WORK/origin"
  chmod 755 "$WORK/www"
  head -c 1024 /dev/zero | tr '\0' 'x' > "$WORK/www/bench.html"
  chmod 644 "$WORK/www/bench.html"
  cat > "$WORK/origin/nginx.conf" <<NGX
worker_processes 1;
pid $WORK/origin/nginx.pid;
error_log $WORK/origin/error.log;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$1; root $WORK/www; }
}
NGX
  $ON_LOAD "$NGINX" -c "$WORK/origin/nginx.conf" & ORIGIN_PID=$!; PIDS+=($!)
}

# haproxy_head: the global and defaults sections every HAProxy config here starts with
haproxy_head() {
  cat <<HAP
global
  nbthread $WORKERS
  maxconn 8000
defaults
  mode http
  timeout connect 3s
  timeout client 30s
  timeout server 30s
HAP
}

# haproxy_proxy_config PORT ORIGIN_PORT: HAProxy as a plain reverse proxy to the origin, as the
# proxy benchmarks configure it (keep-alive to the origin, X-Forwarded-For)
haproxy_proxy_config() {
  haproxy_head
  cat <<HAP
  timeout http-request 10s
  option forwardfor
  http-reuse always
frontend fe
  bind 127.0.0.1:$1
  default_backend be
backend be
  server origin 127.0.0.1:$2
HAP
}

# wait_port PORT: until /bench.html answers
wait_port() { for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$1/bench.html" && return 0; sleep 0.1; done; echo "port $1 did not come up" >&2; return 1; }

# cpu_ticks PID: user+system CPU (clock ticks) of a process and its children (nginx workers)
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
TCK=$(getconf CLK_TCK)

# cpu_us_per_request TICKS REQUESTS
cpu_us_per_request() { awk -v t="$1" -v hz="$TCK" -v n="$2" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}'; }

commit_id() { (cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null) || echo unknown; }

# rampart_bench_config PORT ORIGIN_PORT ACCESS_LOG: the configuration every proxy benchmark gives
# Rampart (limits out of the way, detection in shadow unless RAMPART_EXTRA_YAML sets it)
rampart_bench_config() {
cat <<YML
listeners: [{address: '127.0.0.1:$1'}]
admin: {enabled: false}
accessLog: {path: '$3'}
limits:
  perClient: {rate: 1000000, burst: 1000000}
  perPrefix: {rate: 1000000, burst: 1000000}
sites: [{name: bench, hosts: ['*'], upstreams: ['http://127.0.0.1:$2']}]
$(case "${RAMPART_EXTRA_YAML:-}" in *detection:*) ;; *) echo "detection: {shadow: true}";; esac)
${RAMPART_EXTRA_YAML:-}
YML
}

# median: of the numbers on standard input, one per line
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2}'; }
