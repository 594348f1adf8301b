#!/usr/bin/env python3
"""A loopback HTTP proxy between langsmith-preflight and moto's server, for
tests and the benchmark. Standard library only.

It forwards every request to the upstream (which must be on 127.0.0.1) and can:
  --delay-ms N      hold each request N ms before forwarding (a network round trip)
  --fault-rate F    answer a fraction F of requests with a throttling error or a
                    5xx instead of forwarding them; a request that was faulted once
                    is forwarded when retried, so a client that retries always
                    gets through (deterministic with --seed)
  --deny ACTION     answer ACTION (e.g. elasticloadbalancing:DescribeTargetHealth)
                    with AccessDenied in the service's own error format; repeatable
  --drop SERVICE    close every connection to SERVICE (e.g. eks) without an answer,
                    as for a region where the service is not offered; repeatable
  --answer ACTION=FILE
                    answer ACTION (e.g. eks:ListAddons) with HTTP 200 and FILE's
                    contents in the service's own protocol, instead of forwarding:
                    for what the emulator does not implement, so that the client's
                    real parsing of the AWS answer is tested; repeatable
  --log FILE        one JSON line per request: service, operation, IAM-style
                    action, method, path, start/end times, status, what was injected

It prints "PORT <n>" on stdout once it listens. Stop it by its process id.
"""

import argparse
import hashlib
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailers", "transfer-encoding", "upgrade", "content-length",
}

# REST operations (EKS, S3, Route53) by method and path.
REST = [
    ("eks", "GET", r"^/clusters/[^/]+$", "DescribeCluster"),
    ("eks", "GET", r"^/clusters/[^/]+/node-groups$", "ListNodegroups"),
    ("eks", "GET", r"^/clusters/[^/]+/node-groups/[^/]+$", "DescribeNodegroup"),
    ("eks", "GET", r"^/clusters/[^/]+/addons$", "ListAddons"),
    ("eks", "GET", r"^/clusters/[^/]+/addons/[^/]+$", "DescribeAddon"),
    ("eks", "GET", r"^/clusters/[^/]+/fargate-profiles$", "ListFargateProfiles"),
    ("eks", "GET", r"^/clusters/[^/]+/pod-identity-associations$", "ListPodIdentityAssociations"),
    ("eks", "GET", r"^/clusters$", "ListClusters"),
    ("route53", "GET", r"^/2013-04-01/hostedzone$", "ListHostedZones"),
    ("cloudfront", "GET", r"^/2020-05-31/distribution$", "ListDistributions"),
    ("route53", "GET", r"^/2013-04-01/hostedzone/[^/]+/rrset$", "ListResourceRecordSets"),
]
S3_QUERY = {
    "location": "GetBucketLocation",
    "publicAccessBlock": "GetPublicAccessBlock",
    "encryption": "GetBucketEncryption",
}


def service_of(headers):
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request",
                  headers.get("Authorization", ""))
    return m.group(1) if m else "unknown"


def operation_of(service, method, path, query, headers, body):
    target = headers.get("X-Amz-Target")
    if target:
        return "json", target.rsplit(".", 1)[-1]
    if method == "POST" and b"Action=" in body:
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
        return "query", action
    if service == "s3" and path.startswith("/v20180820/"):
        # S3 Control signs as s3 and answers errors wrapped, like the query
        # protocols. Named by its IAM action: its operation shares a name with S3's.
        if method == "GET" and path == "/v20180820/configuration/publicAccessBlock":
            return "rest-xml-wrapped", "GetAccountPublicAccessBlock"
        return "rest-xml-wrapped", f"{method} {path}"
    if service == "s3":
        for key, op in S3_QUERY.items():
            if key in query:
                return "rest-xml", op
        return "rest-xml", f"{method} {path}"
    for svc, m, pattern, op in REST:
        if svc == service and m == method and re.match(pattern, path):
            return ("rest-json" if svc == "eks" else "rest-xml"), op
    protocol = "rest-json" if service == "eks" else "rest-xml"
    return protocol, f"{method} {path}"


def error_response(protocol, service, code, message, status):
    """(status, headers, body) of an AWS error in the protocol the client parses."""
    rid = "00000000-0000-0000-0000-000000000000"
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": rid}, body
    if protocol == "rest-json":
        body = json.dumps({"message": message}).encode()
        return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code,
                        "x-amzn-RequestId": rid}, body
    if service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                f"</Error></Errors><RequestID>{rid}</RequestID></Response>").encode()
    elif service == "s3" and protocol == "rest-xml":
        body = (f"<Error><Code>{code}</Code><Message>{message}</Message>"
                f"<RequestId>{rid}</RequestId></Error>").encode()
    else:
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>").encode()
    return status, {"Content-Type": "text/xml"}, body


