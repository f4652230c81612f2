#!/usr/bin/env bash
# tests/sync/test_proxy.sh: proves the sync tests' own infrastructure
# (endpoint.sh, faultproxy.py, proxy.sh) with curl and python3 only.
# Exit 0 all passed, 1 something failed, 77 skipped (PouchDB Server not
# installed: run `npm ci --no-audit --no-fund` in tests/sync).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/endpoint.sh"
. "$here/proxy.sh"

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*${TEST_TIMES:+ [$SECONDS s]}"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() {	# check DESCRIPTION COMMAND...
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/noron-test-proxy.XXXXXX")
echo_pid=
cleanup() {
	proxy_stop
	endpoint_stop
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null && wait "$echo_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

C=(curl -s --noproxy '*' --max-time 30)
JSON='Content-Type: application/json'

py() { "$SYNC_PYTHON" -c "$@"; }
# code_of URL [ARGS...]: the HTTP status (000 when none); body in $work/body,
# headers in $work/head, curl's exit code in $work/rc.
code_of() {
	local url=$1 rc code
	shift
	code=$("${C[@]}" -D "$work/head" -o "$work/body" -w '%{http_code}' "$@" "$url")
	rc=$?
	echo "$rc" >"$work/rc"
	printf '%s\n' "${code:-000}"
}
header_of() {	# header_of NAME: value of a header in $work/head
	tr -d '\r' <"$work/head" | sed -n "s/^$1: *//Ip" | head -n 1
}
port_free() {	# port_free PORT: nothing listens there and it can be bound (TIME_WAIT allowed)
	[ -z "$(listen_addrs "$1")" ] && py 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}
listen_addrs() {	# listen_addrs PORT: local addresses listening on PORT (IPv4 and IPv6)
	py 'import sys
port = int(sys.argv[1])
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(f).read().splitlines()[1:]
    except OSError:
        continue
    for l in lines:
        w = l.split()
        addr, p = w[1].split(":")
        if w[3] == "0A" and int(p, 16) == port:
            print(f.rsplit("/", 1)[1], addr)' "$1"
}
wait_log() {	# wait_log REGEX SECONDS: until the proxy log has a matching line
	local i
	for i in $(seq 1 $(($2 * 10))); do
		grep -qE "$1" "$PROXY_LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# ---------------------------------------------------------------- skip path
out=$( (ENDPOINT_NODE_MODULES=/nonexistent endpoint_start) 2>&1)
rc=$?
check "endpoint_start exits 77 with a hint to run npm ci when the server is missing" \
	test "$rc" = 77 -a -n "$(printf '%s' "$out" | grep 'npm ci')"

# ---------------------------------------------------------------- endpoint
t0=$(date +%s.%N)
endpoint_start
t1=$(date +%s.%N)
echo "# PouchDB Server answered after $(py "print(round($t1 - $t0, 1))") s on $ENDPOINT_URL (pid $ENDPOINT_PID)"
endpoint_pid=$ENDPOINT_PID endpoint_port=$ENDPOINT_PORT endpoint_dir=$ENDPOINT_DIR

code=$(code_of "$ENDPOINT_URL/")
check "endpoint answers GET / as PouchDB Server 4.2.0" \
	py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d.get("version") != "4.2.0" or "express-pouchdb" not in d)' "$work/body"
check "endpoint listens on 127.0.0.1 only" \
	test "$(listen_addrs "$ENDPOINT_PORT")" = "tcp 0100007F"
check "endpoint keeps its files in its own directory (log.txt there, none in the cwd)" \
	test -f "$ENDPOINT_DIR/log.txt" -a ! -e "$work/log.txt" -a ! -e "$work/config.json"

db=$(endpoint_db noron)
check "endpoint_db creates a database and prints its URL" test "$db" = "$ENDPOINT_URL/noron"
check "GET on the new database is 200" test "$(code_of "$db")" = 200
check "endpoint_db fails on an existing database" eval '! endpoint_db noron 2>/dev/null'

code=$(code_of "$db/_bulk_docs" -X POST -H "$JSON" \
	--data-binary '{"docs":[{"_id":"a:1","t":"x"},{"_id":"b/2","t":"y"},{"_id":"c","t":"z"}]}')
check "_bulk_docs writes three docs (201)" test "$code" = 201
check "_bulk_docs answers one ok per doc" \
	py 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(sorted(x["id"] for x in r if x.get("ok")) != ["a:1", "b/2", "c"])' "$work/body"
code=$(code_of "$db/_changes?since=0&include_docs=true&style=all_docs")
cp "$work/body" "$work/changes_direct"
check "_changes returns the three docs with integer seqs" \
	py 'import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(r["id"] for r in d["results"])
sys.exit(not (ids == ["a:1", "b/2", "c"] and d["last_seq"] == 3
              and all(type(r["seq"]) is int for r in d["results"])))' "$work/body"

endpoint_user alice 's3cr"et pw' noron
check "endpoint_user: Basic auth as the new user works" test "$(code_of "$db" -u 'alice:s3cr"et pw')" = 200
check "endpoint_user: a wrong password gets 401" test "$(code_of "$db" -u 'alice:wrong')" = 401

# ---------------------------------------------------------------- proxy fidelity
cat >"$work/echo.py" <<'EOF'
import base64, http.server, json
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        out = json.dumps({"method": self.command, "path": self.path,
                          "headers": [[k.lower(), v] for k, v in self.headers.items()],
                          "body": base64.b64encode(body).decode()}).encode()
        self.send_response(207)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Echo", "yes")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = any
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print("PORT", s.server_address[1], flush=True)
s.serve_forever()
EOF
timeout 300 "$SYNC_PYTHON" "$work/echo.py" >"$work/echo.port" 2>/dev/null &
echo_pid=$!
for i in $(seq 1 50); do read -r _ echo_port <"$work/echo.port" && [ -n "$echo_port" ] && break; sleep 0.1; done

proxy_start "http://127.0.0.1:$echo_port/prefix" pass
check "proxy_start exports PROXY_URL on a loopback port" \
	test -n "${PROXY_URL:-}" -a "${PROXY_URL#http://127.0.0.1:}" != "$PROXY_URL"
check "proxy listens on 127.0.0.1 only" test "$(listen_addrs "$PROXY_PORT")" = "tcp 0100007F"
printf 'binary \000\377\376 body {"x":1}\n' >"$work/payload"
code=$(code_of "$PROXY_URL/d/b%2F2?x=1&y=%20z&password=hunter2" -X PUT \
	-u 'alice:topsecret' -H 'X-Custom: one two' -H "$JSON" --data-binary @"$work/payload")
check "pass: the upstream's status and headers come back" test "$code" = 207 -a "$(header_of X-Echo)" = yes
check "pass: method, path with prefix, query, headers and body are forwarded faithfully" \
	py 'import base64, json, sys
d = json.load(open(sys.argv[1]))
h = dict(d["headers"])
ok = (d["method"] == "PUT"
      and d["path"] == "/prefix/d/b%2F2?x=1&y=%20z&password=hunter2"
      and h.get("host") == "127.0.0.1:" + sys.argv[3]
      and h.get("x-custom") == "one two"
      and h.get("content-type") == "application/json"
      and h.get("authorization") == "Basic " + base64.b64encode(b"alice:topsecret").decode()
      and base64.b64decode(d["body"]) == open(sys.argv[2], "rb").read()
      and h.get("content-length") == str(len(open(sys.argv[2], "rb").read())))
sys.exit(not ok)' "$work/body" "$work/payload" "$echo_port"
code=$(code_of "$PROXY_URL/d/chunked" -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$work/payload")
check "pass: a chunked request body is forwarded whole" \
	py 'import base64, json, sys
d = json.load(open(sys.argv[1]))
sys.exit(base64.b64decode(d["body"]) != open(sys.argv[2], "rb").read())' "$work/body" "$work/payload"
conns=$("${C[@]}" -o /dev/null -o /dev/null -w '%{num_connects} ' "$PROXY_URL/k1" "$PROXY_URL/k2")
check "pass: keep-alive from the client (two requests, one connection: $conns)" test "$conns" = "1 0 "
sleep 0.2
check "the proxy logs one line per request" test "$(grep -c ' mode=' "$PROXY_LOG")" = 4
check "the proxy log never holds the password, the Authorization header or its value" \
	eval '! grep -qiE "topsecret|hunter2|authorization|$(printf alice:topsecret | base64)" "$PROXY_LOG"'
check "the log names method, path and mode" grep -q '^faultproxy: PUT /d/b%2F2?x=1&y=%20z&password=REDACTED mode=pass 207' "$PROXY_LOG"

pid=$PROXY_PID port=$PROXY_PORT
proxy_stop
check "proxy_stop: the PID is gone" pid_gone "$pid"
check "proxy_stop: the port is free" port_free "$port"
kill "$echo_pid" 2>/dev/null; wait "$echo_pid" 2>/dev/null; echo_pid=

# ---------------------------------------------------------------- modes against PouchDB
proxy_start "$ENDPOINT_URL" pass
P=$PROXY_URL/noron

code=$(code_of "$P/_changes?since=0&include_docs=true&style=all_docs")
check "pass: _changes through the proxy is byte-identical to the direct answer" \
	cmp -s "$work/body" "$work/changes_direct"
py 'import json
print(json.dumps({"docs": [{"_id": "big%d" % i, "pad": "p" * 20000} for i in range(100)]}))' >"$work/big.json"
code=$(code_of "$P/_bulk_docs" -X POST -H "$JSON" --data-binary @"$work/big.json")
check "pass: a 2 MB _bulk_docs goes through (201, 100 ok)" \
	py 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(not (sys.argv[2] == "201" and sum(1 for x in r if x.get("ok")) == 100))' "$work/body" "$code"
full=$("${C[@]}" "$P/_changes?since=0" | wc -c)

proxy_mode refuse
code=$(code_of "$P/_changes")
check "refuse: no response at all (curl exit $(cat "$work/rc"), status $code)" \
	test "$code" = 000 -a "$(cat "$work/rc")" -ne 0

proxy_mode 500 _bulk_docs
code=$(code_of "$P/_bulk_docs" -X POST -H "$JSON" --data-binary '{"docs":[{"_id":"never"}]}')
check "500 _bulk_docs: status 500 with a JSON error" \
	test "$code" = 500 -a -n "$(grep '"error"' "$work/body")"
check "500 _bulk_docs: other paths pass" test "$(code_of "$P")" = 200
proxy_mode pass
check "500: the request was not forwarded (doc 'never' does not exist)" test "$(code_of "$P/never")" = 404

proxy_mode 503-retry-after _changes 2
c1=$(code_of "$P/_changes"); ra=$(header_of Retry-After)
c2=$(code_of "$P/_changes"); c3=$(code_of "$P/_changes")
check "503 _changes 2: 503 with Retry-After: 1, twice, then 200 ($c1 $c2 $c3)" \
	test "$c1 $c2 $c3 $ra" = "503 503 200 1"
proxy_mode 503 _changes 1
c1=$(code_of "$P/_changes"); c2=$(code_of "$P/_changes")
proxy_mode 503 _changes 1
c3=$(code_of "$P/_changes")
check "writing the mode again restarts its count ($c1 $c2 $c3)" test "$c1 $c2 $c3" = "503 200 503"

proxy_mode 429
code=$(code_of "$P/_changes")
check "429: status 429 with Retry-After: 1" test "$code" = 429 -a "$(header_of Retry-After)" = 1

proxy_mode 401
code=$(code_of "$P/_changes")
check "401: status 401, CouchDB's unauthorized body" \
	py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not (sys.argv[2] == "401" and d == {"error": "unauthorized", "reason": "Name or password is incorrect."}))' "$work/body" "$code"
proxy_mode 403
code=$(code_of "$P/_bulk_docs" -X POST -H "$JSON" --data-binary '{"docs":[]}')
check "403: status 403, error forbidden" \
	py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not (sys.argv[2] == "403" and d["error"] == "forbidden" and d["reason"]))' "$work/body" "$code"

