#!/usr/bin/env python3
"""Load helpers for cluster-compare.sh (loopback only).

  flood PORTS SOURCES SECONDS PROCESSES  -- keep-alive GETs from SOURCES distinct 127.x.y.z addresses, each with
                                           a connection to every port of PORTS (comma-separated), used in turn;
                                           prints "requests ok refused"
  propagate ADMIN_A ADMIN_B TOKEN_A TOKEN_B N -- N deny entries added on node A's API, each timed until node B's
                                           API lists it; prints the milliseconds, one per line
"""
import http.client, json, multiprocessing, socket, sys, time

def only_loopback(host):
    if not host.startswith("127."):
        raise SystemExit("loopback only: " + host)

def connect(src, port):
    s = socket.create_connection(("127.0.0.1", port), source_address=(src, 0))
    s.settimeout(5)
    return s

def flood_worker(args):
    ports, sources, seconds = args
    deadline = time.time() + seconds
    conns = []
    for src in sources:
        only_loopback(src)
        for port in ports:  # one keep-alive connection per node: each source's requests go to every node in turn
            conns.append([connect(src, port), b"", src, port])
    ok = refused = total = 0
    req = b"GET /bench.html HTTP/1.1\r\nHost: bench\r\nUser-Agent: cluster-load\r\n\r\n"
    while time.time() < deadline:
        for c in conns:
            s = c[0]
            try:
                s.sendall(req)
                buf = c[1]
                while b"\r\n\r\n" not in buf:
                    chunk = s.recv(65536)
                    if not chunk:
                        raise ConnectionError
                    buf += chunk
                head, rest = buf.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(rest) < length:
                    chunk = s.recv(65536)
                    if not chunk:
                        raise ConnectionError
                    rest += chunk
                c[1] = rest[length:]
                total += 1
                if head.startswith(b"HTTP/1.1 200"):
                    ok += 1
                else:
                    refused += 1
            except (OSError, ConnectionError, ValueError):
                total += 1
                refused += 1
                try:
                    s.close()
                except OSError:
                    pass
                c[1] = b""
                try:
                    c[0] = connect(c[2], c[3])  # closed on us (a refusal can close): the same source, the same node
                except OSError:
                    time.sleep(0.01)
            if time.time() >= deadline:
                break
    for c in conns:
        try:
            c[0].close()
        except OSError:
            pass
    return total, ok, refused

def flood(ports, n_sources, seconds, processes):
    ports = [int(p) for p in ports.split(",")]
    sources = ["127.%d.%d.%d" % (60 + i // 65025, (i // 255) % 255, i % 255 + 1) for i in range(int(n_sources))]
    per = [sources[i::int(processes)] for i in range(int(processes))]
    with multiprocessing.Pool(int(processes)) as pool:
        results = pool.map(flood_worker, [(ports, p, float(seconds)) for p in per])
    print(*[sum(r[i] for r in results) for i in range(3)])

def api(port, token, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    c.request(method, path, body=None if body is None else json.dumps(body),
              headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data

def propagate(admin_a, admin_b, token_a, token_b, n):
    for i in range(int(n)):
        cidr = "198.18.%d.0/24" % i
        t0 = time.perf_counter()
        status, _ = api(admin_a, token_a, "POST", "/api/lists/deny", {"cidr": cidr})
        if status != 201:
            raise SystemExit("POST /api/lists/deny answered %d" % status)
        while True:
            _, data = api(admin_b, token_b, "GET", "/api/lists")
            if cidr.encode() in data:
                break
        print("%.1f" % ((time.perf_counter() - t0) * 1000))
        api(admin_a, token_a, "DELETE", "/api/lists/deny?cidr=" + cidr.replace("/", "%2F"))

if __name__ == "__main__":
    {"flood": flood, "propagate": propagate}[sys.argv[1]](*sys.argv[2:])
