#!/usr/bin/python3
"""HTTP/2 conformance cases in the manner of h2spec, against a server on loopback, for Rampart's tests.

Usage: h2conformance.py [--tls] HOST PORT [CASE ...]
(--tls: HTTP/2 over TLS, negotiated with ALPN, certificate not verified; else h2c prior knowledge)
Prints one JSON line per case: {"case", "section", "ok", "got"}. A case sends raw frames built
by hand (hyperframe and hpack only where they allow the malformed input) and checks the answer
RFC 9113 and RFC 7541 require:

  connection error X  -> GOAWAY with X, or the connection closed
  stream error X      -> RST_STREAM with X on that stream, or a connection error X
  ignored             -> the connection still answers a PING
  answered            -> a HEADERS frame comes back on the stream

Each case uses its own connection, so one case's error cannot fail the next. Sends only to
127.0.0.0/8; every wait is bounded.
"""
import json
import socket
import ssl
import struct
import sys
import time

from hpack import Encoder

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20
ERRORS = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 4: "SETTINGS_TIMEOUT",
          5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR", 7: "REFUSED_STREAM", 8: "CANCEL", 9: "COMPRESSION_ERROR",
          10: "CONNECT_ERROR", 11: "ENHANCE_YOUR_CALM", 12: "INADEQUATE_SECURITY", 13: "HTTP_1_1_REQUIRED"}
WAIT = 2.0
TLS = None  # an SSLContext when --tls


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def settings(*pairs, ack=False):
    return frame(SETTINGS, ACK if ack else 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


class Conn:
    def __init__(self, host, port, preface=True):
        self.s = socket.create_connection((host, port), timeout=5)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if TLS is not None:
            self.s = TLS.wrap_socket(self.s, server_hostname="conformance.example")
            if self.s.selected_alpn_protocol() != "h2":
                raise OSError("ALPN did not select h2: " + str(self.s.selected_alpn_protocol()))
        self.enc = Encoder()
        self.buf = b""
        self.frames = []
        self.closed = False  # the server closed or reset the connection (seen by a send or a read)
        self.drained = False  # everything the server sent has been read: a failed send does not mean that
        if preface:
            self.send(PREFACE + settings())
            self.until(lambda f: f[0] == SETTINGS and not f[1] & ACK, WAIT)

    def send(self, *chunks):
        try:
            self.s.sendall(b"".join(chunks))
        except OSError:
            self.closed = True

    def block(self, path="/echo", method="GET", extra=(), pseudo=None):
        fields = pseudo if pseudo is not None else [(":method", method), (":scheme", "http"),
                                                    (":authority", "conformance.example"), (":path", path)]
        return self.enc.encode(list(fields) + list(extra))

    def headers(self, stream, flags=END_HEADERS | END_STREAM, **kw):
        return frame(HEADERS, flags, stream, self.block(**kw))

    def read_frames(self, seconds):
        end = time.time() + seconds
        self.s.settimeout(0.05)
        while time.time() < end and not self.drained:
            try:
                data = self.s.recv(65536)
            except (socket.timeout, ssl.SSLWantReadError):
                return
            except OSError:
                self.closed = self.drained = True
                return
            if not data:
                self.closed = self.drained = True
                return
            self.buf += data
            while len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) < 9 + length:
                    break
                kind, flags = self.buf[3], self.buf[4]
                stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
                payload = self.buf[9:9 + length]
                self.buf = self.buf[9 + length:]
                self.frames.append((kind, flags, stream, payload))
                if kind == SETTINGS and not flags & ACK:
                    self.send(settings(ack=True))

    def until(self, predicate, seconds):
        """Waits for a frame matching predicate (or a close); returns it, or None."""
        end = time.time() + seconds
        seen = 0
        while time.time() < end:
            while seen < len(self.frames):
                f = self.frames[seen]
                seen += 1
                if predicate(f):
                    return f
            if self.drained:
                return None
            self.read_frames(0.1)
        return None

    def goaway(self):
        for f in self.frames:
            if f[0] == GOAWAY and len(f[3]) >= 8:
                code = ERRORS.get(int.from_bytes(f[3][4:8], "big"), "?")
                if code != "NO_ERROR":
                    return code
        return None

    def reset(self, stream):
        for f in self.frames:
            if f[0] == RST_STREAM and f[2] == stream and len(f[3]) == 4:
                return ERRORS.get(int.from_bytes(f[3], "big"), "?")
        return None