def throttling(protocol, service):
    if service == "ec2":
        return error_response(protocol, service, "RequestLimitExceeded", "Request limit exceeded.", 503)
    if service == "s3" and protocol == "rest-xml":
        return error_response(protocol, service, "SlowDown", "Please reduce your request rate.", 503)
    if protocol in ("json", "rest-json"):
        return error_response(protocol, service, "ThrottlingException", "Rate exceeded", 400)
    return error_response(protocol, service, "Throttling", "Rate exceeded", 400)


def denied(protocol, service, action):
    code = {"ec2": "UnauthorizedOperation", "s3": "AccessDenied"}.get(
        service, "AccessDeniedException" if protocol in ("json", "rest-json") else "AccessDenied")
    return error_response(protocol, service, code,
                          f"User is not authorized to perform: {action}", 403)


class State:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.faulted = set()
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.local = threading.local()
        self.answers = {}
        for a in args.answer:
            action, _, path = a.partition("=")
            with open(path, "rb") as f:
                self.answers[action] = f.read()

    def upstream(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            u = urllib.parse.urlsplit(self.args.upstream)
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
            self.local.conn = conn
        return conn

    def drop_upstream(self):
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
            self.local.conn = None

    def should_fault(self, signature):
        """Fault a request at most once, so that its retry goes through."""
        with self.lock:
            if signature in self.faulted or self.args.fault_rate <= 0:
                return None
            if self.rng.random() >= self.args.fault_rate:
                return None
            self.faulted.add(signature)
            return "throttle" if self.rng.random() < 0.5 else "5xx"

    def write(self, entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY, a response written in two parts waits for the
    # client's delayed ACK (~40 ms): a stall of the proxy's own making.
    disable_nagle_algorithm = True
    state = None

    def log_message(self, *args):
        pass

    def handle_any(self):
        st = self.state
        start = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urllib.parse.urlsplit(self.path)
        service = service_of(self.headers)
        protocol, op = operation_of(service, self.command, split.path, split.query,
                                    self.headers, body)
        action = f"{service}:{op}"
        signature = hashlib.sha256(
            f"{self.command} {self.path} {self.headers.get('X-Amz-Target', '')}".encode() + body
        ).hexdigest()
        if st.args.delay_ms:
            time.sleep(st.args.delay_ms / 1000.0)
        injected = None
        if service in st.args.drop:
            st.write({
                "service": service, "operation": op, "action": action, "protocol": protocol,
                "method": self.command, "path": split.path, "status": 0,
                "injected": "dropped", "start": start, "end": time.time(),
            })
            self.close_connection = True
            return
        if action in st.answers:
            injected = "answered"
            content_type = {"json": "application/x-amz-json-1.1",
                            "rest-json": "application/json"}.get(protocol, "text/xml")
            status, headers, payload = 200, {
                "Content-Type": content_type,
                "x-amzn-RequestId": "00000000-0000-0000-0000-000000000000",
            }, st.answers[action]
        elif action in st.args.deny:
            injected = "denied"
            status, headers, payload = denied(protocol, service, action)
        else:
            fault = st.should_fault(signature)
            if fault == "throttle":
                injected = "throttle"
                status, headers, payload = throttling(protocol, service)
            elif fault == "5xx":
                injected = "5xx"
                status, headers, payload = 503, {"Content-Type": "text/plain"}, b"Service Unavailable"
            else:
                status, headers, payload = self.forward(body)
        # Logged before the answer leaves: a client that has its answer can
        # rely on the log holding the request.
        st.write({
            "service": service, "operation": op, "action": action, "protocol": protocol,
            "method": self.command, "path": split.path, "status": status,
            "injected": injected, "start": start, "end": time.time(),
        })
        # Status line, headers and body in one write.
        self.send_response_only(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self._headers_buffer.append(b"\r\n")
        head = b"".join(self._headers_buffer)
        self._headers_buffer = []
        self.wfile.write(head + (payload if self.command != "HEAD" else b""))

    def forward(self, body):
        st = self.state
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body:
            headers["Content-Length"] = str(len(body))
        for attempt in range(2):
            conn = st.upstream()
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                out = {k: v for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP}
                if resp.getheader("Connection", "").lower() == "close":
                    st.drop_upstream()
                return resp.status, out, payload
            except (http.client.HTTPException, OSError):
                st.drop_upstream()
                if attempt == 1:
                    return 502, {"Content-Type": "text/plain"}, b"upstream failed"
        return 502, {}, b""

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: the tool opens a dozen or
    # more connections at once, and SYNs beyond the backlog are dropped and
    # retried by the client's TCP after a second — a stall of our own making.
    request_queue_size = 256
    daemon_threads = True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--delay-ms", type=float, default=0)
    p.add_argument("--fault-rate", type=float, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--deny", action="append", default=[])
    p.add_argument("--drop", action="append", default=[])
    p.add_argument("--answer", action="append", default=[])
    p.add_argument("--log")
    args = p.parse_args()
    host = urllib.parse.urlsplit(args.upstream).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"aws-proxy: the upstream must be on the loopback interface, not {host}")
    Handler.state = State(args)
    server = Server(("127.0.0.1", args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
