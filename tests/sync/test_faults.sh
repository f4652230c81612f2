#!/usr/bin/env bash
# tests/sync/test_faults.sh: noron sync through the fault-injecting proxy.
# Each fault (connection refused or closed, 500, 503 and 429 with
# Retry-After, a reset mid-body, truncated, malformed or wrongly shaped JSON,
# a slow body, an oversized body, 401, 403) gives a clear one-line error or a
# successful retry, never a crash or a hang, and never loses or corrupts the
# local edit made just before it; the next sync against the healthy endpoint
# sends that edit. A body that trickles in above the low-speed limit ends at
# the request's deadline; a 409 on the checkpoint's write is written again
# over the current revision; a 403 is explained in noron's own words.
# Opaque string sequences work for a whole two-cache exchange. A
# validate_doc_update refusal keeps the edit with its reason (exit 3, one
# line); an edit the endpoint cannot save is named with the endpoint's
# error; 9 MB of big records go in batches of at most 4 MB; a readable
# config holding a password is refused; no credential ever shows.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
# A slow body at 20 bytes/s: a small answer (the ~80-byte checkpoint) takes ~4 s.
FAULTPROXY_SLOW_DELAY=0.05 proxy_start "$ENDPOINT_URL" pass
PX=$PROXY_URL/$DBNAME
PX_HOST=${PROXY_URL#http://}
cache_new A "$PX"

EDIT_ID=event:2011-stockholm
N_CASE=0

# pmode SPEC...: proxy_mode without a python start for each switch: a spec is
# checked (faultproxy.py --check) the first time only, then written the way
# proxy_mode writes it.
declare -A PMODE_OK=()
pmode() {
	local spec=${*:-pass}
	if [ -z "${PMODE_OK[$spec]:-}" ]; then
		proxy_mode "$spec" || { not_ok "proxy mode '$spec' is valid"; return 1; }
		PMODE_OK[$spec]=1
		return 0
	fi
	printf '%s\n' "$spec" >"$PROXY_CONTROL.new" && mv -f "$PROXY_CONTROL.new" "$PROXY_CONTROL"
}

# usec: microseconds since the epoch (no fork).
usec() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }

# fault LABEL EXPECT SPEC...: a unique edit on A, then a sync through the
# proxy in mode SPEC. EXPECT: retry (must succeed), error (must fail with one
# clear line), either. Then the edit must be intact: on the endpoint and clean
# after a success; unsynced after an error, and a healthy sync must send it. Leaves FAULT_RC, FAULT_MS and the
# fault's stderr in $T/fault.err.
fault() {
	local label=$1 expect=$2 val t0
	shift 2
	[ "$1" = 503 ] && set -- 503-retry-after "${@:2}"
	N_CASE=$((N_CASE + 1))
	val="before $label #$N_CASE $RANDOM"
	nr A set "$EDIT_ID" description="$val"
	[ "$RC" = 0 ] || not_ok "$label: the edit before the fault (noron set) failed"
	# shellcheck disable=SC2034 # hits is read in the eval below
	local mode=$1 hits
	hits=$(grep -c " mode=$mode " "$PROXY_LOG")
	pmode "$@"
	t0=$(usec)
	nr A sync
	FAULT_MS=$((($(usec) - t0) / 1000))
	FAULT_RC=$RC
	LAST="noron(A) sync [$label]"
	check "$label: the proxy injected the fault" eval 'for _ in $(seq 30); do
		[ "$(grep -c " mode=$mode " "$PROXY_LOG")" -gt "$hits" ] && exit 0; sleep 0.1; done; exit 1'
	cp "$ERR" "$T/fault.err"
	pmode pass
	case $RC in
	0)
		if [ "$expect" = error ]; then
			not_ok "$label: the sync should fail with a clear error, it exited 0 in $FAULT_MS ms"
		else
			ok "$label: the sync succeeded (after retrying) in $FAULT_MS ms"
		fi
		check "$label: the edit reached the endpoint and is clean in the cache, integrity ok" \
			sc kept "$T/A.db" "$EDIT_ID" description "$val" 0 "$DB"
		;;
	1)
		if [ "$expect" = retry ]; then
			not_ok "$label: the sync should have succeeded by retrying, it failed in $FAULT_MS ms"
		else
			expect_one_line_error "$PX_HOST"
			check "$label: the message shows the endpoint's URL without credentials" \
				eval "! grep -q '//[^/ ]*@' '$ERR'"
		fi
		check "$label: the edit is intact and still unsynced, integrity ok" \
			sc kept "$T/A.db" "$EDIT_ID" description "$val" 1
		;;
	*)
		not_ok "$label: the sync exits 0 or 1 (got $RC after $FAULT_MS ms)"
		check "$label: the edit is intact, integrity ok" sc kept "$T/A.db" "$EDIT_ID" description "$val" 1
		;;
	esac
	[ "$FAULT_RC" = 0 ] && return	# the edit is on the endpoint already
	nr A sync
	expect_rc 0 "$label: then a sync against the healthy endpoint"
	check "$label: ... sends the edit and leaves it clean" \
		sc kept "$T/A.db" "$EDIT_ID" description "$val" 0 "$DB"
}