def connection_error(c, *codes):
    c.until(lambda f: f[0] == GOAWAY and f[3][4:8] != b"\0\0\0\0", WAIT)
    got = c.goaway()
    if got in codes:
        return True, "GOAWAY " + got
    if got is None and c.closed:
        return True, "closed"
    if got is None:
        c.until(lambda f: False, 0.5)
        if c.closed:
            return True, "closed"
    return False, "GOAWAY " + str(got) if got else "nothing"


def undecodable(c, block):
    """Sends a request whose header block cannot be decoded; HPACK errors are connection errors."""
    c.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, block))
    return connection_error(c, "COMPRESSION_ERROR")


def stream_error(c, stream, *codes):
    c.until(lambda f: (f[0] == RST_STREAM and f[2] == stream) or (f[0] == GOAWAY and f[3][4:8] != b"\0\0\0\0"), WAIT)
    got = c.reset(stream)
    if got in codes:
        return True, "RST_STREAM " + got
    if got is not None:
        return False, "RST_STREAM " + got
    return connection_error(c, *codes)


def ignored(c):
    c.send(frame(PING, 0, 0, b"h2-check"))
    f = c.until(lambda f: f[0] == PING and f[1] & ACK and f[3] == b"h2-check", WAIT)
    if f is not None:
        return True, "PING answered"
    return False, "GOAWAY " + str(c.goaway()) if c.goaway() else ("closed" if c.closed else "no PING ACK")


def answered(c, stream):
    f = c.until(lambda f: (f[0] == HEADERS and f[2] == stream) or (f[0] == GOAWAY) or (f[0] == RST_STREAM and f[2] == stream), WAIT)
    if f is not None and f[0] == HEADERS:
        return True, "HEADERS"
    if f is not None and f[0] == RST_STREAM:
        return False, "RST_STREAM " + str(c.reset(stream))
    return False, "GOAWAY " + str(c.goaway()) if c.goaway() else ("closed" if c.closed else "no response")


CASES = []


def case(section, name):
    def register(fn):
        CASES.append((section, name, fn))
        return fn
    return register


# --- 3.4 / 4 Frames ------------------------------------------------------------------------------

@case("3.4", "invalid connection preface")
def _(c):
    c.send(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n" + settings())
    return connection_error(c, "PROTOCOL_ERROR")


@case("4.1", "frame of unknown type is ignored")
def _(c):
    c.send(frame(0x16, 0, 0, b"\0" * 8))
    return ignored(c)


@case("4.1", "undefined flags on PING are ignored")
def _(c):
    c.send(frame(PING, 0x16, 0, b"\0" * 8))
    return ignored(c)


@case("4.1", "reserved bit in the stream id is ignored")
def _(c):
    c.send(frame(PING, 0, 0x80000000, b"\0" * 8))
    return ignored(c)


@case("4.2", "DATA larger than SETTINGS_MAX_FRAME_SIZE")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, END_STREAM, 1, b"x" * 16385))
    return stream_error(c, 1, "FRAME_SIZE_ERROR")


@case("4.2", "HEADERS larger than SETTINGS_MAX_FRAME_SIZE")
def _(c):
    c.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, c.block(extra=[("x-big", "y" * 20000)])))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("4.3", "invalid header block fragment")
def _(c):
    return undecodable(c, b"\x00\x00\x00\x00\x00")


@case("4.3", "PRIORITY between HEADERS and CONTINUATION")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(PRIORITY, 0, 1, b"\0\0\0\0\x0f"),
           frame(CONTINUATION, END_HEADERS, 1, block[2:]))
    return connection_error(c, "PROTOCOL_ERROR")


# --- 5.1 Stream states ---------------------------------------------------------------------------

@case("5.1", "DATA on an idle stream")
def _(c):
    c.send(frame(DATA, END_STREAM, 1, b"x"))
    return connection_error(c, "PROTOCOL_ERROR", "STREAM_CLOSED")


