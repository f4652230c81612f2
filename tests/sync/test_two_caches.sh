#!/usr/bin/env bash
# tests/sync/test_two_caches.sh: two people at two libraries, caches A and B,
# one PouchDB Server. Adds, edits and deletes travel both ways (seed records
# included, no duplicates); edits of different fields merge in either order;
# the same field changed twice is a conflict that loses nothing and resolves
# either way; an edit against a delete is a conflict; id lists merge as sets
# and votes per institution; documents of a newer noron (an unknown type, an
# unknown field) are kept and passed through; an edit made during a sync
# stays unsynced; a second sync changes nothing.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
cache_new A
cache_new B

# synced NAME [RC]: one sync of NAME, which must exit RC (default 0).
synced() {
	nr "$1" sync
	expect_rc "${2:-0}" "${3:-sync of $1}"
}
# both_have DESC ID FIELD JSON: A, B and the endpoint hold FIELD = JSON in ID.
both_have() { fieldis "$1: A, B and the endpoint have $3=$4" "$4" "$2" "$3" A B @; }
# deleted_in NAME ID: the record is a tombstone in NAME (show says deleted,
# export leaves it out).
deleted_in() {
	local head
	head=$(NORON_CONFIG="$T/$1.cfg" "$NORON" --db "$T/$1.db" show "$2" 2>&1 </dev/null | head -n 1)
	export_of "$1" "$T/exp.$1"
	case $head in
	*deleted*) ! grep -qF "\"$2\"" "$T/exp.$1" ;;
	*) echo "show $2: $head (export: $(grep -c "\"$2\"" "$T/exp.$1"))"; return 1 ;;
	esac
}
json_has() {	# json_has JSON PYEXPR: PYEXPR over d holds
	"$SYNC_PYTHON" -S -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" || { echo "not true: $2 in $1" | head -c 2000; return 1; }
}

# ------------------------------------------------------------------ first contact
synced A
synced B
same_caches A B "fresh caches agree (seed included)"

# ------------------------------------------------------------------ documents of a newer noron
FUT=person:00000000000000000000000000f0f0f0
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data-binary '{"docs": [{"_id": "'$FUT'", "type": "person", "name": "Future Person", "institution": "institution:nb-no", "x_future": {"since": 2, "tags": ["a", "b"]}, "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "updated_by": "newer@nb-no"}, {"_id": "gadget:1", "type": "gadget", "name": "A type this noron does not know", "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "updated_by": "newer@nb-no"}]}' \
	"$DB/_bulk_docs")
check "documents of a newer noron are on the endpoint (201)" test "$code" = 201
synced A
nr A set "$FUT" role="Edited by an older noron"
expect_rc 0 "A edits the record that has an unknown field"
synced A
fieldis "unknown field: A's edit reached the endpoint" '"Edited by an older noron"' "$FUT" role @
fieldis "unknown field: it is passed through unchanged" '{"since":2,"tags":["a","b"]}' "$FUT" x_future A @
fieldis "unknown type: A keeps the document" '"A type this noron does not know"' gadget:1 name A
check "unknown type: it is still on the endpoint" sc all-have '"A type this noron does not know"' gadget:1 name "$DB"
synced B
fieldis "unknown field and type: B has them too" '{"since":2,"tags":["a","b"]}' "$FUT" x_future B

# ------------------------------------------------------------------ A -> B
nr A add person name="Åsa Example" institution=kb-se role=Developer email=asa@example.org
expect_rc 0 "A adds a person"
PA=$(tr -d '\n' <"$OUT")
nr A add project title="Shared storage study" status=planned areas=storage,metadata institutions=kb-se
expect_rc 0 "A adds a project"
PJ=$(tr -d '\n' <"$OUT")
nr A set area:storage title="Storage (A)"
expect_rc 0 "A edits the seed record area:storage"
nr A set event:2011-stockholm location="Stockholm, KB"
expect_rc 0 "A edits the seed record event:2011-stockholm"
nr A delete event:2011-copenhagen
expect_rc 0 "A deletes the seed record event:2011-copenhagen"
nr A add fund name="Temporary fund" url=https://fund.example.org
FT=$(tr -d '\n' <"$OUT")
synced A
synced B
fieldis "B received A's new fund" '"Temporary fund"' "$FT" name B
nr A delete "$FT"
expect_rc 0 "A deletes a record it added and synced"
unsynced_is A 1 "A: the delete is one unsynced edit"
synced A
synced B
fieldis "B received A's new person" '"Åsa Example"' "$PA" name B
fieldis "B received A's new project's areas" '["area:storage","area:metadata"]' "$PJ" areas B
fieldis "B received A's edit of a seed record" '"Storage (A)"' area:storage title B
fieldis "B received A's second seed edit" '"Stockholm, KB"' event:2011-stockholm location B
check "A's delete of a seed record reached B as a tombstone" deleted_in B event:2011-copenhagen
check "A's delete of its own synced record reached B" deleted_in B "$FT"
check "the endpoint holds A's deletes as tombstones" \
	eval 'sc ep-deleted "$DB" "$FT" && sc ep-deleted "$DB" event:2011-copenhagen'