# checkpoint_is_mine NAME: the endpoint's checkpoint document of NAME's
# cache is the one it wrote last (its last_seq and mark).
checkpoint_is_mine() {
	local uuid cp q="from sync_state where mark is not null order by last_ok desc limit 1"
	uuid=$(sc sql "$T/$1.db" "select value from meta where key = 'uuid'")
	cp=$(curl -s --noproxy '*' "$DB/_local/noron-$uuid")
	echo "endpoint: $cp; cache: $(sc sql "$T/$1.db" "select last_seq, mark $q")"
	[ "$(sc get last_seq <<<"$cp")" = "\"$(sc sql "$T/$1.db" "select last_seq $q")\"" ] &&
		[ "$(sc get mark <<<"$cp")" = "\"$(sc sql "$T/$1.db" "select mark $q")\"" ]
}

nr A sync
expect_rc 0 "a first healthy sync through the proxy"
nr A set "$EDIT_ID" description="first"
nr A sync
expect_rc 0 "the record to edit is on the endpoint"

# ------------------------------------------------------------------ transport faults
fault "connection closed without answer, once" retry refuse . 1
fault "500 on the first _changes" retry 500 _changes 1
fault "503 + Retry-After on the first 2 _changes" retry 503-retry-after _changes 2
check "503: Retry-After (1 s) was honoured twice (took $FAULT_MS ms >= 2000)" test "$FAULT_MS" -ge 2000
fault "429 + Retry-After on the first 2 _bulk_docs" retry 429 _bulk_docs 2
check "429: Retry-After (1 s) was honoured twice (took $FAULT_MS ms >= 2000)" test "$FAULT_MS" -ge 2000
fault "500 on every _bulk_docs" error 500 _bulk_docs
fault "reset mid-body of _changes, once" either reset-mid-body _changes 1
fault "reset mid-body of _bulk_docs, once (the push was stored)" either reset-mid-body _bulk_docs 1
fault "truncated JSON from _changes, once" either truncated-json _changes 1
fault "truncated JSON from _bulk_docs, once (the push was stored)" either truncated-json _bulk_docs 1
fault "malformed JSON from _changes, once" either malformed-json _changes 1
fault "malformed JSON from _bulk_docs, once (the push was stored)" either malformed-json _bulk_docs 1
fault "wrong-shape JSON from the checkpoint (_local), once" either wrong-shape _local 1
fault "wrong-shape JSON from _changes, once" either wrong-shape _changes 1
fault "wrong-shape JSON from _bulk_docs, once (the push was stored)" either wrong-shape _bulk_docs 1
fault "a slow small body (the checkpoint), once" either slow-body _local 1
check "slow body: done within 60 s ($FAULT_MS ms)" test "$FAULT_MS" -lt 60000
# Above the low-speed limit (16 bytes/s for 30 s) a trickle never stalls;
# the whole request's deadline ends it (300 s; 2 s here).
export NORON_HTTP_TIMEOUT=2
fault "a body that trickles in past the request's deadline" error slow-body _local
unset NORON_HTTP_TIMEOUT
check "deadline: the message says the request timed out and what allows more" \
	eval "cat '$T/fault.err'; grep -q 'Timeout was reached' '$T/fault.err' && grep -q 'NORON_HTTP_TIMEOUT' '$T/fault.err'"
check "deadline: given up after 5 tries of 2 s and the waits between, within 40 s ($FAULT_MS ms)" \
	test "$FAULT_MS" -lt 40000
