#!/usr/bin/env python3
"""A proxy on a loopback port in front of an AWS emulator that misbehaves on
purpose, for the fault-injection suite (tests/faults.rs, scripts/faults.sh).

Python's standard library only. It forwards every request to the upstream
(moto) unchanged, except the requests of the one operation a fault is set
for, which get the fault instead, every time (so the client's retries meet
it too, as they would meet a persistent throttle or a broken middlebox).

    faultproxy.py --upstream http://127.0.0.1:5000 [--port 0]

prints `listening PORT` on its first line once it accepts connections.
Control (JSON, on the same port; AWS requests are `POST /`):

    POST   /__fault__  {"operation": "ec2:DescribeSubnets", "fault": "cut", "arg": 0.5}
    DELETE /__fault__  no fault any more
    GET    /__seen__   {"operations": {"ec2:DescribeSubnets": 1, ...}, "injected": N}
    POST   /__seen__   forget what was seen

Operations are named as IAM names them, `service:Action`: the service from
the SigV4 credential scope, the action from `X-Amz-Target` (JSON protocols)
or the form's `Action` (query protocols).

Faults:
    throttle   the protocol's own throttling error: EC2 503 RequestLimitExceeded,
               RDS/IAM/STS 400 Throttling (query XML), JSON 400 ThrottlingException
    reset      the connection is reset (RST) once the request is read
    error500   HTTP 500 with bytes that are no document of any kind
    empty      HTTP 200 with an empty body (Content-Length: 0)
    cut        the upstream's answer cut to `arg` (0..1) of its length, with a
               Content-Length that matches what is sent: framed correctly, so
               only the document itself says it is incomplete
    hang       the request is read and never answered (the connection is closed
               after --hang-seconds, long after any client timeout)
    denied     the service's access-denied error (EC2 UnauthorizedOperation,
               query AccessDenied, JSON AccessDeniedException)
    latency    the upstream's answer, `arg` seconds late
"""

import argparse
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("throttle", "reset", "error500", "empty", "cut", "hang", "denied", "latency")

# Bytes that parse as neither XML nor JSON, nor as UTF-8.
GARBAGE = bytes(range(0x80, 0x100)) * 4 + b"\x00<\x01{\x02"


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.fault = None  # (operation, fault, arg)
        self.seen = {}
        self.injected = 0


def operation_of(headers, body):
    """(iam-style operation, protocol) of an AWS request, or (None, None)."""
    auth = headers.get("Authorization", "")
    service = None
    marker = "Credential="
    if marker in auth:
        scope = auth.split(marker, 1)[1].split(",", 1)[0].split("/")
        if len(scope) >= 4:
            service = scope[3]
    target = headers.get("X-Amz-Target")
    if target:
        action = target.rsplit(".", 1)[-1]
        protocol = "json"
    else:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        action = (form.get("Action") or [None])[0]
        protocol = "query"
    if not service or not action:
        return None, None
    return f"{service}:{action}", protocol


def throttle_answer(operation, protocol):
    service = operation.split(":", 1)[0]
    if protocol == "json":
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
        return 400, "application/x-amz-json-1.1", body.encode()
    if service == "ec2":
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
            "<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
            "</Error></Errors><RequestID>faults-0001</RequestID></Response>"
        )
        return 503, "text/xml", body.encode()
    body = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        "<Message>Rate exceeded</Message></Error><RequestId>faults-0001</RequestId></ErrorResponse>"
    )
    return 400, "text/xml", body.encode()


def denied_answer(operation, protocol):
    service = operation.split(":", 1)[0]
    what = f"User: arn:aws:iam::123456789012:user/cloudgrade is not authorized to perform: {operation}"
    if protocol == "json":
        body = json.dumps({"__type": "AccessDeniedException", "message": what})
        return 400, "application/x-amz-json-1.1", body.encode()
    if service == "ec2":
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
            f"<Code>UnauthorizedOperation</Code><Message>{what}</Message>"
            "</Error></Errors><RequestID>faults-0002</RequestID></Response>"
        )
        return 403, "text/xml", body.encode()
    body = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        f"<Message>{what}</Message></Error><RequestId>faults-0002</RequestId></ErrorResponse>"
    )
    return 403, "text/xml", body.encode()


def make_handler(state, upstream, hang_seconds):
    up = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def send(self, status, headers, body):
            self.send_response_only(status)
            for k, v in headers:
                if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def control(self, body):
            if self.command == "POST" and self.path == "/__fault__":
                spec = json.loads(body or b"{}")
                if spec.get("fault") not in FAULTS:
                    return self.send(400, [], f"fault must be one of {FAULTS}".encode())
                with state.lock:
                    state.fault = (spec["operation"], spec["fault"], spec.get("arg"))
            elif self.command == "DELETE" and self.path == "/__fault__":
                with state.lock:
                    state.fault = None
            elif self.command == "GET" and self.path == "/__seen__":
                with state.lock:
                    out = {"operations": dict(state.seen), "injected": state.injected}
                return self.send(200, [("Content-Type", "application/json")], json.dumps(out).encode())
            elif self.command == "POST" and self.path == "/__seen__":
                with state.lock:
                    state.seen = {}
                    state.injected = 0
            else:
                return self.send(404, [], b"unknown control path")
            self.send(200, [], b"ok")

        def forward(self, body):
            conn = HTTPConnection(up.hostname, up.port, timeout=120)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = (resp.status, resp.getheaders(), data)
            conn.close()
            return out

        def reset(self):
            # SO_LINGER with a zero timeout makes close() send an RST.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.connection.close()
            self.close_connection = True

        def handle_any(self):
            body = self.read_body()
            if self.path.startswith("/__"):
                return self.control(body)
            op, protocol = operation_of(self.headers, body)
            fault = None
            with state.lock:
                if op:
                    state.seen[op] = state.seen.get(op, 0) + 1
                if op and state.fault and state.fault[0] == op:
                    fault = state.fault
                    state.injected += 1
            if fault is None:
                return self.send(*self.forward(body))
            _, kind, arg = fault
            if kind == "throttle":
                status, ctype, data = throttle_answer(op, protocol)
                return self.send(status, [("Content-Type", ctype)], data)
            if kind == "denied":
                status, ctype, data = denied_answer(op, protocol)
                return self.send(status, [("Content-Type", ctype)], data)
            if kind == "reset":
                return self.reset()
            if kind == "error500":
                return self.send(500, [("Content-Type", "application/octet-stream")], GARBAGE)
            if kind == "hang":
                deadline = time.monotonic() + hang_seconds
                while time.monotonic() < deadline:
                    time.sleep(0.2)
                return self.reset()
            if kind == "latency":
                time.sleep(float(arg or 1.0))
                return self.send(*self.forward(body))
            status, headers, data = self.forward(body)
            if kind == "empty":
                return self.send(status, headers, b"")
            if kind == "cut":
                keep = int(len(data) * float(arg if arg is not None else 0.5))
                return self.send(status, headers, data[:keep])
            raise AssertionError(kind)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--upstream", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--hang-seconds", type=float, default=300.0)
    a = p.parse_args()
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", a.port), make_handler(state, a.upstream, a.hang_seconds))
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