# A regex sees the method too: one method of one path can be singled out.
proxy_mode 409 '^PUT.*_local' 1
c1=$(code_of "$P/_local/x")
c2=$(code_of "$P/_local/x" -X PUT -H "$JSON" --data-binary '{"a":1}')
c3=$(code_of "$P/_local/x" -X PUT -H "$JSON" --data-binary '{"a":1}')
check "409 ^PUT.*_local 1: the GET passes, the first PUT gets 409, the next goes up ($c1 $c2 $c3)" \
	test "$c1 $c2 $c3" = "404 409 201"
wait_log 'mode=409 answered 409 \(request body 7 bytes\)' 3
check "409: logged, with the size of the request's body" \
	grep -q 'mode=409 answered 409 (request body 7 bytes)' "$PROXY_LOG"
proxy_mode pass

proxy_mode reset-mid-body
code=$(code_of "$P/_changes?since=0")
rc=$(cat "$work/rc"); got=$(wc -c <"$work/body"); cl=$(header_of Content-Length)
check "reset-mid-body: status $code, real Content-Length $cl, $got bytes, then a reset (curl exit $rc)" \
	test "$code" = 200 -a "$cl" = "$full" -a "$got" = $((full / 2)) -a \( "$rc" = 56 -o "$rc" = 18 \)