@case("5.1", "RST_STREAM on an idle stream")
def _(c):
    c.send(frame(RST_STREAM, 0, 1, b"\0\0\0\x08"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("5.1", "WINDOW_UPDATE on an idle stream")
def _(c):
    c.send(frame(WINDOW_UPDATE, 0, 1, b"\0\0\0\x64"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("5.1", "CONTINUATION on an idle stream")
def _(c):
    c.send(frame(CONTINUATION, END_HEADERS, 1, c.block()))
    return connection_error(c, "PROTOCOL_ERROR")


@case("5.1", "DATA on a half-closed (remote) stream")
def _(c):
    c.send(c.headers(1, path="/slow?ms=500"), frame(DATA, END_STREAM, 1, b"x"))
    return stream_error(c, 1, "STREAM_CLOSED")


@case("5.1", "HEADERS on a half-closed (remote) stream")
def _(c):
    c.send(c.headers(1, path="/slow?ms=500"), c.headers(1))
    return stream_error(c, 1, "STREAM_CLOSED")


@case("5.1", "DATA on a stream closed by RST_STREAM")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(RST_STREAM, 0, 1, b"\0\0\0\x08"),
           frame(DATA, END_STREAM, 1, b"x"))
    return stream_error(c, 1, "STREAM_CLOSED")


@case("5.1.1", "even-numbered stream id from the client")
def _(c):
    c.send(c.headers(2))
    return connection_error(c, "PROTOCOL_ERROR")


@case("5.1.1", "stream id lower than one already used")
def _(c):
    c.send(c.headers(5))
    answered(c, 5)
    c.send(c.headers(3))
    return connection_error(c, "PROTOCOL_ERROR")


@case("5.1.2", "more streams than SETTINGS_MAX_CONCURRENT_STREAMS")
def _(c):
    limit = None
    for f in c.frames:
        if f[0] == SETTINGS and not f[1] & ACK:
            for i in range(0, len(f[3]), 6):
                k, v = struct.unpack(">HI", f[3][i:i + 6])
                if k == 3:
                    limit = v
    if limit is None or limit > 1000:
        return True, "no limit advertised"
    chunks = [c.headers(1 + 2 * i, flags=END_HEADERS, method="POST", path="/upload") for i in range(limit + 1)]
    c.send(*chunks)
    last = 1 + 2 * limit
    return stream_error(c, last, "PROTOCOL_ERROR", "REFUSED_STREAM")


@case("5.3.1", "stream depending on itself (HEADERS)")
def _(c):
    c.send(frame(HEADERS, END_HEADERS | END_STREAM | PRIORITY_FLAG, 1, b"\0\0\0\x01\x0f" + c.block()))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("5.3.1", "stream depending on itself (PRIORITY)")
def _(c):
    c.send(frame(PRIORITY, 0, 1, b"\0\0\0\x01\x0f"))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("5.5", "unknown extension frame inside a header block")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(0x16, 0, 1, b"\0" * 8),
           frame(CONTINUATION, END_HEADERS, 1, block[2:]))
    return connection_error(c, "PROTOCOL_ERROR")


# --- 6 Frame definitions -------------------------------------------------------------------------

@case("6.1", "DATA on stream 0")
def _(c):
    c.send(frame(DATA, END_STREAM, 0, b"x"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.1", "DATA with padding longer than the payload")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, END_STREAM | PADDED, 1, b"\x06xyz"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.2", "HEADERS on stream 0")
def _(c):
    c.send(frame(HEADERS, END_HEADERS | END_STREAM, 0, c.block()))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.2", "HEADERS with padding longer than the payload")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, bytes([len(block) + 1]) + block))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.2", "HEADERS without END_HEADERS followed by another frame")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block), frame(DATA, END_STREAM, 1, b"x"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.3", "PRIORITY on stream 0")
def _(c):
    c.send(frame(PRIORITY, 0, 0, b"\0\0\0\x01\x0f"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.3", "PRIORITY of the wrong length")
def _(c):
    c.send(frame(PRIORITY, 0, 1, b"\0\0\0\x03\x0f\x00"))
    return stream_error(c, 1, "FRAME_SIZE_ERROR")


@case("6.4", "RST_STREAM on stream 0")
def _(c):
    c.send(frame(RST_STREAM, 0, 0, b"\0\0\0\x08"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.4", "RST_STREAM of the wrong length")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(RST_STREAM, 0, 1, b"\0\0\0\0\x08"))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("6.5", "SETTINGS ACK with a payload")
def _(c):
    c.send(frame(SETTINGS, ACK, 0, b"\0\x03\0\0\0\x64"))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("6.5", "SETTINGS on a stream")
def _(c):
    c.send(frame(SETTINGS, 0, 1, b"\0\x03\0\0\0\x64"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.5", "SETTINGS of a length not a multiple of 6")
def _(c):
    c.send(frame(SETTINGS, 0, 0, b"\0\x03\0\0\0\x64\0"))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("6.5.2", "SETTINGS_ENABLE_PUSH other than 0 or 1")
def _(c):
    c.send(settings((2, 2)))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.5.2", "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1")
def _(c):
    c.send(settings((4, 2 ** 31)))
    return connection_error(c, "FLOW_CONTROL_ERROR")


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE below 16384")
def _(c):
    c.send(settings((5, 16383)))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.5.2", "SETTINGS_MAX_FRAME_SIZE above 2^24-1")
def _(c):
    c.send(settings((5, 2 ** 24)))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.5.2", "unknown setting is ignored")
def _(c):
    c.send(settings((0xFF, 1)))
    f = c.until(lambda f: f[0] == SETTINGS and f[1] & ACK, WAIT)
    return (True, "SETTINGS ACK") if f else (False, "no SETTINGS ACK")


@case("6.5.3", "SETTINGS are acknowledged")
def _(c):
    c.send(settings((3, 100), (4, 65535)))
    f = c.until(lambda f: f[0] == SETTINGS and f[1] & ACK, WAIT)
    return (True, "SETTINGS ACK") if f else (False, "no SETTINGS ACK")


@case("6.7", "PING is answered with the same data")
def _(c):
    return ignored(c)


@case("6.7", "PING with ACK is not answered")
def _(c):
    c.send(frame(PING, ACK, 0, b"unasked!"))
    f = c.until(lambda f: f[0] == PING and f[3] == b"unasked!", 1.0)
    if f is not None:
        return False, "answered an ACK"
    return ignored(c)


@case("6.7", "PING on a stream")
def _(c):
    c.send(frame(PING, 0, 1, b"\0" * 8))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.7", "PING of the wrong length")
def _(c):
    c.send(frame(PING, 0, 0, b"\0" * 6))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("6.8", "GOAWAY on a stream")
def _(c):
    c.send(frame(GOAWAY, 0, 1, b"\0\0\0\0\0\0\0\0"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.9", "WINDOW_UPDATE of 0 on the connection")
def _(c):
    c.send(frame(WINDOW_UPDATE, 0, 0, b"\0\0\0\0"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.9", "WINDOW_UPDATE of 0 on a stream")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(WINDOW_UPDATE, 0, 1, b"\0\0\0\0"))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("6.9", "WINDOW_UPDATE of the wrong length")
def _(c):
    c.send(frame(WINDOW_UPDATE, 0, 0, b"\0\0\0\x01\0"))
    return connection_error(c, "FRAME_SIZE_ERROR")


@case("6.9.1", "connection window above 2^31-1")
def _(c):
    c.send(frame(WINDOW_UPDATE, 0, 0, b"\x7f\xff\xff\xff"), frame(WINDOW_UPDATE, 0, 0, b"\x7f\xff\xff\xff"))
    return connection_error(c, "FLOW_CONTROL_ERROR")


@case("6.9.1", "stream window above 2^31-1")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(WINDOW_UPDATE, 0, 1, b"\x7f\xff\xff\xff"),
           frame(WINDOW_UPDATE, 0, 1, b"\x7f\xff\xff\xff"))
    return stream_error(c, 1, "FLOW_CONTROL_ERROR")


@case("6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE change that overflows a stream window")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(WINDOW_UPDATE, 0, 1, b"\x7f\xff\x00\x00"),
           settings((4, 2 ** 31 - 1)))
    return stream_error(c, 1, "FLOW_CONTROL_ERROR")


@case("6.10", "CONTINUATION after HEADERS with END_HEADERS")
def _(c):
    c.send(c.headers(1, path="/slow?ms=300"), frame(CONTINUATION, END_HEADERS, 1, c.block()))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.10", "CONTINUATION on stream 0")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(CONTINUATION, END_HEADERS, 0, block[2:]))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.10", "CONTINUATION on another stream")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(CONTINUATION, END_HEADERS, 3, block[2:]))
    return connection_error(c, "PROTOCOL_ERROR")


# --- 8 HTTP semantics ----------------------------------------------------------------------------

@case("8.1", "a GET is answered")
def _(c):
    c.send(c.headers(1))
    return answered(c, 1)


@case("8.1", "a POST with a body in DATA frames is answered")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST", extra=[("content-length", "6")]),
           frame(DATA, 0, 1, b"abc"), frame(DATA, END_STREAM, 1, b"def"))
    return answered(c, 1)


@case("8.1", "a request split over HEADERS and CONTINUATION is answered")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:3]), frame(CONTINUATION, 0, 1, block[3:6]),
           frame(CONTINUATION, END_HEADERS, 1, block[6:]))
    return answered(c, 1)


@case("8.1", "a request with trailers is answered")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS | END_STREAM, 1, c.enc.encode([("x-trailer", "yes")])))
    return answered(c, 1)


@case("8.1", "a second HEADERS without END_STREAM (trailers must end the stream)")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS, 1, c.enc.encode([("x-trailer", "yes")])))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.2.1", "upper-case header field name")
def _(c):
    c.send(c.headers(1, extra=[("X-Upper", "no")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3", "unknown pseudo-header")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "a"),
                                (":foo", "bar")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3", "response pseudo-header in a request")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "a"),
                                (":status", "200")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3", "pseudo-header in trailers")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, 0, 1, b"abc"),
           frame(HEADERS, END_HEADERS | END_STREAM, 1, c.enc.encode([(":method", "POST")])))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3", "pseudo-header after a regular header")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":authority", "a"), ("x-regular", "1"),
                                (":path", "/")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3", "duplicated pseudo-header")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/"),
                                (":path", "/")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.2.2", "connection-specific header field")
def _(c):
    c.send(c.headers(1, extra=[("connection", "keep-alive")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.2.2", "TE header other than trailers")
def _(c):
    c.send(c.headers(1, extra=[("te", "trailers, deflate")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3.1", "empty :path")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3.1", "absolute-form :path")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":authority", "conformance.example"),
                                (":path", "http://other.example/echo")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


def bad_value(c, value):
    """A request with a field value RFC 9113 8.2.1 forbids (a literal field, new name, no Huffman)."""
    c.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, c.block() + b"\x00\x03x-v" + bytes([len(value)]) + value))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.2.1", "field value containing CR")
def _(c):
    return bad_value(c, b"a\rb")


@case("8.2.1", "field value containing LF")
def _(c):
    return bad_value(c, b"a\nb")


@case("8.2.1", "field value containing NUL")
def _(c):
    return bad_value(c, b"a\x00b")


@case("8.3.1", "missing :method")
def _(c):
    c.send(c.headers(1, pseudo=[(":scheme", "http"), (":authority", "a"), (":path", "/")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3.1", "missing :scheme")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":authority", "a"), (":path", "/")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.3.1", "missing :path")
def _(c):
    c.send(c.headers(1, pseudo=[(":method", "GET"), (":scheme", "http"), (":authority", "a")]))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.1.1", "content-length larger than the DATA sent")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST", extra=[("content-length", "10")]),
           frame(DATA, END_STREAM, 1, b"abc"))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.1.1", "content-length smaller than the DATA sent")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST", extra=[("content-length", "2")]),
           frame(DATA, 0, 1, b"abc"), frame(DATA, END_STREAM, 1, b"def"))
    return stream_error(c, 1, "PROTOCOL_ERROR")


@case("8.4", "PUSH_PROMISE from a client")
def _(c):
    c.send(c.headers(1, path="/slow?ms=300"), frame(PUSH_PROMISE, END_HEADERS, 1, b"\0\0\0\x02" + c.block()))
    return connection_error(c, "PROTOCOL_ERROR")


# --- RFC 7541 HPACK ------------------------------------------------------------------------------

@case("hpack 2.3.3", "index 0 in the header block")
def _(c):
    return undecodable(c, b"\x80")


@case("hpack 2.3.3", "index beyond both tables")
def _(c):
    return undecodable(c, c.block() + b"\xff\x80\x01")


@case("hpack 4.2", "dynamic table size update above the limit")
def _(c):
    return undecodable(c, b"\x3f\xe1\xff\x03" + c.block())


@case("hpack 4.2", "dynamic table size update after a header field")
def _(c):
    return undecodable(c, c.block() + b"\x20")


@case("hpack 5.2", "Huffman string padded with more than 7 bits")
def _(c):
    # literal without indexing, new name "x-h", Huffman value of two bytes of all-ones padding
    return undecodable(c, c.block() + b"\x00\x03x-h\x82\xff\xff")

# --- Further cases in h2spec's sections: closed streams, flow control, error codes, valid forms --

def nth(c, predicate, n, seconds=WAIT):
    """Waits until n frames match predicate; returns the n-th, or None."""
    end = time.time() + seconds
    while time.time() < end:
        hits = [f for f in c.frames if predicate(f)]
        if len(hits) >= n:
            return hits[n - 1]
        if c.drained:
            return None
        c.read_frames(0.1)
    return None


def apply_settings(c, *pairs):
    """Sends SETTINGS and waits for the server to acknowledge them; False if it does not."""
    acked = lambda f: f[0] == SETTINGS and f[1] & ACK
    before = sum(1 for f in c.frames if acked(f))
    c.send(settings(*pairs))
    return nth(c, acked, before + 1) is not None


def first_data_under(c, *pairs):
    """With these SETTINGS applied, a GET's first DATA frame must carry exactly one octet."""
    if not apply_settings(c, *pairs):
        return False, "SETTINGS not acknowledged"
    c.send(c.headers(1))
    return data_length(c, 1, 1, 1)


def response_ended(c, stream):
    return c.until(lambda f: f[2] == stream and f[0] in (HEADERS, DATA) and f[1] & END_STREAM, WAIT) is not None


def data_length(c, stream, n, expected):
    """The n-th non-empty DATA frame on stream must carry exactly `expected` octets."""
    f = nth(c, lambda f: f[0] == DATA and f[2] == stream and len(f[3]) > 0, n)
    if f is None:
        return False, "GOAWAY " + str(c.goaway()) if c.goaway() else ("closed" if c.closed else "no DATA")
    return len(f[3]) == expected, "DATA of %d octets" % len(f[3])


def closed_without_error(c):
    c.until(lambda f: False, WAIT)
    if c.goaway():
        return False, "GOAWAY " + c.goaway()
    return (True, "closed") if c.closed else (False, "still open")


@case("4.2", "DATA of exactly SETTINGS_MAX_FRAME_SIZE is accepted")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST", path="/upload"), frame(DATA, END_STREAM, 1, b"x" * 16384))
    return answered(c, 1)


@case("5.1", "CONTINUATION on a half-closed (remote) stream")
def _(c):
    c.send(c.headers(1, path="/slow?ms=500"), frame(CONTINUATION, END_HEADERS, 1, c.enc.encode([("x-dummy", "1")])))
    return stream_error(c, 1, "STREAM_CLOSED", "PROTOCOL_ERROR")


@case("5.1", "HEADERS on a stream closed by RST_STREAM")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(RST_STREAM, 0, 1, b"\0\0\0\x08"), c.headers(1))
    return stream_error(c, 1, "STREAM_CLOSED")