converged "A to B" A B
no_duplicates A
no_duplicates B

# ------------------------------------------------------------------ B -> A
nr B add skill topic="Web archiving with Heritrix" kind=skill person="$PA" institution=kb-se area=web-harvesting
expect_rc 0 "B adds a skill referring to A's person"
SK=$(tr -d '\n' <"$OUT")
nr B set "$PA" role="Head of IT"
expect_rc 0 "B edits A's person"
nr B delete "$PJ"
expect_rc 0 "B deletes A's project"
nr B set institution:kb-dk city="Copenhagen"
expect_rc 0 "B edits a seed institution"
synced B
synced A
fieldis "A received B's skill" '"Web archiving with Heritrix"' "$SK" topic A
fieldis "A received B's edit of its person" '"Head of IT"' "$PA" role A
fieldis "A kept its own fields of that person" '"asa@example.org"' "$PA" email A
check "B's delete of A's project reached A" deleted_in A "$PJ"
fieldis "A received B's seed edit" '"Copenhagen"' institution:kb-dk city A
converged "B to A" A B
no_duplicates A "A: no id twice after both ways"
check "A and B count the same records" test "$(statusv A records)" = "$(statusv B records)"

# ------------------------------------------------------------------ different fields, A first
nr A set event:2011-noron-oslo title="NORON Oslo (A)"
nr B set event:2011-noron-oslo location="Oslo, NB (B)"
synced A 0 "different fields, A first: A syncs"
synced B 0 "different fields, A first: B syncs and merges (no conflict)"
synced A 0 "different fields, A first: A syncs again"
both_have "different fields, A first" event:2011-noron-oslo title '"NORON Oslo (A)"'
both_have "different fields, A first" event:2011-noron-oslo location '"Oslo, NB (B)"'
converged "different fields, A first" A B

# ------------------------------------------------------------------ different fields, B first
nr A set area:metadata description="Metadata, as A sees it."
nr B set area:metadata title="Metadata (B)"
synced B 0 "different fields, B first: B syncs"
synced A 0 "different fields, B first: A syncs and merges (no conflict)"
synced B 0 "different fields, B first: B syncs again"
both_have "different fields, B first" area:metadata description '"Metadata, as A sees it."'
both_have "different fields, B first" area:metadata title '"Metadata (B)"'
converged "different fields, B first" A B

# ------------------------------------------------------------------ same field: conflict, keep mine
orig=$(fieldv A area:web-access title)
nr A set area:web-access title="Web access (A)"
nr B set area:web-access title="Web access (B)"
synced A 0 "same field: A syncs first"
synced B 3 "same field: B's sync reports the conflict"
fieldis "same field: B's cache still holds B's value (mine)" '"Web access (B)"' area:web-access title B
fieldis "same field: the endpoint holds A's value" '"Web access (A)"' area:web-access title @
check "same field: status counts 1 conflict on B" test "$(statusv B conflicts)" = 1
nr B conflicts --json
expect_rc 0 "B: conflicts --json"
cj=$(cat "$OUT")
check "same field: conflicts lists area:web-access with field title, mine B, theirs A, base the original" \
	json_has "$cj" "len(d['conflicts']) == 1 and d['conflicts'][0]['id'] == 'area:web-access'
and 'title' in d['conflicts'][0]['fields']
and d['conflicts'][0]['mine']['title'] == 'Web access (B)'
and d['conflicts'][0]['theirs']['title'] == 'Web access (A)'
and d['conflicts'][0]['base']['title'] == $orig
and d['conflicts'][0]['theirs_rev'] != ''"
nr B conflicts
check "same field: the human conflicts list names the record" grep -q 'area:web-access' "$OUT"
synced B 3 "same field: an unresolved conflict is reported again"
fieldis "same field: an unresolved conflict is not pushed" '"Web access (A)"' area:web-access title @
nr B resolve area:web-access mine
expect_rc 0 "B resolves with mine"
check "after resolve: no conflict left on B" test "$(statusv B conflicts)" = 0
synced B 0 "after resolve mine: B syncs"
synced A 0 "after resolve mine: A syncs"
both_have "resolved with mine" area:web-access title '"Web access (B)"'
converged "resolved with mine" A B