wait_log 'mode=reset-mid-body .*then RST' 3
check "reset-mid-body: logged" grep -q 'mode=reset-mid-body .*then RST' "$PROXY_LOG"

proxy_mode truncated-json
code=$(code_of "$P/_changes?since=0")
rc=$(cat "$work/rc"); got=$(wc -c <"$work/body"); cl=$(header_of Content-Length)
check "truncated-json: 200, Content-Length $cl matches the $got bytes sent, half of $full" \
	test "$code" = 200 -a "$rc" = 0 -a "$cl" = "$got" -a "$got" = $((full / 2))
check "truncated-json: the body is not valid JSON" \
	py 'import json, sys
try:
    json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(0)
sys.exit(1)' "$work/body"

proxy_mode malformed-json _changes
code=$(code_of "$P/_changes?since=0")
check "malformed-json: 200 and a body that starts a _changes answer, then garbage" \
	py 'import json, sys
b = open(sys.argv[1], "rb").read()
try:
    json.loads(b)
    sys.exit(1)
except ValueError:
    pass
sys.exit(not (sys.argv[2] == "200" and b.startswith(b"{\"results\": [ {\"seq\": ")))' "$work/body" "$code"

proxy_mode wrong-shape
code=$(code_of "$P/_changes?since=0")
check "wrong-shape: _changes gets 200 {\"rows\": 5}" \
	py 'import json, sys; sys.exit(not (sys.argv[2] == "200" and json.load(open(sys.argv[1])) == {"rows": 5}))' "$work/body" "$code"