@case("5.1", "CONTINUATION on a stream closed by RST_STREAM")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(RST_STREAM, 0, 1, b"\0\0\0\x08"),
           frame(CONTINUATION, END_HEADERS, 1, c.enc.encode([("x-dummy", "1")])))
    return stream_error(c, 1, "STREAM_CLOSED", "PROTOCOL_ERROR")


@case("5.1", "DATA on a stream closed by END_STREAM both ways")
def _(c):
    c.send(c.headers(1))
    if not response_ended(c, 1):
        return False, "no response"
    c.send(frame(DATA, END_STREAM, 1, b"x"))
    return connection_error(c, "STREAM_CLOSED")


@case("5.1", "HEADERS on a stream closed by END_STREAM both ways")
def _(c):
    c.send(c.headers(1))
    if not response_ended(c, 1):
        return False, "no response"
    c.send(c.headers(1))
    return connection_error(c, "STREAM_CLOSED")


@case("5.1", "CONTINUATION on a stream closed by END_STREAM both ways")
def _(c):
    c.send(c.headers(1))
    if not response_ended(c, 1):
        return False, "no response"
    c.send(frame(CONTINUATION, END_HEADERS, 1, c.enc.encode([("x-dummy", "1")])))
    return connection_error(c, "STREAM_CLOSED", "PROTOCOL_ERROR")


