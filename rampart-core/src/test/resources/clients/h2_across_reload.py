"""An HTTP/2 client (h2c, prior knowledge) that keeps one connection across a gateway reload.

Usage: h2_across_reload.py PORT HOST
Sends GET /first and prints {"first": STATUS}; then waits for a line on stdin (the test reloads the
gateway meanwhile), reads for up to a second what the server sent since, and prints
{"goaway": CODE or null, "closed": bool, "second": STATUS or null}: the second GET is sent on the
same connection only if the server neither said GOAWAY nor closed it.
"""
import json
import socket
import sys

import h2.config
import h2.connection
import h2.events


def main():
    port, host = int(sys.argv[1]), sys.argv[2]
    s = socket.create_connection(("127.0.0.1", port))
    c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    c.initiate_connection()
    s.sendall(c.data_to_send())
    state = {"goaway": None, "closed": False}

    def pump(until, seconds):
        s.settimeout(seconds)
        while True:
            try:
                data = s.recv(65535)
            except socket.timeout:
                return None
            except OSError:
                state["closed"] = True
                return None
            if not data:
                state["closed"] = True
                return None
            for e in c.receive_data(data):
                if isinstance(e, h2.events.ConnectionTerminated):
                    state["goaway"] = e.error_code
                found = until(e)
                if found is not None:
                    return found
            pending = c.data_to_send()
            if pending:
                s.sendall(pending)

    def get(path):
        sid = c.get_next_available_stream_id()
        c.send_headers(sid, [(":method", "GET"), (":scheme", "http"), (":authority", host), (":path", path)],
                       end_stream=True)
        s.sendall(c.data_to_send())
        status = {}

        def done(e):
            if isinstance(e, h2.events.ResponseReceived) and e.stream_id == sid:
                status["code"] = int(dict(e.headers)[b":status"])
            if isinstance(e, h2.events.StreamEnded) and e.stream_id == sid:
                return status.get("code")
            return None
        return pump(done, 5)

    print(json.dumps({"first": get("/first")}), flush=True)
    sys.stdin.readline()
    pump(lambda e: None, 1.0)
    second = None
    if state["goaway"] is None and not state["closed"]:
        second = get("/second")
    print(json.dumps({"goaway": state["goaway"], "closed": state["closed"], "second": second}), flush=True)


if __name__ == "__main__":
    main()