# ------------------------------------------------------------------ same field: conflict, take theirs
nr A set area:web-harvesting title="Web harvesting (A)"
nr B set area:web-harvesting title="Web harvesting (B)"
synced A 0 "same field again: A syncs first"
synced B 3 "same field again: B's sync reports the conflict"
nr B conflicts --json
check "same field again: theirs in conflicts --json is A's value, mine B's" \
	json_has "$(cat "$OUT")" "[c for c in d['conflicts'] if c['id'] == 'area:web-harvesting'
and c['mine']['title'] == 'Web harvesting (B)' and c['theirs']['title'] == 'Web harvesting (A)']"
nr B resolve area:web-harvesting theirs
expect_rc 0 "B resolves with theirs"
synced B 0 "after resolve theirs: B syncs"
synced A 0 "after resolve theirs: A syncs"
both_have "resolved with theirs" area:web-harvesting title '"Web harvesting (A)"'
converged "resolved with theirs" A B

# ------------------------------------------------------------------ edit on A, delete on B (B syncs first)
nr B delete event:2011-visit-se-dk-web-harvesting
nr A set event:2011-visit-se-dk-web-harvesting location="Copenhagen (A)"
synced B 0 "edit vs delete, delete first: B syncs its delete"
synced A 3 "edit vs delete, delete first: A's sync reports a conflict"
fieldis "edit vs delete: A's edit is still in A's cache" '"Copenhagen (A)"' event:2011-visit-se-dk-web-harvesting location A
nr A conflicts --json
check "edit vs delete: conflicts lists it with _deleted, theirs deleted (null), mine the edit" \
	json_has "$(cat "$OUT")" "[c for c in d['conflicts'] if c['id'] == 'event:2011-visit-se-dk-web-harvesting'
and '_deleted' in c['fields'] and c['theirs'] is None and c['mine']['location'] == 'Copenhagen (A)']"
nr A resolve event:2011-visit-se-dk-web-harvesting mine
expect_rc 0 "A keeps its edit (mine)"
synced A 0 "edit vs delete: A pushes the kept record"
synced B 0 "edit vs delete: B syncs"
both_have "edit kept over the delete" event:2011-visit-se-dk-web-harvesting location '"Copenhagen (A)"'
converged "edit vs delete, delete first" A B

# ------------------------------------------------------------------ edit on A, delete on B (A syncs first)
nr A set event:2012-it-managers-mo-i-rana location="Mo i Rana (A)"
nr B delete event:2012-it-managers-mo-i-rana
synced A 0 "edit vs delete, edit first: A syncs its edit"
synced B 3 "edit vs delete, edit first: B's sync reports a conflict"
fieldis "edit vs delete, edit first: A's edit is on the endpoint" '"Mo i Rana (A)"' event:2012-it-managers-mo-i-rana location @
nr B conflicts --json
check "edit vs delete, edit first: B's conflicts list it with _deleted, theirs A's edit" \
	json_has "$(cat "$OUT")" "[c for c in d['conflicts'] if c['id'] == 'event:2012-it-managers-mo-i-rana'
and '_deleted' in c['fields'] and c['theirs']['location'] == 'Mo i Rana (A)']"
nr B resolve event:2012-it-managers-mo-i-rana theirs
expect_rc 0 "B takes A's edit (theirs)"
synced B 0 "edit vs delete, edit first: B syncs"
synced A 0 "edit vs delete, edit first: A syncs"
both_have "edit taken over the delete" event:2012-it-managers-mo-i-rana location '"Mo i Rana (A)"'
converged "edit vs delete, edit first" A B

# ------------------------------------------------------------------ edit on A, delete on B, the delete kept
nr A set event:2011-noron-oslo description="Edited by A, deleted by B"
nr B delete event:2011-noron-oslo
synced A 0 "edit vs delete, delete kept: A syncs its edit"
synced B 3 "edit vs delete, delete kept: B's sync reports a conflict"
nr B resolve event:2011-noron-oslo mine
expect_rc 0 "B keeps its delete (mine)"
synced B 0 "edit vs delete, delete kept: B pushes the delete"
synced A 0 "edit vs delete, delete kept: A syncs"
fieldis "edit vs delete, delete kept: the record is deleted in A, B and on the endpoint" \
	DELETED event:2011-noron-oslo title A B @
converged "edit vs delete, delete kept" A B

