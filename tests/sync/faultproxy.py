#!/usr/bin/env python3
"""faultproxy: a fault-injecting HTTP proxy for noron's sync tests.

Standard library only. Listens on 127.0.0.1 (a free port unless --port is
given), prints "PORT <n>" as its first stdout line, and forwards every request
to UPSTREAM (an http:// URL, optionally with a path prefix) in a MODE.

    faultproxy.py [--mode SPEC] [--control FILE] [--port N] UPSTREAM
    faultproxy.py --check SPEC          # exit 0 if SPEC is valid, 2 if not

SPEC is one line: "MODE [REGEX [N]]".
  MODE   one of the names below.
  REGEX  re.search()ed against the method, a space and the request target
         (path and query, as sent by the client: "PUT /db/_local/x"); the
         mode applies only to matching requests, the others pass. Use "."
         to match everything when giving N, "^PUT.*_local" for one method.
  N      apply the mode only to the first N matching requests, then pass.
Before each request the proxy re-reads the first line of the control file (if
given and not empty; otherwise --mode, default "pass"). Writing the file again
(a new inode or mtime, as proxy.sh's atomic rename does) restarts the count.

Modes
  pass             forward unchanged (method, path, query, headers with Host
                   rewritten, body); the response is relayed with its status,
                   headers (hop-by-hop ones dropped) and body.
  refuse           read the request, then close the connection with no response.
  500              500 {"error":"unknown_error",...}; not forwarded.
  503-retry-after  (alias 503) 503 with "Retry-After: 1"; not forwarded.
  429              429 with "Retry-After: 1"; not forwarded.
  401              401 {"error":"unauthorized","reason":"Name or password is incorrect."}
  403              403 {"error":"forbidden",...}; not forwarded.
  409              409 {"error":"conflict",...} (a document written meanwhile);
                   not forwarded.
  reset-mid-body   forwarded; status line, headers with the real
                   Content-Length and half the body, then a TCP reset
                   (SO_LINGER 0).
  truncated-json   forwarded; the body is cut in half, Content-Length matches
                   the cut body.
  malformed-json   forwarded (the upstream may have acted, e.g. stored a push);
                   the answer is replaced by status 200 and the body
                   '{"results": [ {"seq": ' followed by garbage.
  wrong-shape      forwarded (upstream may have acted); status kept, the body
                   replaced by valid JSON of another shape: {"rows": 5} for
                   _changes and most paths, [1,2,3] for _bulk_docs,
                   {"results": "none"} for _bulk_get, [] for GET /{db}.
  slow-body        forwarded; headers at once, then the body 1 byte per 0.2 s
                   (gives up after SLOW_MAX_SECONDS or when the client leaves).
  oversized        not forwarded; 200, chunked, a _changes-shaped JSON body of
                   OVERSIZED_BYTES (200 MB) streamed until done or until the
                   client hangs up.
  opaque-seq       forwarded; integer seq/last_seq in _changes answers (and
                   update_seq in GET /{db}) become strings "N-g1AAAAopaque".
In every mode, a query parameter since=N-g1AAAAopaque (made by opaque-seq) is
rewritten back to since=N on the way up, so that a checkpoint taken in
opaque-seq mode still means the same thing after switching back to pass.

One line per request is logged to stderr: method, path (query values of
password-like parameters redacted), the mode applied, the outcome and the
size of the request's body when it has one. Headers are never logged. SIGTERM/SIGINT stop the proxy.
"""

import argparse
import http.client
import http.server
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse

MODES = {
    "pass", "refuse", "500", "503-retry-after", "429", "401", "403", "409",
    "reset-mid-body", "truncated-json", "malformed-json", "wrong-shape",
    "slow-body", "oversized", "opaque-seq",
}
ALIASES = {"503": "503-retry-after", "503-retry": "503-retry-after"}

OPAQUE_SUFFIX = "-g1AAAAopaque"
OVERSIZED_BYTES = int(os.environ.get("FAULTPROXY_OVERSIZED_BYTES", 200 * 1000 * 1000))
SLOW_DELAY = float(os.environ.get("FAULTPROXY_SLOW_DELAY", 0.2))
SLOW_MAX_SECONDS = float(os.environ.get("FAULTPROXY_SLOW_MAX_SECONDS", 600))
UPSTREAM_TIMEOUT = 120
MAX_REQUEST_BODY = 256 * 1024 * 1024

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade", "expect",
    "proxy-connection", "content-length", "host",
}

