#!/usr/bin/env python3
"""fakecouch: a small CouchDB-like server for noron's transport tests.

Standard library only. Holds databases in memory and answers the requests
a sync round makes (GET /db, _local documents, _changes, _bulk_docs,
_bulk_get), enough for noron to complete rounds, and logs one line per
request to LOG so that a test can see how noron talked to it:

    port=CLIENTPORT host=HOST METHOD PATH auth=USER|- ae=ACCEPT-ENCODING

(the password is never logged). Paths may start with a prefix that changes
the answer, then the database path follows:

    /gz/...        the answer gzip-compressed when the client accepts gzip
    /r-same/...    302 to the same path without the prefix, on this host
    /r-other/...   302 to the same path on 127.0.0.2 (another host, same port)
    /r-loop/...    302 to itself, forever
    /r-ftp/...     302 to ftp://127.0.0.1/...
    /r-ext/...     302 to http://example.invalid/... (plain http elsewhere)

    fakecouch.py LOG PORTFILE [CERT KEY]

Listens on 127.0.0.1 and 127.0.0.2 at one free port (with CERT and KEY:
TLS, on 127.0.0.1 only) and writes the port to PORTFILE when ready.
SIGTERM stops it.
"""

import base64
import gzip
import http.server
import json
import os
import signal
import socket
import ssl
import sys
import threading
import urllib.parse

REDIRECTS = {
    "r-same": lambda rest, port: "/" + rest,
    "r-other": lambda rest, port: "http://127.0.0.2:%d/%s" % (port, rest),
    "r-loop": lambda rest, port: "/r-loop/" + rest,
    "r-ftp": lambda rest, port: "ftp://127.0.0.1/" + rest,
    "r-ext": lambda rest, port: "http://example.invalid/" + rest,
}


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.dbs = {}       # name -> {"docs": {id: doc}, "local": {id: doc}, "seq": n, "log": [(seq, id)]}

    def db(self, name, create=True):
        if name not in self.dbs and create:
            self.dbs[name] = {"docs": {}, "local": {}, "seq": 0, "log": []}
        return self.dbs.get(name)


STORE = Store()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakecouch"
    sys_version = ""
    timeout = 30

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        auth = self.headers.get("Authorization") or ""
        user = "-"
        if auth.startswith("Basic "):
            user = base64.b64decode(auth[6:]).decode("utf-8", "replace").split(":", 1)[0]
        with open(self.server.log_path, "a") as f:
            f.write("port=%d host=%s %s %s auth=%s ae=%s\n" % (
                self.client_address[1], self.headers.get("Host"), self.command, self.path,
                user, self.headers.get("Accept-Encoding") or "-"))

    def answer(self, code, obj, gz=False, extra=()):
        body = json.dumps(obj).encode()
        gz = gz and "gzip" in (self.headers.get("Accept-Encoding") or "")
        if gz:
            body = gzip.compress(body)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if gz:
            self.send_header("Content-Encoding", "gzip")
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        self.log_request_line()
        path, _, query = self.path.partition("?")
        segs = [urllib.parse.unquote(s) for s in path.split("/") if s]
        if segs and segs[0] in REDIRECTS:
            rest = self.path.split("/", 2)[2] if self.path.count("/") >= 2 else ""
            where = REDIRECTS[segs[0]](rest, self.server.server_address[1])
            return self.answer(302, {}, extra=[("Location", where)])
        gz = bool(segs) and segs[0] == "gz"
        if gz:
            segs = segs[1:]
        if not segs:
            return self.answer(200, {"couchdb": "Welcome", "version": "3.3.3"}, gz)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self.answer(400, {"error": "bad_request", "reason": "invalid json"})
        with STORE.lock:
            code, obj = self.route(segs, dict(urllib.parse.parse_qsl(query)), body)
        self.answer(code, obj, gz)

    def route(self, segs, q, body):
        db = STORE.db(segs[0])
        if len(segs) == 1:
            if self.command == "PUT":
                return 412, {"error": "file_exists", "reason": "The database could not be created."}
            return 200, {"db_name": segs[0], "update_seq": db["seq"], "doc_count": len(db["docs"])}
        if segs[1] == "_local" and len(segs) == 3:
            return self.local(db, segs[2], body)
        if segs[1] == "_changes":
            since = int(q.get("since", "0") or 0)
            rows = [{"seq": s, "id": i, "changes": [{"rev": db["docs"][i]["_rev"]}],
                     "doc": db["docs"][i]} for s, i in db["log"] if s > since]
            return 200, {"results": rows, "last_seq": db["seq"]}
        if segs[1] == "_bulk_docs":
            return 201, [self.save(db, d) for d in (body or {}).get("docs", [])]
        if segs[1] == "_bulk_get":
            return 200, {"results": [{"id": d["id"], "docs": [
                {"ok": db["docs"][d["id"]]} if d["id"] in db["docs"] else {}]}
                for d in (body or {}).get("docs", [])]}
        return 404, {"error": "not_found", "reason": "missing"}

    def local(self, db, name, body):
        doc = db["local"].get(name)
        if self.command == "GET":
            return (200, doc) if doc else (404, {"error": "not_found", "reason": "missing"})
        if doc and (body or {}).get("_rev") != doc["_rev"]:
            return 409, {"error": "conflict", "reason": "Document update conflict."}
        n = int(doc["_rev"].split("-")[1]) + 1 if doc else 1
        new = dict(body or {})
        new["_id"], new["_rev"] = "_local/" + name, "0-%d" % n
        db["local"][name] = new
        return 201, {"ok": True, "id": new["_id"], "rev": new["_rev"]}

    def save(self, db, d):
        i = d.get("_id")
        old = db["docs"].get(i)
        if (old["_rev"] if old else None) != d.get("_rev"):
            return {"id": i, "error": "conflict", "reason": "Document update conflict."}
        gen = int(old["_rev"].split("-")[0]) + 1 if old else 1
        new = dict(d)
        new["_rev"] = "%d-%032x" % (gen, db["seq"] + 1)
        db["seq"] += 1
        db["docs"][i] = new
        db["log"] = [(s, x) for s, x in db["log"] if x != i] + [(db["seq"], i)]
        return {"ok": True, "id": i, "rev": new["_rev"]}

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv):
    log_path, port_file = argv[0], argv[1]
    tls = argv[2:4] if len(argv) >= 4 else None
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    servers = [Server(("127.0.0.1", port), Handler)]
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        servers[0].socket = ctx.wrap_socket(servers[0].socket, server_side=True)
    else:
        servers.append(Server(("127.0.0.2", port), Handler))
    for s in servers:
        s.log_path = log_path
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    with open(port_file + ".new", "w") as f:
        f.write("%d\n" % port)
    os.replace(port_file + ".new", port_file)
    done.wait()
    for s in servers:
        s.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