@case("5.1", "PRIORITY on an idle stream is accepted")
def _(c):
    c.send(frame(PRIORITY, 0, 1, b"\0\0\0\0\xff"))
    return ignored(c)


@case("5.1", "WINDOW_UPDATE on a half-closed (remote) stream is accepted")
def _(c):
    if not apply_settings(c, (4, 0)):
        return False, "SETTINGS not acknowledged"
    c.send(c.headers(1), frame(WINDOW_UPDATE, 0, 1, b"\0\0\0\x01"))
    return data_length(c, 1, 1, 1)


@case("5.1", "PRIORITY on a half-closed (remote) stream is accepted")
def _(c):
    if not apply_settings(c, (4, 0)):
        return False, "SETTINGS not acknowledged"
    c.send(c.headers(1), frame(PRIORITY, 0, 1, b"\0\0\0\0\xff"), frame(WINDOW_UPDATE, 0, 1, b"\0\0\0\x01"))
    return data_length(c, 1, 1, 1)


@case("5.1", "RST_STREAM on a half-closed (remote) stream is accepted")
def _(c):
    c.send(c.headers(1, path="/slow?ms=300"), frame(RST_STREAM, 0, 1, b"\0\0\0\x08"))
    return ignored(c)


@case("5.1", "PRIORITY on a closed stream is accepted")
def _(c):
    c.send(c.headers(1))
    if not response_ended(c, 1):
        return False, "no response"
    c.send(frame(PRIORITY, 0, 1, b"\0\0\0\0\xff"))
    return ignored(c)