# ------------------------------------------------------------------ id lists as sets, votes per institution
nr A add project title="Set merge" status=idea areas=storage,metadata institutions=kb-se
PS=$(tr -d '\n' <"$OUT")
nr A add proposal title="A workshop on WARC" area=web-harvesting institution=kb-se
PP=$(tr -d '\n' <"$OUT")
synced A
synced B
nr A set "$PS" areas=storage,metadata,web-harvesting institutions=kb-se,nb-no
expect_rc 0 "A adds an area and an institution to the project"
nr B set "$PS" areas=metadata,digitization institutions=kb-se,kb-dk
expect_rc 0 "B removes an area, adds another and an institution"
nr A triage "$PP" vote 1
expect_rc 0 "A votes +1 for its institution"
nr B triage "$PP" vote -1
expect_rc 0 "B votes -1 for its institution"
synced A 0 "lists: A syncs"
synced B 0 "lists: B syncs and merges without conflict"
synced A 0 "lists: A syncs again"
fieldis "lists: the project's areas are the merged set {metadata, web-harvesting, digitization}" \
	'{"set":["area:digitization","area:metadata","area:web-harvesting"]}' "$PS" areas A B @
fieldis "lists: the project's institutions are the merged set {kb-se, nb-no, kb-dk}" \
	'{"set":["institution:kb-dk","institution:kb-se","institution:nb-no"]}' "$PS" institutions A B @
fieldis "votes: both institutions' votes are kept" \
	'{"institution:kb-se":1,"institution:nb-no":-1}' "$PP" votes A B @
converged "lists and votes" A B

# ------------------------------------------------------------------ an edit during a sync
FAULTPROXY_SLOW_DELAY=0.08 proxy_start "$ENDPOINT_URL" pass
cache_url A "$PROXY_URL/$DBNAME"
nr A set area:organization title="During 1"
proxy_mode slow-body _bulk_docs 1
nr_bg A sync
pushed=
for _ in $(seq 1 150); do
	if [ "$(ep_fieldv area:organization title)" = '"During 1"' ]; then pushed=1; break; fi
	kill -0 "$BG_PID" 2>/dev/null || break
	sleep 0.1
done
check "during a sync: the push reached the endpoint while the answer trickles" test -n "$pushed"
still=$(kill -0 "$BG_PID" 2>/dev/null && echo running)
nr A set area:organization title="During 2"
expect_rc 0 "during a sync: noron set on the same record works while the sync runs"
check "during a sync: the edit was made while the sync was still running" test "$still" = running
nr_wait
expect_rc 0 "during a sync: the sync completes"
fieldis "during a sync: the cache keeps the later edit" '"During 2"' area:organization title A
unsynced_is A 1 "during a sync: the later edit is still counted unsynced"
fieldis "during a sync: the endpoint has the first edit only" '"During 1"' area:organization title @
proxy_mode pass
synced A 0 "after the sync: the next sync"
fieldis "after the sync: the later edit reached the endpoint" '"During 2"' area:organization title @
unsynced_is A 0 "after the sync: nothing unsynced"
proxy_stop
cache_url A "$DB"
synced A
synced B
converged "edit during a sync" A B

# ------------------------------------------------------------------ a second sync changes nothing
for n in A B; do
	synced "$n" 0 "idle: $n syncs"
	export_of "$n" "$T/before.$n"
	hist=$(sc sql "$T/$n.db" "select count(*) from history")
	seq=$(curl -s --noproxy '*' "$DB" | sc get update_seq)
	nr "$n" sync --progress --verbose
	expect_rc 0 "idle: $n syncs again"
	check "idle: $n's second sync reports 0 pulled, 0 pushed, 0 conflicts, 0 rejected" \
		grep -qx 'done 0 0 0 0' "$OUT"
	check "idle: $n's second sync posts nothing to _bulk_docs" eval "! grep -q 'POST .*_bulk_docs' '$ERR'"
	check "idle: $n's second sync costs 2 requests (the checkpoint and _changes)" \
		test "$(grep -c '^noron: [A-Z]* .* -> ' "$ERR")" = 2
	export_of "$n" "$T/after.$n"
	check "idle: $n's records did not change" sc same-exports "$T/before.$n" "$T/after.$n"
	check "idle: $n's history did not grow" test "$(sc sql "$T/$n.db" "select count(*) from history")" = "$hist"
	check "idle: the endpoint's update_seq did not move" \
		test "$(curl -s --noproxy '*' "$DB" | sc get update_seq)" = "$seq"
	unsynced_is "$n" 0 "idle: $n has nothing unsynced"
done
integrity_ok A
integrity_ok B

finish