STATUS_BODIES = {
    "500": (500, {"error": "unknown_error",
                  "reason": "faultproxy: injected internal server error"}, False),
    "503-retry-after": (503, {"error": "service_unavailable",
                              "reason": "faultproxy: injected 503, retry later"}, True),
    "429": (429, {"error": "too_many_requests",
                  "reason": "You've exceeded your rate limit allowance. Please try again later."}, True),
    "401": (401, {"error": "unauthorized",
                  "reason": "Name or password is incorrect."}, False),
    "409": (409, {"error": "conflict", "reason": "Document update conflict."}, False),
    "403": (403, {"error": "forbidden",
                  "reason": "faultproxy: you are not allowed to access this db."}, False),
}

SECRET_PARAM = re.compile(r"(?i)(pass|pwd|secret|token|auth|api_?key)")


class SpecError(ValueError):
    pass


class UpstreamError(Exception):
    pass


def parse_spec(line):
    """'MODE [REGEX [N]]' -> (mode, compiled regex or None, count or None)."""
    words = line.split()
    if not words:
        return ("pass", None, None)
    if len(words) > 3:
        raise SpecError("too many words in mode spec %r (MODE [REGEX [N]])" % line)
    mode = ALIASES.get(words[0], words[0])
    if mode not in MODES:
        raise SpecError("unknown mode %r (known: %s)" % (words[0], ", ".join(sorted(MODES))))
    regex = None
    if len(words) >= 2:
        try:
            regex = re.compile(words[1])
        except re.error as e:
            raise SpecError("bad regex %r: %s" % (words[1], e))
    count = None
    if len(words) == 3:
        if not words[2].isdigit():
            raise SpecError("count %r is not a number" % words[2])
        count = int(words[2])
    return (mode, regex, count)


def redact_target(target):
    """The request target for the log, with password-like query values hidden."""
    path, sep, query = target.partition("?")
    if not sep:
        return path
    parts = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        if eq and SECRET_PARAM.search(urllib.parse.unquote(name)):
            parts.append(name + "=REDACTED")
        else:
            parts.append(item)
    return path + "?" + "&".join(parts)


class ModeState:
    """Reads the control file before each request; counts matches of a spec."""

    def __init__(self, default_spec, control):
        self.default_spec = default_spec
        self.control = control
        self.lock = threading.Lock()
        self.key = None
        self.spec = parse_spec(default_spec)
        self.used = 0

    def _read(self):
        if not self.control:
            return (None, self.default_spec)
        try:
            st = os.stat(self.control)
            with open(self.control, "r", encoding="utf-8", errors="replace") as f:
                line = f.readline().strip()
        except FileNotFoundError:
            return (None, self.default_spec)
        if not line:
            return (None, self.default_spec)
        return ((st.st_ino, st.st_mtime_ns, line), line)

    def choose(self, target):
        """-> (mode name, spec text); raises SpecError for a bad control file."""
        with self.lock:
            key, line = self._read()
            key = key or ("default", self.default_spec)
            if key != self.key:
                self.spec = parse_spec(line)
                self.key = key
                self.used = 0
            mode, regex, count = self.spec
            if mode == "pass":
                return ("pass", line)
            if regex is not None and not regex.search(target):
                return ("pass", line)
            if count is not None:
                if self.used >= count:
                    return ("pass", line)
                self.used += 1
            return (mode, line)