@case("5.4.1", "a connection error is a GOAWAY, then the connection is closed")
def _(c):
    c.send(frame(PING, 0, 3, b"\0" * 8))
    ok, got = connection_error(c, "PROTOCOL_ERROR")
    if not ok or not got.startswith("GOAWAY"):
        return False, got
    c.until(lambda f: False, WAIT)
    return (True, got + ", closed") if c.closed else (False, got + ", left open")


@case("6.2", "HEADERS on another stream inside a header block")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block), frame(HEADERS, END_HEADERS | END_STREAM, 3, block))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.5.3", "of several SETTINGS_INITIAL_WINDOW_SIZE values, the last applies")
def _(c):
    return first_data_under(c, (4, 100), (4, 1))


@case("6.9.1", "an initial window of one octet bounds the first DATA to one octet")
def _(c):
    return first_data_under(c, (4, 1))


@case("6.9.2", "SETTINGS_INITIAL_WINDOW_SIZE raised after the request opens the window")
def _(c):
    if not apply_settings(c, (4, 0)):
        return False, "SETTINGS not acknowledged"
    c.send(c.headers(1))
    if nth(c, lambda f: f[0] == DATA and f[2] == 1 and len(f[3]) > 0, 1, 0.5) is not None:
        return False, "DATA sent into a closed window"
    c.send(settings((4, 1)))
    return data_length(c, 1, 1, 1)