# The checkpoint written meanwhile: its current revision is read and the
# write tried once more.
fault "409 on the checkpoint's PUT, once" retry 409 '^PUT.*_local' 1
check "409: the checkpoint on the endpoint is the one the cache wrote last" checkpoint_is_mine A
nr A sync --progress
check "409: the next sync finds its checkpoint: nothing to do, no reset" grep -qx 'done 0 0 0 0' "$OUT"
fault "401 on every request" error 401
check "401: the message points at the password and the config" \
	eval "cat '$T/fault.err'; grep -qi 'password' '$T/fault.err' && grep -qi 'config' '$T/fault.err'"
fault "403 on every request" error 403
# The endpoint's own reason is quoted in parentheses; noron's words are the rest.
check "403: noron says in its own words what was refused and what to do" \
	eval "cat '$T/fault.err'; sed 's/([^)]*)//g' '$T/fault.err' >'$T/own.err'
		grep -q 'reading the checkpoint was refused' '$T/own.err' &&
		grep -q \"ask the endpoint's administrator for access\" '$T/own.err'"
check "no conflict was left by the faults (a push stored before a fault is not a conflict)" \
	test "$(statusv A conflicts)" = 0

# a real "connection refused": nothing listens on the port
port=$(endpoint_free_port)
cache_url A "http://127.0.0.1:$port/$DBNAME"
rv="refused $RANDOM"
nr A set "$EDIT_ID" description="$rv"
nr A sync
expect_one_line_error "127.0.0.1:$port"
check "refused: the edit is intact and still unsynced, integrity ok" \
	sc kept "$T/A.db" "$EDIT_ID" description "$rv" 1
nr A status
check "refused: status shows the last error, naming the endpoint" \
	eval "grep -i 'last error' '$OUT' | grep -qF '127.0.0.1:$port'"
cache_url A "$PX"
nr A sync
expect_rc 0 "refused: then a sync against the healthy endpoint"
nr A status
check "after a good sync: status shows no last error" eval "! grep -qi 'last error' '$OUT'"
check "refused: ... sends the edit" sc kept "$T/A.db" "$EDIT_ID" description "$rv" 0 "$DB"

# ------------------------------------------------------------------ oversized (last: it may leave junk)
SAVE_TIMEOUT=$SYNC_CMD_TIMEOUT
SYNC_CMD_TIMEOUT=20
fault "an oversized (200 MB) _changes body, once" error oversized _changes 1
SYNC_CMD_TIMEOUT=$SAVE_TIMEOUT
check "oversized: none of the oversized body's documents entered the cache" \
	test "$(sc sql "$T/A.db" "select count(*) from docs where id like 'oversized-%'")" = 0
same_as_endpoint A "after all faults: A equals the endpoint"

# ------------------------------------------------------------------ opaque sequences
proxy_mode opaque-seq
cache_new C "$PX"
cache_new D "$PX"
nr C sync
expect_rc 0 "opaque-seq: C's first sync"
nr C add person name="Opaque Person" institution=nb-no
PC=$(tr -d '\n' <"$OUT")
nr C set area:storage title="Storage (C)"
nr C delete event:2011-copenhagen
nr C sync
expect_rc 0 "opaque-seq: C pushes an add, an edit and a delete"
check "opaque-seq: C's checkpoint is the opaque string the proxy sent" \
	eval "sc sql '$T/C.db' 'select last_seq from sync_state' | grep -q -- '-g1AAAAopaque\$'"
nr D sync
expect_rc 0 "opaque-seq: D pulls"
fieldis "opaque-seq: D received C's person" '"Opaque Person"' "$PC" name D
fieldis "opaque-seq: D received C's edit" '"Storage (C)"' area:storage title D
fieldis "opaque-seq: D received C's delete" DELETED event:2011-copenhagen title D
nr D set "$PC" role="Opaque role"
nr D sync
expect_rc 0 "opaque-seq: D pushes an edit"
nr C sync
expect_rc 0 "opaque-seq: C pulls from its opaque checkpoint"
fieldis "opaque-seq: C received D's edit" '"Opaque role"' "$PC" role C
nr C sync --progress
check "opaque-seq: a second sync pulls and pushes nothing" grep -qx 'done 0 0 0 0' "$OUT"
proxy_mode pass
nr A sync
converged "opaque-seq" C D A

# ------------------------------------------------------------------ validate_doc_update refusal
code=$(curl -s --noproxy '*' -o "$T/ddoc" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
	--data-binary '{"validate_doc_update": "function (newDoc, oldDoc, userCtx) { if (newDoc.type === \"fund\" || (oldDoc && oldDoc.type === \"fund\")) throw({forbidden: \"no edits to fund records\"}); }"}' \
	"$DB/_design/deny")
