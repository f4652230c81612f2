#!/usr/bin/env bash
# tests/sync/test_votes.sh: votes on a workshop proposal travel through the
# sync. Two caches, A at kb-se and B at nb-no, share a proposal through one
# PouchDB Server; each votes offline (A +1, B -1) and, after syncing A, B, A,
# both votes are on both caches and on the endpoint, without a conflict.
# Changed votes merge the same way (one vote per institution). Two different
# decisions on the status (A accepts, B declines) do conflict: the second to
# sync exits 3 and its conflict names the field "status", not the votes. A
# workshop deleted on the endpoint by another program sends its scheduled
# proposal back to accepted, with a note, on both caches.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
cache_new A
cache_new B

# synced NAME [RC [DESC]]: one sync of NAME, which must exit RC (default 0).
synced() {
	nr "$1" sync
	expect_rc "${2:-0}" "${3:-sync of $1}"
}
# json_has JSON PYEXPR: PYEXPR over d (the parsed JSON) holds.
json_has() {
	"$SYNC_PYTHON" -S -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" ||
		{ echo "not true: $2 in $1" | head -c 2000; return 1; }
}

check "cache A votes for kb-se (its config)" grep -qx 'institution = kb-se' "$T/A.cfg"
check "cache B votes for nb-no (its config)" grep -qx 'institution = nb-no' "$T/B.cfg"

# ------------------------------------------------------------------ a shared proposal
synced A 0 "first contact: A syncs"
synced B 0 "first contact: B syncs"
nr A add proposal title="Shared WARC validation" area=web-harvesting institution=nl-fi \
	format=workshop abstract="Validating WARC files the same way in every library."
expect_rc 0 "A adds a proposal"
PP=$(tr -d '\n' <"$OUT")
synced A 0 "A pushes the proposal"
synced B 0 "B pulls the proposal"
fieldis "B has the proposal" '"Shared WARC validation"' "$PP" title B @
fieldis "the proposal has no votes yet" null "$PP" votes A B @

# ------------------------------------------------------------------ offline votes: A +1, B -1
nr A triage "$PP" vote +1
expect_rc 0 "A votes +1 offline"
nr B triage "$PP" vote -1
expect_rc 0 "B votes -1 offline"
fieldis "before the sync A holds only its own vote" '{"institution:kb-se":1}' "$PP" votes A
fieldis "before the sync B holds only its own vote" '{"institution:nb-no":-1}' "$PP" votes B
synced A 0 "votes: A syncs first"
synced B 0 "votes: B syncs and merges the votes (no conflict)"
synced A 0 "votes: A syncs again"
fieldis "both votes survive on A, B and the endpoint" \
	'{"institution:kb-se":1,"institution:nb-no":-1}' "$PP" votes A B @
fieldis "the votes left the status alone" '"new"' "$PP" status A B @
check "no conflict on A" test "$(statusv A conflicts)" = 0
check "no conflict on B" test "$(statusv B conflicts)" = 0
converged "offline votes" A B

# ------------------------------------------------------------------ changed votes, B first
nr A triage "$PP" vote 0
expect_rc 0 "A changes its vote to 0"
nr B triage "$PP" vote +1
expect_rc 0 "B changes its vote to +1"
synced B 0 "changed votes: B syncs first"
synced A 0 "changed votes: A syncs and merges"
synced B 0 "changed votes: B syncs again"
fieldis "each institution's new vote replaced its old one, everywhere" \
	'{"institution:kb-se":0,"institution:nb-no":1}' "$PP" votes A B @
converged "changed votes" A B

