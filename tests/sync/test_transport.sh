#!/usr/bin/env bash
# tests/sync/test_transport.sh: how noron talks HTTP, against a small fake
# CouchDB (fakecouch.py) that logs each request with the client's port, the
# Host, the user of its Authorization (never the password) and its
# Accept-Encoding. Plain http only to this machine (an address in
# 127.0.0.0/8, not a host name that starts with "127.") unless allow_http;
# other schemes refused; redirects followed at most three times, held to the
# same rules, credentials kept on the same host and never sent to another;
# gzip asked for and understood; one connection for a whole round; the
# login from ~/.netrc when the config has none; TLS verified, with ca_file
# for a private CA and a message naming ca_file when verification fails; a
# password never shown, even one holding an '@'.
# Exit 0 all passed, 1 something failed, 77 skipped (python3 or curl missing).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR

FAKE_PIDS=()
stop_fakes() {
	local pid
	for pid in "${FAKE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	sync__cleanup
}
trap stop_fakes EXIT

# fake_start NAME [CERT KEY]: a fake CouchDB; its port in FAKE_PORT, its
# request log $T/NAME.log.
fake_start() {
	local name=$1 i
	shift
	rm -f "$T/$name.port"
	: >"$T/$name.log"
	"$SYNC_PYTHON" "$here/fakecouch.py" "$T/$name.log" "$T/$name.port" "$@" \
		</dev/null >"$T/$name.out" 2>&1 &
	FAKE_PIDS+=($!)
	for i in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.05
	done
	FAKE_PORT=$(cat "$T/$name.port" 2>/dev/null)
	[ -n "$FAKE_PORT" ] || { echo "Bail out! fakecouch $name did not start: $(cat "$T/$name.out")"; exit 99; }
}

fake_start plain
PORT=$FAKE_PORT
LOG=$T/plain.log
PW="pw-anna-$RANDOM$RANDOM"
SECRETS+=("$PW" "$(printf 'anna:%s' "$PW" | base64)")
# since: the log's length now; new_lines: what came after it.
since() { MARK=$(wc -l <"$LOG"); }
new_lines() { tail -n +"$((MARK + 1))" "$LOG"; }

# ------------------------------------------------------------------ which URLs
cfg_write A "url = http://anna:$PW@127.attacker.example/noron"
nr A sync
expect_one_line_error "plain http would send your password in clear" "allow_http = yes" \
	"http://127.attacker.example/noron"
cfg_write A "url = http://anna:$PW@127.0.0.1.nip.io/noron"
nr A sync
expect_one_line_error "plain http would send your password in clear"
cfg_write A "url = http://couch.invalid/noron"
nr A sync
expect_one_line_error "plain http" "couch.invalid"
cfg_write A "url = ftp://127.0.0.1:$PORT/noron"
nr A sync
expect_one_line_error "only https"
cfg_write A "url = http://couch.invalid/noron" "allow_http = yes"
nr A sync
expect_one_line_error "cannot reach http://couch.invalid/noron/"
check "allow_http = yes: plain http to another host is tried" eval "! grep -q 'plain http' '$ERR'"
# An '@' inside the password: all of it stays out of the message.
nr A sync --url "http://anna:p@ssXYZ$RANDOM@127.attacker.example/noron"
expect_one_line_error "http://127.attacker.example/noron"
check "a password holding an '@' is not shown in part" eval "! grep -q 'ssXYZ' '$ERR'"
check "none of these reached the server" test "$(wc -l <"$LOG")" = 0

# ------------------------------------------------------------------ loopback, one connection a round
cfg_write A "url = http://127.0.0.1:$PORT/noron" "user = anna" "password = $PW" "institution = kb-se"
nr A sync
expect_rc 0 "http to 127.0.0.1: the first sync"
nr A add project title="Transport test" status=idea
PJ=$(tr -d '\n' <"$OUT")
since
nr A sync --verbose
expect_rc 0 "a sync that pulls, pushes and writes its checkpoint"
check "the round's requests are all there (checkpoint, changes, push, changes, checkpoint)" \
	eval "new_lines | grep -q 'GET /noron/_local/' && new_lines | grep -q 'POST /noron/_bulk_docs' &&
		new_lines | grep -q 'PUT /noron/_local/' && test \$(new_lines | grep -c 'GET /noron/_changes') -ge 2"
ports=$(new_lines | sed 's/^port=\([0-9]*\) .*/\1/' | sort -u | tr '\n' ' ')
check "one connection for the whole round: $(new_lines | wc -l) requests from port(s) $ports" \
	test "$(new_lines | sed 's/^port=\([0-9]*\) .*/\1/' | sort -u | wc -l)" = 1