@case("6.9.2", "a window made negative by SETTINGS is tracked")
def _(c):
    if not apply_settings(c, (4, 3)):
        return False, "SETTINGS not acknowledged"
    c.send(c.headers(1))
    ok, got = data_length(c, 1, 1, 3)
    if not ok:
        return False, "first " + got
    if not apply_settings(c, (4, 2)):
        return False, "second SETTINGS not acknowledged"
    c.send(frame(WINDOW_UPDATE, 0, 1, b"\0\0\0\x02"))  # window -1 + 2 = 1
    return data_length(c, 1, 2, 1)


@case("6.10", "CONTINUATION followed by another frame inside a header block")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(CONTINUATION, 0, 1, block[2:4]),
           frame(DATA, 0, 1, b"x"))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.10", "CONTINUATION after a CONTINUATION that ended the block")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_STREAM, 1, block[:2]), frame(CONTINUATION, END_HEADERS, 1, block[2:]),
           frame(CONTINUATION, END_HEADERS, 1, c.enc.encode([("x-dummy", "1")])))
    return connection_error(c, "PROTOCOL_ERROR")


@case("6.10", "CONTINUATION after DATA")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(DATA, 0, 1, b"x"),
           frame(CONTINUATION, END_HEADERS, 1, c.enc.encode([("x-dummy", "1")])))
    return connection_error(c, "PROTOCOL_ERROR")


@case("7", "GOAWAY with an unknown error code closes the connection quietly")
def _(c):
    c.send(frame(GOAWAY, 0, 0, b"\0\0\0\0\0\0\0\xff"))
    return closed_without_error(c)


@case("7", "RST_STREAM with an unknown error code is accepted")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST"), frame(RST_STREAM, 0, 1, b"\0\0\0\xff"))
    return ignored(c)


@case("6.8", "GOAWAY from the client closes the connection quietly")
def _(c):
    c.send(frame(GOAWAY, 0, 0, b"\0\0\0\0\0\0\0\0h2check"))
    return closed_without_error(c)


