#!/usr/bin/env python3
"""Slowloris drill against a gateway on loopback, from many source addresses.

Opens N connections, each from its own 127.x.y.z address, sends an incomplete request head and
then one more header line every few seconds (never finishing). Meanwhile, a normal client on
another address asks for PATH every half second and the latency of each answer is printed.
At the end: how many attack connections the gateway cut off, and the normal client's worst
latency. Loopback only; bounded in connections and time; stops by itself.

    rampart-lab/bench/slowloris-drill.py --port 8000 [--connections 2000] [--seconds 30] [--path /]
"""
import argparse
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--connections", type=int, default=2000)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between trickled header lines")
    ap.add_argument("--path", default="/")
    args = ap.parse_args()
    if not args.host.startswith("127."):
        sys.exit("refusing: the target must be on loopback (127.0.0.0/8)")
    if args.connections > 20000 or args.seconds > 600:
        sys.exit("refusing: at most 20000 connections and 600 seconds")

    attackers = []
    refused = 0
    for i in range(args.connections):
        src = "127.10.%d.%d" % (i // 250, 1 + i % 250)
        s = socket.socket()
        s.settimeout(2)
        try:
            s.bind((src, 0))
            s.connect((args.host, args.port))
            s.sendall(b"GET %s HTTP/1.1\r\nHost: drill\r\nX-Slow-%d: 1\r\n" % (args.path.encode(), i))
            s.setblocking(False)
            attackers.append(s)
        except OSError:
            refused += 1
            s.close()
    print("opened %d slow connections from %d addresses (%d refused at once)"
          % (len(attackers), args.connections, refused), flush=True)

    worst = 0.0
    failures = 0
    next_trickle = time.time() + args.interval
    end = time.time() + args.seconds
    while time.time() < end:
        start = time.time()
        try:
            c = socket.create_connection((args.host, args.port), timeout=5, source_address=("127.11.0.1", 0))
            c.sendall(b"GET %s HTTP/1.1\r\nHost: drill\r\nConnection: close\r\n\r\n" % args.path.encode())
            status = c.recv(64).split(b" ")[1].decode()
            c.close()
            ms = (time.time() - start) * 1000
            worst = max(worst, ms)
            print("normal client: %s in %.1f ms" % (status, ms), flush=True)
        except (OSError, IndexError) as e:
            failures += 1
            print("normal client: FAILED (%s)" % e, flush=True)
        if time.time() >= next_trickle:
            for s in attackers:
                try:
                    s.send(b"X-More: 1\r\n")
                except OSError:
                    pass
            next_trickle = time.time() + args.interval
        time.sleep(0.5)

    cut = 0
    for s in attackers:
        try:
            s.recv(1)  # b"" = closed by the gateway; a byte = its 408 answer: cut off either way
            cut += 1
        except BlockingIOError:
            pass  # still open, nothing received: the gateway is still holding it
        except OSError:
            cut += 1
        s.close()
    print("attack connections closed or answered by the gateway: %d of %d" % (cut, len(attackers)))
    print("normal client: worst latency %.1f ms, %d failures" % (worst, failures))
    sys.exit(1 if failures or worst > 1000 else 0)


if __name__ == "__main__":
    main()