check "every request carried anna's login" eval "! new_lines | grep -v 'auth=anna '"
check "every request asked for gzip" eval "! new_lines | grep -v 'ae=.*gzip'"
check "--verbose shows each request without the password" \
	eval "grep -q 'POST http://127.0.0.1:$PORT/noron/_bulk_docs -> 201' '$ERR' && ! grep -qF '$PW' '$ERR'"

# ------------------------------------------------------------------ gzip
cfg_write B "url = http://127.0.0.1:$PORT/gz/noron" "institution = nb-no"
since
nr B sync
expect_rc 0 "a sync whose answers come gzip-compressed"
fieldis "gzip: the compressed changes were read (B has A's project)" '"Transport test"' "$PJ" title B
check "gzip: the server compressed them (noron accepted gzip)" \
	eval "new_lines | grep -q 'GET /gz/noron/_changes.* ae=.*gzip'"

# ------------------------------------------------------------------ redirects
cfg_write A "url = http://127.0.0.1:$PORT/r-same/noron" "user = anna" "password = $PW"
since
nr A sync
expect_rc 0 "a redirect to the same host"
check "same host: the redirect was followed, with the login kept" \
	eval "new_lines | grep -q 'GET /r-same/noron/_local/.* auth=anna ' &&
		new_lines | grep -q 'GET /noron/_local/.* auth=anna '"
cfg_write A "url = http://127.0.0.1:$PORT/r-other/noron" "user = anna" "password = $PW"
since
nr A sync
expect_rc 0 "a redirect to another host (127.0.0.2)"
check "another host: the redirect was followed" eval "new_lines | grep -q 'host=127.0.0.2:$PORT GET /noron/'"
check "another host: no login went to it" eval "! new_lines | grep 'host=127.0.0.2' | grep -v 'auth=- '"
check "another host: the login went to the URL's host only" \
	eval "new_lines | grep 'host=127.0.0.1' | grep -q 'auth=anna '"
cfg_write A "url = http://127.0.0.1:$PORT/r-loop/noron" "user = anna" "password = $PW"
since
nr A sync
expect_one_line_error "127.0.0.1:$PORT"
check "redirect loop: the message says what happened" grep -qi 'redirect' "$ERR"
check "redirect loop: at most 3 redirects followed ($(new_lines | wc -l) requests)" \
	test "$(new_lines | wc -l)" -le 4
cfg_write A "url = http://127.0.0.1:$PORT/r-ftp/noron" "user = anna" "password = $PW"
since
nr A sync
expect_one_line_error "only https"
check "redirect to ftp: not followed" test "$(new_lines | wc -l)" = 1
cfg_write A "url = http://127.0.0.1:$PORT/r-ext/noron" "user = anna" "password = $PW"
since
nr A sync
expect_one_line_error "plain http" "example.invalid"
check "redirect to plain http elsewhere: not followed" test "$(new_lines | wc -l)" = 1

# ------------------------------------------------------------------ ~/.netrc
NPW="pw-netty-$RANDOM$RANDOM"
SECRETS+=("$NPW")
(umask 077 && printf 'machine 127.0.0.1 login netty password %s\n' "$NPW" >"$HOME/.netrc")
cfg_write N "url = http://127.0.0.1:$PORT/noron"
since
nr N sync
expect_rc 0 ".netrc: a sync with neither user nor password in the config"
check ".netrc: its login was sent" eval "new_lines | grep -q 'auth=netty ' && ! new_lines | grep -v 'auth=netty '"
cfg_write N "url = http://127.0.0.1:$PORT/noron" "user = anna" "password = $PW"
since
nr N sync
expect_rc 0 ".netrc: a sync with the config's password"
check ".netrc: the config's login comes first" eval "! new_lines | grep -v 'auth=anna '"
rm -f "$HOME/.netrc"

# ------------------------------------------------------------------ TLS with a private CA
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >"$T/openssl.out" 2>&1 ||
		{ echo "Bail out! openssl could not make a certificate: $(cat "$T/openssl.out")"; exit 99; }
	fake_start tls "$T/cert.pem" "$T/key.pem"
	TLS=https://127.0.0.1:$FAKE_PORT/noron
	cfg_write S "url = $TLS" "user = anna" "password = $PW"
	nr S sync
	expect_one_line_error "TLS certificate cannot be verified" "ca_file"
	check "TLS: nothing was sent over the unverified connection" test "$(wc -l <"$T/tls.log")" = 0
	cfg_write S "url = $TLS" "user = anna" "password = $PW" "ca_file = $T/cert.pem"
	nr S sync
	expect_rc 0 "TLS: with ca_file naming the private CA, the sync"
	check "TLS: the requests arrived, with the login" grep -q 'GET /noron/_local/.* auth=anna ' "$T/tls.log"
	cfg_write S "url = $TLS" "ca_file = $T/no-such-ca.pem"
	nr S sync
	expect_one_line_error "ca_file $T/no-such-ca.pem cannot be read"
else
	echo "# SKIP TLS checks: openssl is missing"
fi

finish