def opaque(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return "%d%s" % (value, OPAQUE_SUFFIX)
    return value


UNOPAQUE_SINCE = re.compile(r"(^|&)since=(\d+)" + re.escape(OPAQUE_SUFFIX) + r"(?=&|$)")


def unopaque_query(query):
    return UNOPAQUE_SINCE.sub(lambda m: "%ssince=%s" % (m.group(1), m.group(2)), query)


def wrong_shape_body(method, path):
    if path.endswith("/_bulk_docs"):
        return b"[1,2,3]"
    if path.endswith("/_bulk_get"):
        return b'{"results": "none"}'
    segs = [s for s in path.split("/") if s]
    if method == "GET" and len(segs) == 1 and not segs[0].startswith("_"):
        return b"[]"
    return b'{"rows": 5}'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    sys_version = ""
    timeout = 60  # idle keep-alive connections end after this

    # -- plumbing ----------------------------------------------------------

    def log_message(self, fmt, *args):  # silence the default access log
        pass

    def log_line(self, mode, outcome):
        sys.stderr.write("faultproxy: %s %s mode=%s %s\n" % (
            self.command, redact_target(self.path), mode, outcome))
        sys.stderr.flush()

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks, total = [], 0
            while True:
                size_line = self.rfile.readline(1024)
                if not size_line:
                    raise ConnectionError("client closed during chunked body")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > MAX_REQUEST_BODY:
                    raise ConnectionError("request body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BODY:
            raise ConnectionError("request body too large")
        return self.rfile.read(length) if length > 0 else b""

    def forward(self, body, mode):
        """Send the request upstream; -> (status, reason, [(h, v)], body bytes)."""
        up = self.server.upstream
        path, sep, query = self.path.partition("?")
        query = unopaque_query(query)
        target = up.path.rstrip("/") + path + (sep + query if sep else "")
        headers = {}
        for name, value in self.headers.items():
            if name.lower() in HOP_BY_HOP:
                continue
            if mode != "pass" and name.lower() == "accept-encoding":
                continue  # body-rewriting modes need an identity body
            headers[name] = value
        headers["Host"] = up.netloc
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        conn = http.client.HTTPConnection(up.hostname, up.port or 80, timeout=UPSTREAM_TIMEOUT)
        try:
            conn.request(self.command, target, body=body if body else None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            resp_headers = [(k, v) for k, v in resp.getheaders()
                            if k.lower() not in HOP_BY_HOP]
            length_header = resp.getheader("Content-Length")
            return resp.status, resp.reason, resp_headers, data, length_header
        finally:
            conn.close()

    def send_head(self, status, reason, headers, length=None, chunked=False):
        self.send_response_only(status, reason)
        for k, v in headers:
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def relay(self, status, reason, headers, data, head_length=None):
        self.send_head(status, reason, headers,
                       head_length if self.command == "HEAD" else len(data))
        if self.command != "HEAD" and data:
            self.wfile.write(data)

    def json_answer(self, status, obj, extra=()):
        data = json.dumps(obj).encode()
        headers = [("Content-Type", "application/json")] + list(extra)
        self.send_head(status, None, headers, len(data))
        if self.command != "HEAD":
            self.wfile.write(data)

    def hard_reset(self):
        """Close the client connection with a TCP RST."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.rfile.close()
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    # -- the modes ------------------------------------------------------------

    def handle_any(self):
        try:
            mode, spec = self.server.state.choose("%s %s" % (self.command, self.path))
        except SpecError as e:
            self.close_connection = True
            self.log_line("INVALID", "bad control file: %s" % e)
            self.json_answer(502, {"error": "faultproxy", "reason": "bad mode spec: %s" % e})
            return
        try:
            body = self.read_body()
        except (ValueError, ConnectionError) as e:
            self.close_connection = True
            self.log_line(mode, "bad request body: %s" % e)
            return
        try:
            outcome = self.apply(mode, body)
        except (BrokenPipeError, ConnectionResetError, socket.timeout) as e:
            self.close_connection = True
            outcome = "client gone (%s)" % e.__class__.__name__
        except OSError as e:
            self.close_connection = True
            outcome = "client socket error (%s)" % e.__class__.__name__
        except UpstreamError as e:
            self.close_connection = True
            outcome = "upstream error: %s" % e
            try:
                self.json_answer(502, {"error": "bad_gateway", "reason": "faultproxy: %s" % e})
            except OSError:
                pass
        if body:
            outcome += " (request body %d bytes)" % len(body)
        self.log_line(mode, outcome)

    def apply(self, mode, body):
        path = self.path.partition("?")[0]
        if mode == "refuse":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return "closed without response"
        if mode in STATUS_BODIES:
            status, obj, retry = STATUS_BODIES[mode]
            extra = [("Retry-After", "1")] if retry else []
            self.json_answer(status, obj, extra)
            return "answered %d" % status
        if mode == "oversized":
            return self.oversized()

        try:
            status, reason, headers, data, head_length = self.forward(body, mode)
        except (OSError, http.client.HTTPException) as e:
            raise UpstreamError("%s: %s" % (e.__class__.__name__, e))

        if mode == "pass":
            self.relay(status, reason, headers, data, head_length)
            return "%d %d bytes" % (status, len(data))
        if mode == "opaque-seq":
            data, changed = self.rewrite_seqs(path, data)
            self.relay(status, reason, headers, data, head_length)
            return "%d %d bytes, %d seqs made opaque" % (status, len(data), changed)
        if mode == "truncated-json":
            cut = data[: len(data) // 2]
            self.relay(status, reason, headers, cut)
            return "%d cut %d -> %d bytes" % (status, len(data), len(cut))
        if mode == "malformed-json":
            bad = b'{"results": [ {"seq": ' + b'#garbage\x00\xff<html>}}}]]"unterminated'
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-type", "etag")]
            headers.append(("Content-Type", "application/json"))
            self.relay(200, "OK", headers, bad)
            return "upstream %d, sent 200 with malformed body" % status
        if mode == "wrong-shape":
            shape = wrong_shape_body(self.command, path)
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-type", "etag")]
            headers.append(("Content-Type", "application/json"))
            self.relay(status, reason, headers, shape)
            return "%d body replaced by %s" % (status, shape.decode())
        if mode == "reset-mid-body":
            half = data[: len(data) // 2]
            self.send_head(status, reason, headers, len(data))
            if half:
                self.wfile.write(half)
            self.hard_reset()
            return "%d sent %d of %d bytes, then RST" % (status, len(half), len(data))
        if mode == "slow-body":
            self.send_head(status, reason, headers, len(data))
            if self.command == "HEAD":
                return "%d HEAD" % status
            start = time.monotonic()
            sent = 0
            for i in range(len(data)):
                if time.monotonic() - start > SLOW_MAX_SECONDS:
                    self.hard_reset()
                    return "%d slow body gave up after %d bytes" % (status, sent)
                self.wfile.write(data[i:i + 1])
                sent += 1
                if i + 1 < len(data):
                    time.sleep(SLOW_DELAY)
            return "%d %d bytes slowly in %.1f s" % (status, sent, time.monotonic() - start)
        raise AssertionError("unhandled mode " + mode)

    def rewrite_seqs(self, path, data):
        segs = [s for s in path.split("/") if s]
        is_changes = path.endswith("/_changes")
        is_dbinfo = len(segs) == 1 and not segs[0].startswith("_")
        if not (is_changes or is_dbinfo):
            return data, 0
        try:
            obj = json.loads(data)
        except ValueError:
            return data, 0
        if not isinstance(obj, dict):
            return data, 0
        changed = 0
        if is_changes:
            for row in obj.get("results") or []:
                if isinstance(row, dict) and "seq" in row:
                    new = opaque(row["seq"])
                    changed += new is not row["seq"]
                    row["seq"] = new
            if "last_seq" in obj:
                new = opaque(obj["last_seq"])
                changed += new is not obj["last_seq"]
                obj["last_seq"] = new
        elif self.command == "GET" and "update_seq" in obj:
            new = opaque(obj["update_seq"])
            changed += new is not obj["update_seq"]
            obj["update_seq"] = new
        return json.dumps(obj, separators=(",", ":")).encode(), changed

    def oversized(self):
        self.close_connection = True
        self.send_head(200, "OK", [("Content-Type", "application/json")], chunked=True)
        if self.command == "HEAD":
            return "HEAD"
        rev = "1-" + "0123456789abcdef" * 2
        head = b'{"results":['
        sent = 0
        seq = 0

        def chunk(payload):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))

        chunk(head)
        sent += len(head)
        while True:
            rows = []
            size = 0
            while size < 65536:
                seq += 1
                row = ('{"seq":%d,"id":"oversized-%d","changes":[{"rev":"%s"}],'
                       '"doc":{"_id":"oversized-%d","_rev":"%s","pad":"%s"}},'
                       % (seq, seq, rev, seq, rev, "x" * 200))
                rows.append(row)
                size += len(row)
            payload = "".join(rows).encode()
            if sent + len(payload) > OVERSIZED_BYTES:
                break
            chunk(payload)
            sent += len(payload)
        tail = ('{"seq":%d,"id":"oversized-end","changes":[{"rev":"%s"}]}],"last_seq":%d}'
                % (seq + 1, rev, seq + 1)).encode()
        chunk(tail)
        sent += len(tail)
        self.wfile.write(b"0\r\n\r\n")
        return "oversized body complete, %d bytes" % sent

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_COPY = do_OPTIONS = do_PATCH = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main(argv):
    ap = argparse.ArgumentParser(description="fault-injecting HTTP proxy for tests")
    ap.add_argument("--mode", default="pass", help='initial spec "MODE [REGEX [N]]"')
    ap.add_argument("--control", help="file whose first line, when not empty, is the spec")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    ap.add_argument("--check", metavar="SPEC", help="validate SPEC and exit")
    ap.add_argument("upstream", nargs="?", help="http://host:port[/prefix]")
    args = ap.parse_args(argv)

    if args.check is not None:
        try:
            parse_spec(args.check)
        except SpecError as e:
            print("faultproxy: %s" % e, file=sys.stderr)
            return 2
        return 0
    if not args.upstream:
        ap.error("UPSTREAM is required")
    up = urllib.parse.urlsplit(args.upstream)
    if up.scheme != "http" or not up.hostname:
        ap.error("UPSTREAM must be an http:// URL")
    if up.username or up.password:
        ap.error("UPSTREAM must not carry credentials; the client's Authorization is forwarded")
    try:
        parse_spec(args.mode)
    except SpecError as e:
        ap.error(str(e))

    server = Server(("127.0.0.1", args.port), Handler)
    server.upstream = up
    server.state = ModeState(args.mode, args.control)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    sys.stderr.write("faultproxy: listening on 127.0.0.1:%d, upstream %s://%s%s\n"
                     % (server.server_address[1], up.scheme, up.netloc, up.path))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stderr.write("faultproxy: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