code=$(code_of "$P/_bulk_docs" -X POST -H "$JSON" --data-binary '{"docs":[{"_id":"shape"}]}')
check "wrong-shape: _bulk_docs gets 201 [1,2,3]" \
	py 'import json, sys; sys.exit(not (sys.argv[2] == "201" and json.load(open(sys.argv[1])) == [1, 2, 3]))' "$work/body" "$code"
proxy_mode pass
check "wrong-shape: the request did reach the endpoint (doc 'shape' exists)" test "$(code_of "$P/shape")" = 200

proxy_mode slow-body
s0=$(date +%s.%N)
code=$(code_of "$P/_changes?since=0" --max-time 2)
s1=$(date +%s.%N)
rc=$(cat "$work/rc"); got=$(wc -c <"$work/body")
check "slow-body: headers at once, then ~5 bytes/s ($got bytes in $(py "print(round($s1 - $s0, 1))") s, curl exit $rc)" \
	py 'import sys
code, rc, got, t = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
sys.exit(not (code == "200" and rc == 28 and 5 <= got <= 15 and t >= 1.9))' "$code" "$rc" "$got" "$(py "print($s1 - $s0)")"
check "slow-body: the proxy stops sending when the client hangs up" \
	wait_log 'mode=slow-body client gone' 3

proxy_mode oversized
got=$("${C[@]}" --max-filesize 5000000 "$P/_changes?since=0" | head -c 5000000 | tee "$work/head5m" | wc -c)
check "oversized: a large streamed body ($got bytes read, then the client hung up)" test "$got" = 5000000
check "oversized: it looks like a _changes answer" grep -q '^{"results":\[{"seq":1,"id":"oversized-1"' "$work/head5m"
check "oversized: the proxy stops streaming when the client hangs up" \
	wait_log 'mode=oversized client gone' 5