check "the validation function is installed on the endpoint (201)" test "$code" = 201
nr A set fund:nordic-funds note="A refused note"
nr A set area:storage description="An accepted edit in the same sync"
nr A sync
expect_rc 3 "validation: the sync completes, with an edit waiting for a person"
check "validation: one line on stderr (no terminal) names the refused edit and noron status" \
	eval "test \$(wc -l <'$ERR') = 1 && grep -q '^noron: synced, but the endpoint refused 1 edit: noron status shows it' '$ERR'"
check "validation: status counts 1 rejected edit" test "$(statusv A rejected)" = 1
nr A show fund:nordic-funds
check "validation: show says the edit was rejected, with the reason" \
	eval "grep -qi 'rejected' '$OUT' && grep -q 'no edits to fund records' '$OUT'"
check "validation: the refused edit is kept in the cache" \
	sc all-have '"A refused note"' fund:nordic-funds note "$T/A.db"
check "validation: the refused edit is not on the endpoint" \
	eval "! sc all-have '\"A refused note\"' fund:nordic-funds note '$DB'"
check "validation: the other edit of that sync went through" \
	sc all-have '"An accepted edit in the same sync"' area:storage description "$DB"
nr A status
check "validation: the human status shows the rejected edit" grep -qiE 'rejected.*1' "$OUT"
nr A sync
expect_rc 3 "validation: the next sync (the refused edit still waits)"
# On a terminal the summary line says it, and no second line does.
NORON_CONFIG="$T/A.cfg" script -qec "$NORON --db $T/A.db sync" /dev/null >"$T/tty.out" 2>&1 </dev/null
check "validation: on a terminal the summary counts the refused edit and names noron status" \
	grep -q 'synced: .*, 1 edit refused by the endpoint (noron status lists it with its reasons)' "$T/tty.out"
check "validation: ... and only the summary says it" eval "! grep -q 'noron: synced, but' '$T/tty.out'"
check "validation: ... still counts 1 rejected edit and keeps it" \
	eval "test \"\$(statusv A rejected)\" = 1 && sc all-have '\"A refused note\"' fund:nordic-funds note '$T/A.db'"
check "validation: the design document is neither pulled nor deleted" \
	eval "test \"\$(sc sql '$T/A.db' \"select count(*) from docs where id like '_design%'\")\" = 0 && curl -sf --noproxy '*' -o /dev/null '$DB/_design/deny'"
rev=$(curl -s --noproxy '*' "$DB/_design/deny" | sc get _rev | tr -d '"')
curl -s --noproxy '*' -o /dev/null -X DELETE "$DB/_design/deny?rev=$rev"
nr A set fund:nordic-funds note="A note, allowed now"
nr A sync
expect_rc 0 "validation lifted: the sync"
check "validation lifted: a new edit of the refused record goes up" \
	sc all-have '"A note, allowed now"' fund:nordic-funds note "$DB"
check "validation lifted: no rejected edit left" test "$(statusv A rejected)" = 0

# ------------------------------------------------------------------ an edit the endpoint cannot save
# A validation function that crashes on one record: PouchDB Server answers
# that document with its error and a stack trace, the others are saved.
code=$(curl -s --noproxy '*' -o "$T/ddoc" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
	--data-binary '{"validate_doc_update": "function (newDoc) { if (newDoc.note === \"crash the validator\") throw(new Error(\"validator broke on \" + newDoc._id)); }"}' \
	"$DB/_design/buggy")
check "a validation function that crashes on one record is installed (201)" test "$code" = 201
nr A set fund:nordic-funds note="crash the validator"
nr A set area:storage description="Saved beside the one that fails"
nr A sync
expect_one_line_error "1 edit could not be saved on the endpoint" \
	"(fund:nordic-funds: Error: Error: validator broke on fund:nordic-funds)" "it stays unsynced"
check "unsaved edit: the stack trace stays out of the line" eval "! grep -q 'couchdb-eval\|    at ' '$ERR'"
check "unsaved edit: kept in the cache, unsynced" \
	sc kept "$T/A.db" fund:nordic-funds note "crash the validator" 1
check "unsaved edit: the other edit of the round was saved" \
	sc all-have '"Saved beside the one that fails"' area:storage description "$DB"