# ------------------------------------------------------------------ two decisions: a conflict
nr A triage "$PP" accept
expect_rc 0 "A accepts the proposal"
nr B triage "$PP" decline --reason "Overlaps the web archiving workshop"
expect_rc 0 "B declines it"
synced A 0 "decisions: A syncs first"
synced B 3 "decisions: B, the second to sync, exits 3 (a conflict)"
fieldis "the endpoint holds A's decision" '"accepted"' "$PP" status @
fieldis "B keeps its own decision until resolved" '"declined"' "$PP" status B
check "B counts 1 conflict" test "$(statusv B conflicts)" = 1
nr B conflicts --json
expect_rc 0 "B: conflicts --json"
cj=$(cat "$OUT")
check "the conflict is on the proposal and lists the field status" \
	json_has "$cj" "[c for c in d['conflicts'] if c['id'] == '$PP' and 'status' in c['fields']]"
check "mine is B's decline, theirs A's accept" \
	json_has "$cj" "[c for c in d['conflicts'] if c['id'] == '$PP'
and c['mine']['status'] == 'declined' and c['theirs']['status'] == 'accepted']"
check "the votes are not part of the conflict" \
	json_has "$cj" "[c for c in d['conflicts'] if c['id'] == '$PP' and 'votes' not in c['fields']]"
nr B conflicts
check "the human conflicts list names the proposal and status" \
	bash -c "grep -qF '$PP' '$OUT' && grep -qw status '$OUT'"

# Settled with A's decision; the votes are still both there.
nr B resolve "$PP" theirs
expect_rc 0 "B takes A's decision (theirs)"
synced B 0 "after resolve: B syncs"
synced A 0 "after resolve: A syncs"
fieldis "the proposal is accepted everywhere" '"accepted"' "$PP" status A B @
fieldis "the votes survived the conflict" \
	'{"institution:kb-se":0,"institution:nb-no":1}' "$PP" votes A B @
converged "after the conflict" A B

# ------------------------------------------------------------------ the event deleted elsewhere
# A schedules the proposal; another program deletes the workshop on the
# endpoint. B's sync takes the delete and, as a delete made here would,
# sends the proposal back to accepted with a note: an edit of B's, pushed in
# the same sync, which A then takes. The acceptance keeps its moment.
nr A triage "$PP" schedule --start 2027-05-04 --location Reykjavik
expect_rc 0 "A schedules the proposal"
EV=$(fieldv A "$PP" event | tr -d '"')
check "A's proposal names its workshop ($EV)" test "${EV#event:}" != "$EV"
ACCEPTED_AT=$(fieldv A "$PP" accepted_at)
synced A 0 "schedule: A syncs"
synced B 0 "schedule: B syncs"
fieldis "the proposal is scheduled everywhere" '"scheduled"' "$PP" status A B @
rev=$(ep_doc "$EV" | "$SYNC_PYTHON" -S -c 'import json, sys; print(json.load(sys.stdin)["_rev"])')
code=$(curl -s --noproxy '*' --max-time 30 -o /dev/null -w '%{http_code}' -X DELETE \
	"$DB/$(sc urlquote "$EV")?rev=$rev")
check "the workshop is deleted on the endpoint by another program (HTTP $code)" \
	test "$code" = 200
synced B 0 "event deleted: B syncs"
fieldis "B took the delete" DELETED "$EV" title B
fieldis "the proposal is accepted again on B and on the endpoint" '"accepted"' "$PP" status B @
fieldis "it no longer names the event" null "$PP" event B @
check "B's note says why" grep -q "its event was deleted; accepted again" <<<"$(fieldv B "$PP" triage_note)"
check "the endpoint has the note" grep -q "event was deleted" <<<"$(ep_fieldv "$PP" triage_note)"
fieldis "the acceptance keeps its moment" "$ACCEPTED_AT" "$PP" accepted_at B @
synced A 0 "event deleted: A syncs"
fieldis "A has it accepted again too, without the event" '"accepted"' "$PP" status A
fieldis "A's proposal names no event" null "$PP" event A
check "no conflict on A" test "$(statusv A conflicts)" = 0
check "no conflict on B" test "$(statusv B conflicts)" = 0
converged "after the event was deleted elsewhere" A B

finish