@case("8.1", "a HEAD is answered without a body")
def _(c):
    c.send(c.headers(1, method="HEAD"))
    ok, got = answered(c, 1)
    if not ok:
        return ok, got
    response_ended(c, 1)
    body = sum(len(f[3]) for f in c.frames if f[0] == DATA and f[2] == 1)
    return body == 0, "HEADERS and %d octets of body" % body


@case("8.1", "padded HEADERS with a priority are answered")
def _(c):
    block = c.block()
    c.send(frame(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIORITY_FLAG, 1,
                 b"\x04" + b"\0\0\0\0\x0f" + block + b"\0" * 4))
    return answered(c, 1)


@case("8.1", "padded DATA is answered")
def _(c):
    c.send(c.headers(1, flags=END_HEADERS, method="POST", path="/upload"),
           frame(DATA, PADDED, 1, b"\x03abc\0\0\0"), frame(DATA, END_STREAM | PADDED, 1, b"\x00def"))
    return answered(c, 1)


@case("8.1", "a header block in five-octet pieces over several CONTINUATION frames is answered")
def _(c):
    # (Rampart ends a connection whose header blocks come in more than 16 small CONTINUATION
    # frames: that is the CONTINUATION flood, tested in Http2AbuseTest)
    block = c.block(extra=[("x-filler", "f" * 20)])
    pieces = [block[i:i + 5] for i in range(0, len(block), 5)][:12]
    pieces[-1] = block[5 * (len(pieces) - 1):]
    chunks = [frame(HEADERS, END_STREAM, 1, pieces[0])]
    chunks += [frame(CONTINUATION, 0, 1, p) for p in pieces[1:-1]]
    chunks.append(frame(CONTINUATION, END_HEADERS, 1, pieces[-1]))
    c.send(*chunks)
    return answered(c, 1)


def duplicated(name):
    def run(c):
        pseudo = [(":method", "GET"), (":scheme", "http"), (":authority", "a"), (":path", "/")]
        pseudo.insert(1, next(p for p in pseudo if p[0] == name))
        c.send(c.headers(1, pseudo=pseudo))
        return stream_error(c, 1, "PROTOCOL_ERROR")
    return run


for _name in (":method", ":scheme"):
    case("8.3.1", "duplicated " + _name)(duplicated(_name))


def literal(index, value):
    """A literal field without indexing whose name is static-table entry `index` (RFC 7541 6.2.2)."""
    return bytes([index]) + bytes([len(value)]) + value


@case("hpack 6", "every field representation is decoded (indexed, literal with/without/never indexing, size update)")
def _(c):
    block = (b"\x20"                       # dynamic table size update to 0, then back to 4096
             + b"\x3f\xe1\x1f"
             + b"\x82"                     # indexed :method GET
             + b"\x86"                     # indexed :scheme http
             + literal(0x04, b"/echo")     # :path without indexing
             + b"\x41\x13conformance.example"  # :authority with incremental indexing
             + b"\x10\x08x-secret\x01s"    # never indexed, new name
             + b"\x40\x07x-index\x01i"     # incremental indexing, new name
             + b"\xbe")                    # indexed: the dynamic entry just added (62)
    c.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, block))
    return answered(c, 1)


@case("hpack 5.2", "Huffman string containing EOS")
def _(c):
    return undecodable(c, c.block() + b"\x00\x03x-h\x84\xff\xff\xff\xff")


@case("hpack 5.2", "Huffman padding that is not the most significant bits of EOS")
def _(c):
    # 'a' is 00011; the three padding bits must be 111, here they are 000
    return undecodable(c, c.block() + b"\x00\x03x-h\x81\x18")


def main():
    global TLS
    args = sys.argv[1:]
    if args and args[0] == "--tls":
        args = args[1:]
        TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        TLS.check_hostname = False
        TLS.verify_mode = ssl.CERT_NONE
        TLS.set_alpn_protocols(["h2"])
    host, port = args[0], int(args[1])
    if not host.startswith("127."):
        raise SystemExit("loopback only")
    wanted = set(args[2:])
    for section, name, fn in CASES:
        if wanted and name not in wanted and section not in wanted:
            continue
        try:
            c = Conn(host, port, preface=name != "invalid connection preface")
            ok, got = fn(c)
            c.s.close()
        except OSError as e:
            ok, got = False, "error " + str(e)
        print(json.dumps({"section": section, "case": name, "ok": ok, "got": got}), flush=True)


if __name__ == "__main__":
    main()