rev=$(curl -s --noproxy '*' "$DB/_design/buggy" | sc get _rev | tr -d '"')
curl -s --noproxy '*' -o /dev/null -X DELETE "$DB/_design/buggy?rev=$rev"
nr A sync
expect_rc 0 "unsaved edit: once the validator is fixed the next sync"
check "unsaved edit: ... saves it" sc kept "$T/A.db" fund:nordic-funds note "crash the validator" 0 "$DB"

# ------------------------------------------------------------------ big records go in several requests
# 30 records of ~300 KB (9 MB): a push batch holds at most 4 MB of JSON.
"$SYNC_PYTHON" - "$T/big.json" <<'PYEOF'
import json, sys
recs = [{"_id": "fund:big-%02d" % i, "type": "fund", "name": "Big fund %d" % i,
         "note": ("%02d" % i) * 150000, "created_at": "2030-01-01T00:00:00Z",
         "updated_at": "2030-01-01T00:00:00Z", "updated_by": "gen@kb-se"} for i in range(30)]
json.dump({"noron": "export", "version": 1, "records": recs}, open(sys.argv[1], "w"))
PYEOF
nr A import "$T/big.json"
expect_rc 0 "big records: 30 records of 300 KB are imported"
bulk_before=$(grep -c '_bulk_docs' "$PROXY_LOG")
nr A sync --verbose
expect_rc 0 "big records: the sync"
bulk=$(($(grep -c '_bulk_docs' "$PROXY_LOG") - bulk_before))
check "big records: the 9 MB went in 3 or more _bulk_docs requests ($bulk)" test "$bulk" -ge 3
sizes=$(grep '_bulk_docs' "$PROXY_LOG" | tail -n "$bulk" | sed -n 's/.*(request body \([0-9]*\) bytes)$/\1/p' | tr '\n' ' ')
check "big records: each request holds at most 4 MB of JSON ($sizes)" \
	eval "test -n '$sizes' && for n in $sizes; do test \$n -le 4194400 || exit 1; done"
check "big records: --verbose shows each request too" \
	test "$(grep -c 'POST .*_bulk_docs -> 201' "$ERR")" = "$bulk"
check "big records: all 30 arrived whole" sc ep-contains "$DB" "$T/big.json"
unsynced_is A 0 "big records: nothing is left unsynced"

# ------------------------------------------------------------------ a readable config with a password
cfg_write P "url = $DB" "user = A" "password = $PW_A"
chmod 644 "$T/P.cfg"
nr P sync
expect_one_line_error "600"
check "mode 0644: the message names the config file" grep -qF "$T/P.cfg" "$ERR"
chmod 600 "$T/P.cfg"
nr P sync
expect_rc 0 "mode 0600: the same config is accepted"

# ------------------------------------------------------------------ credentials never shown
URLSECRET=urlsecret$RANDOM CMDSECRET=cmdsecret$RANDOM
SECRETS+=("$URLSECRET" "$CMDSECRET"
	"$(printf 'carol:%s' "$URLSECRET" | base64)" "$(printf 'carol:%s' "$CMDSECRET" | base64)")
endpoint_user carol "$CMDSECRET"
pxu="http://carol:$URLSECRET@$PX_HOST/$DBNAME"
# The URL's own password is wrong for carol: used, it gets a 401.
cfg_write S "url = $pxu"
nr S sync --verbose
check "credentials in the URL are used (carol's wrong URL password gets 401)" \
	eval "test $RC = 1 && grep -q 'password' '$ERR'"
cfg_write S "url = $pxu" "user = carol" "password_command = printf '%s\\n' '$CMDSECRET'"
nr S sync --verbose
expect_rc 0 "user and password_command: sync --verbose"
nr S set area:storage title="Storage (S)"
for spec in "401" "403" "500 _bulk_docs 1" "truncated-json _changes 1" "wrong-shape _bulk_docs 1" \
	"503-retry-after _changes 1" "refuse . 1"; do
	pmode $spec
	nr S sync --verbose
	check "secrets: sync --verbose with $spec ended (exit $RC) without a crash" test "$RC" -lt 2
done
proxy_mode pass
nr S sync --url "$pxu" --verbose
nr S status
nr S status --json
nr S sync --verbose
expect_rc 0 "secrets: the final sync"
check "secrets: the cache files hold no password" \
	eval 'for f in "$T"/S.db*; do ! grep -qaF -e "$URLSECRET" -e "$CMDSECRET" "$f" || { echo "in $f"; exit 1; }; done'
check "secrets: the proxy saw every request (the runs went through it)" grep -q 'mode=401' "$PROXY_LOG"

finish
