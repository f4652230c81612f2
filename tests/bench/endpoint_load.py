#!/usr/bin/env python3
"""Load a noron JSON export into a database on a CouchDB-compatible endpoint.

    python3 tests/bench/endpoint_load.py URL/DB EXPORT.json [--batch 5000]

Creates the database if it is missing (PUT; 412 "exists" is fine), then POSTs
the export's "records" (each has its "_id"; any "_rev" is dropped, so every
record becomes a new document) to URL/DB/_bulk_docs in batches of --batch.
Every per-document result must be ok: otherwise it says how many failed and
exits 1. Progress and the summary go to stderr; stdout gets one JSON line,
{"loaded": N, "seconds": S}, S being the time of the uploads alone.
Python standard library only. Credentials, if any, go in the URL
(http://user:pass@host:port/db); proxies from the environment are not used.
"""

import argparse
import base64
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def die(msg):
    print(f"endpoint_load: {msg}", file=sys.stderr)
    sys.exit(1)


def split_url(url):
    """-> (url without credentials, headers with Basic auth if it had any)."""
    u = urllib.parse.urlsplit(url.rstrip("/"))
    headers = {}
    if u.username is not None:
        cred = f"{urllib.parse.unquote(u.username)}:{urllib.parse.unquote(u.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(cred.encode()).decode()
        netloc = u.hostname + (f":{u.port}" if u.port else "")
        u = u._replace(netloc=netloc)
    return urllib.parse.urlunsplit(u), headers


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(method, url, headers, body=None):
    """-> (status, parsed JSON body or None). HTTP errors are answers too."""
    data = None if body is None else json.dumps(body).encode()
    h = dict(headers)
    if data is not None:
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with OPENER.open(req, timeout=600) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        die(f"{method} {url}: {e}")
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def main():
    ap = argparse.ArgumentParser(description="Load a noron export into an endpoint database.")
    ap.add_argument("db_url", help="URL of the database, e.g. http://127.0.0.1:5984/noron")
    ap.add_argument("export", help="a file written by `noron export`")
    ap.add_argument("--batch", type=int, default=5000, help="documents per _bulk_docs (5000)")
    a = ap.parse_args()
    if a.batch < 1:
        die("--batch must be at least 1")

    try:
        with open(a.export, encoding="utf-8") as f:
            export = json.load(f)
    except (OSError, ValueError) as e:
        die(f"{a.export}: {e}")
    if not isinstance(export, dict) or export.get("noron") != "export" \
            or not isinstance(export.get("records"), list):
        die(f"{a.export}: not a noron export (no \"records\" list)")
    docs = []
    for r in export["records"]:
        if not isinstance(r, dict) or not isinstance(r.get("_id"), str):
            die(f"{a.export}: a record without an \"_id\"")
        r.pop("_rev", None)
        docs.append(r)

    db, headers = split_url(a.db_url)
    status, body = request("PUT", db, headers)
    if status not in (201, 202, 412):
        die(f"PUT {db} answered {status}: {body}")

    loaded = errors = 0
    first_error = None
    t0 = time.monotonic()
    for i in range(0, len(docs), a.batch):
        chunk = docs[i:i + a.batch]
        status, results = request("POST", db + "/_bulk_docs", headers, {"docs": chunk})
        if status not in (201, 202, 417) or not isinstance(results, list):
            die(f"POST {db}/_bulk_docs answered {status}: {str(results)[:200]}")
        if len(results) != len(chunk):
            die(f"_bulk_docs gave {len(results)} results for {len(chunk)} docs")
        for res in results:  # order does not matter: just count
            if isinstance(res, dict) and res.get("ok") is True:
                loaded += 1
            else:
                errors += 1
                first_error = first_error or res
        print(f"endpoint_load: {loaded + errors}/{len(docs)}", file=sys.stderr)
    seconds = time.monotonic() - t0

    if errors:
        die(f"{errors} of {len(docs)} documents were refused, e.g. {json.dumps(first_error)}")
    print(f"endpoint_load: loaded {loaded} docs into {db} in {seconds:.2f} s", file=sys.stderr)
    print(json.dumps({"loaded": loaded, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