s0=$(date +%s)
read -r osize tail < <("${C[@]}" --max-time 120 "$P/_changes?since=0" | py 'import sys
n, last = 0, b""
while True:
    b = sys.stdin.buffer.read(1 << 20)
    if not b:
        break
    n += len(b)
    last = (last + b)[-40:]
print(n, last.decode("ascii", "replace"))')
echo "# oversized: $osize bytes in $(($(date +%s) - s0)) s"
check "oversized: the complete body stops at 200 MB ($osize bytes) and ends as valid JSON" \
	test "$osize" -gt 199000000 -a "$osize" -le 200000000 -a -n "$(printf '%s' "$tail" | grep -E '\],"last_seq":[0-9]+}$')"
rm -f "$work/head5m"

proxy_mode opaque-seq
code=$(code_of "$P/_changes?since=0&include_docs=true")
check "opaque-seq: every seq and last_seq is a string N-g1AAAAopaque" \
	py 'import json, re, sys
d = json.load(open(sys.argv[1]))
pat = re.compile(r"^[0-9]+-g1AAAAopaque$")
sys.exit(not (d["results"] and all(pat.match(r["seq"]) for r in d["results"]) and pat.match(d["last_seq"])))' "$work/body"
last=$(py 'import json, sys; print(json.load(open(sys.argv[1]))["last_seq"])' "$work/body")
code=$(code_of "$P/_bulk_docs" -X POST -H "$JSON" --data-binary '{"docs":[{"_id":"after-opaque"}]}')
code=$(code_of "$P/_changes?since=$last&include_docs=true")
check "opaque-seq: _changes?since=$last through the proxy gives exactly the newer change" \
	py 'import json, re, sys
d = json.load(open(sys.argv[1]))
ids = [r["id"] for r in d["results"]]
sys.exit(not (ids == ["after-opaque"] and re.match(r"^[0-9]+-g1AAAAopaque$", d["last_seq"])
              and d["last_seq"] != sys.argv[2]))' "$work/body" "$last"
code=$(code_of "$ENDPOINT_URL/noron/_changes?since=$last")
check "opaque-seq: (PouchDB itself would answer since=$last with nothing)" \
	py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["results"] != [])' "$work/body"
code=$(code_of "$P")
check "opaque-seq: GET /{db} gives an opaque update_seq" grep -q '"update_seq":"[0-9]*-g1AAAAopaque"' "$work/body"
proxy_mode pass
code=$(code_of "$P/_changes?since=$last")
check "pass after opaque-seq: an opaque since still means the same checkpoint" \
	py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit([r["id"] for r in d["results"]] != ["after-opaque"])' "$work/body"

check "proxy_mode rejects an unknown mode" eval '! proxy_mode no-such-mode 2>/dev/null'
check "after a rejected mode the proxy still passes" test "$(code_of "$P")" = 200

proxy_mode slow-body
("${C[@]}" -o /dev/null "$P/_changes?since=0" &)
sleep 0.5
pid=$PROXY_PID port=$PROXY_PORT
s0=$(date +%s.%N)
proxy_stop
s1=$(date +%s.%N)
check "proxy_stop: SIGTERM stops the proxy within 2 s even during a slow body" \
	py 'import sys; sys.exit(not float(sys.argv[1]) < 2)' "$(py "print($s1 - $s0)")"
check "proxy_stop: the PID is gone and the port is free" eval 'pid_gone $pid && port_free $port'
check "a stopped proxy refuses connections (curl exit 7)" \
	eval '"${C[@]}" -o /dev/null "http://127.0.0.1:$port/"; test $? = 7'

# ---------------------------------------------------------------- endpoint_stop
endpoint_stop
check "endpoint_stop: the PID is gone" pid_gone "$endpoint_pid"
check "endpoint_stop: the port is free" port_free "$endpoint_port"
check "endpoint_stop: its directory is removed and ENDPOINT_URL unset" \
	test ! -e "$endpoint_dir" -a -z "${ENDPOINT_URL:-}"
check "nothing was written into tests/sync" test ! -e "$here/log.txt" -a ! -e "$here/config.json"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
