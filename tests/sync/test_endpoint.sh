#!/usr/bin/env bash
# tests/sync/test_endpoint.sh: noron endpoint setup and check against a real
# PouchDB Server, and the validation setup installs at work in the sync.
# check finds a missing database, a bare one (no _design/noron, no
# _security) and a design document of another version, changed by hand or
# not noron's, one line per problem; setup creates what is missing, says
# what it changed, changes nothing the second time and keeps what else a
# design document holds. A cache holding records that bypassed noron's own
# validation (written into its table directly) has each refused with the
# endpoint's reason naming the field, while the other records sync; the
# user corrects them (noron set), sends one again (resolve mine) or discards
# them (resolve theirs, delete). With real users (PouchDB Server out of its
# "admin party"), a library changes only its own standing cells and votes,
# and check tells a user whose roles do not match the config.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
endpoint_start
DBNAME=noron DB=$ENDPOINT_URL/noron
export DB DBNAME
DDOC=_design/noron
# The administrator: anonymous, which PouchDB Server's admin party makes _admin.
cfg_write ADM "url = $DB" "institution = kb-se"

# lines FILE TEXT...: FILE has a line holding each TEXT.
lines() {
	local f=$1 t
	shift
	for t in "$@"; do
		grep -qF -- "$t" "$f" || { echo "no line with '$t' in:"; cat "$f"; return 1; }
	done
}
# err_lines N: stderr holds N lines, each "noron: " first.
err_lines() {
	[ "$(wc -l <"$ERR")" = "$1" ] && ! grep -qv '^noron: ' "$ERR" ||
		{ echo "want $1 lines on stderr:"; cat "$ERR"; return 1; }
}
# ddoc PYEXPR [URL]: PYEXPR over d, the endpoint's design document, holds.
ddoc() {
	curl -s --noproxy '*' --max-time 30 "${2:-$DB}/$DDOC" | "$SYNC_PYTHON" -S -c '
import json, sys
d = json.load(sys.stdin)
ok = eval(sys.argv[1])
print(json.dumps({k: (v[:60] if isinstance(v, str) else v) for k, v in d.items()}))
sys.exit(0 if ok else 1)' "$1"
}
# tamper PYSTMT: rewrites the design document with PYSTMT applied to d.
tamper() {
	curl -s --noproxy '*' --max-time 30 "$DB/$DDOC" | "$SYNC_PYTHON" -S -c '
import json, sys
d = json.load(sys.stdin)
exec(sys.argv[1])
print(json.dumps(d))' "$1" | curl -s --noproxy '*' --max-time 30 -o /dev/null -w '%{http_code}' \
		-X PUT -H 'Content-Type: application/json' --data-binary @- "$DB/$DDOC"
}

# ------------------------------------------------------------------ before setup
nr ADM endpoint check
expect_rc 1 "check before setup"
check "check names the server and version" lines "$OUT" "server: PouchDB Server 4.2.0 at $ENDPOINT_URL/"
check "check says the database is missing, in one line" err_lines 1
check "... and that setup creates it" lines "$ERR" "$DB/ does not exist" "noron endpoint setup creates it"

# ------------------------------------------------------------------ setup
nr ADM endpoint setup
expect_rc 0 "setup"
check "setup creates the database, sets _security, installs $DDOC" lines "$OUT" \
	"database: $DB/ created" "_security: member role noron, admin role noron-admin: set" \
	"validation: $DDOC installed"
check "the endpoint's _security: members role noron, admins role noron-admin" bash -c \
	"curl -s --noproxy '*' '$DB/_security' | grep -qF '\"members\":{\"roles\":[\"noron\"]}' &&
	 curl -s --noproxy '*' '$DB/_security' | grep -qF '\"admins\":{\"roles\":[\"noron-admin\"]}'"
"$NORON" endpoint design >"$T/design.json" 2>"$T/design.err"
check "noron endpoint design prints the design document" test -s "$T/design.json"
check "the endpoint holds the design document noron endpoint design prints" ddoc \
	"d['validate_doc_update'] == json.load(open('$T/design.json'))['validate_doc_update'] and d['noron_validation'] == json.load(open('$T/design.json'))['noron_validation'] and d['language'] == 'javascript'"
nr ADM endpoint setup
expect_rc 0 "setup again"
check "setup again is harmless and says nothing changed" lines "$OUT" "database: $DB/ is there" \
	"_security: member role noron, admin role noron-admin: unchanged" "validation: $DDOC unchanged"
check "setup again did not rewrite the design document (revision 1)" ddoc "d['_rev'].startswith('1-')"
nr ADM endpoint check
expect_rc 0 "check after setup"
check "check: all is well, nothing on stderr" test ! -s "$ERR"
check "check reports the database, validation, _security and user" lines "$OUT" \
	"database: $DB/ is there" "validation: $DDOC is current" \
	"_security: member role noron, admin role noron-admin" \
	"user: anonymous (roles _admin) reads and writes the database"

# ------------------------------------------------------------------ a bare database
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT "$ENDPOINT_URL/bare")
check "a bare database (201)" test "$code" = 201
nr ADM endpoint check --url "$ENDPOINT_URL/bare"
expect_rc 1 "check of a bare database"
check "bare: two problems, one line each" err_lines 2
check "bare: the lines name the missing design document and _security" lines "$ERR" \
	"$DDOC is missing" "_security lacks the member role noron and the admin role noron-admin"

# ------------------------------------------------------------------ outdated design documents
code=$(tamper 'd["noron_validation"] = "0" * 32; d["validate_doc_update"] += "\n"; d["views"] = {"by_type": {"map": "function (doc) { emit(doc.type, 1); }"}}')
check "the design document is made another version's (201)" test "$code" = 201
nr ADM endpoint check
expect_rc 1 "check with another version's design document"
check "outdated: one line naming it" err_lines 1
check "outdated: the line says so and what to do" lines "$ERR" "$DDOC is another version's" \
	"noron endpoint setup updates it"
code=$(tamper 'd["noron_validation"] = json.load(open("'"$T"'/design.json"))["noron_validation"]
d["validate_doc_update"] = d["validate_doc_update"].replace("refuse(why)", "why = null")')
nr ADM endpoint check
expect_rc 1 "check with a design document changed by hand (its digest kept)"
check "changed by hand: one line naming it" lines "$ERR" "$DDOC is changed by hand"
code=$(tamper 'del d["noron_validation"]')
nr ADM endpoint check
expect_rc 1 "check with a design document without noron's digest"
check "not noron's: one line naming it" lines "$ERR" "$DDOC is not made by noron"
nr ADM endpoint setup
expect_rc 0 "setup puts the validation back"
check "setup says it updated the design document and from what" lines "$OUT" \
	"validation: $DDOC updated" "it was not made by noron"
check "setup kept the design document's views" ddoc "'by_type' in d.get('views', {})"
nr ADM endpoint check
expect_rc 0 "check after the update"

# ------------------------------------------------------------------ the sync through the validation
# Cache A is anonymous, so _admin in the admin party: structure is checked
# for administrators too.
cfg_write A "url = $DB" "institution = kb-se"
nr A sync
expect_rc 0 "A's first sync: the seed passes the validation"
nr A add standing area=storage institution=kb-se level=operational
expect_rc 0 "A adds a standing cell"
ST=$(tr -d '\n' <"$OUT")
nr A add fund name="Bypass fund" deadline=2031-05-01
expect_rc 0 "A adds a fund"
FUND=$(tr -d '\n' <"$OUT")
nr A sync
expect_rc 0 "valid records sync"
fieldis "the standing cell is on the endpoint" '"operational"' "$ST" level A @
fieldis "the fund is on the endpoint" '"2031-05-01"' "$FUND" deadline A @

# Records written into the cache's table, past noron's own validation.
"$SYNC_PYTHON" -S - "$T/A.db" "$FUND" "$ST" <<'PYEOF' >"$T/bypass.out" 2>&1
import json, sqlite3, sys
db, fund, standing = sys.argv[1:4]
now = "2030-01-01T00:00:00Z"
def rec(i, t, **f):
    d = {"_id": i, "type": t, "created_at": now, "updated_at": now, "updated_by": "bypass@kb-se"}
    d.update(f)
    return d
new = [
    rec("standing:metadata:kb-se", "standing", area="area:metadata",
        institution="institution:kb-se", level="superb"),
    rec("event:bypass-number", "event", title="A number for a date", kind="meeting",
        start=20300101),
    rec("gadget:bypass-type", "gadget", name="A type noron does not know"),
    rec("area:bypass-prefix", "person", name="Prefix and type differ",
        institution="institution:kb-se"),
    rec("person:bypass-required", "person", name="No institution"),
    rec("fund:bypass-big", "fund", name="Too big", note="x" * (1100 * 1000)),
]
c = sqlite3.connect(db, timeout=30)
for d in new:
    c.execute("INSERT INTO docs(id, type, body, dirty, updated_at) VALUES(?, ?, ?, 1, ?)",
              (d["_id"], d["type"], json.dumps(d), now))
def change(i, **f):
    body = json.loads(c.execute("SELECT body FROM docs WHERE id = ?", (i,)).fetchone()[0])
    body.update(f)
    c.execute("UPDATE docs SET body = ?, dirty = 1 WHERE id = ?", (json.dumps(body), i))
change(fund, deadline="2031-02-30")
change(standing, priority="yes")
c.commit()
print("wrote", len(new) + 2)
PYEOF
check "eight records written into A's cache past noron's validation" grep -q 'wrote 8' "$T/bypass.out"
nr A add project title="Valid beside the bypass" status=idea
expect_rc 0 "A adds a valid project beside them"
PRJ=$(tr -d '\n' <"$OUT")
nr A sync
expect_rc 3 "sync with refused records: the round succeeds, and says edits wait for a person"
check "... in one line on stderr, without a terminal: 8 refused edits, noron status" \
	eval "test \$(wc -l <'$ERR') = 1 && grep -q '^noron: synced, but the endpoint refused 8 edits: noron status shows them' '$ERR'"
fieldis "the valid project reached the endpoint" '"Valid beside the bypass"' "$PRJ" title A @
check "status counts 8 rejected edits" test "$(statusv A rejected)" = 8
nr A status
# refused ID TEXT...: ID is not on the endpoint (or keeps its old value) and
# A's status lists it with the endpoint's reason holding each TEXT.
refused() {
	local id=$1
	shift
	check "$id refused with the endpoint's reason: $*" bash -c '
		f=$1; id=$2; shift 2
		line=$(grep -F -- "$id" "$f") || { echo "$id not listed"; cat "$f"; exit 1; }
		for t in "$@"; do case $line in *"$t"*) ;; *) echo "no \"$t\" in: $line"; exit 1;; esac; done' \
		_ "$OUT" "$id" "$@"
}
refused standing:metadata:kb-se "field 'level': 'superb' is not one of none, planned"
refused event:bypass-number "field 'start' must be date or date-time, as text"
refused gadget:bypass-type "unknown record type 'gadget'"
refused area:bypass-prefix "the id must be \"person:\""
refused person:bypass-required "required field 'institution' is missing"
refused fund:bypass-big "the record is larger than 1 MB"
refused "$FUND" "field 'deadline': '2031-02-30' is not a valid date"
refused "$ST" "field 'priority' must be yes or no"
for id in standing:metadata:kb-se event:bypass-number gadget:bypass-type area:bypass-prefix \
	person:bypass-required fund:bypass-big; do
	fieldis "$id is not on the endpoint" MISSING "$id" _id @
done
fieldis "the fund keeps its valid deadline on the endpoint" '"2031-05-01"' "$FUND" deadline @
fieldis "the standing cell has no priority on the endpoint" null "$ST" priority @
nr A show standing:metadata:kb-se
check "show prints the endpoint's reason on a rejected line" lines "$OUT" \
	"rejected      standing:metadata:kb-se: field 'level': 'superb'"
nr A sync
expect_rc 3 "a second sync: the refused edits still wait"
check "refused edits are not sent again: still 8" test "$(statusv A rejected)" = 8

# The user corrects some, sends one again and discards the others.
nr A set standing:metadata:kb-se level=advanced
expect_rc 0 "A corrects the standing cell's level"
nr A set person:bypass-required institution=kb-se
expect_rc 0 "A gives the person an institution"
nr A set "$FUND" deadline=2031-02-28
expect_rc 0 "A corrects the fund's deadline"
nr A resolve fund:bypass-big mine
expect_rc 0 "A sends the big fund again (resolve mine)"
nr A sync
expect_rc 3 "sync after the corrections: 5 refused edits left"
fieldis "the corrected standing cell is on the endpoint" '"advanced"' standing:metadata:kb-se level A @
fieldis "the corrected person is on the endpoint" '"institution:kb-se"' person:bypass-required \
	institution A @
fieldis "the corrected deadline is on the endpoint" '"2031-02-28"' "$FUND" deadline A @
check "the big fund sent again is refused again; 5 refused edits left" \
	test "$(statusv A rejected)" = 5
nr A resolve "$ST" theirs
expect_rc 0 "A discards the standing cell's refused edit (resolve theirs)"
check "... and is told so" lines "$OUT" "discarded the refused edit of $ST"
fieldis "the standing cell is the endpoint's again" null "$ST" priority A
fieldis "... with its level" '"operational"' "$ST" level A
nr A resolve event:bypass-number theirs
expect_rc 0 "A discards the new event the endpoint never had (resolve theirs)"
nr A show event:bypass-number
check "the event is gone from A" lines "$OUT" "deleted"
for id in gadget:bypass-type area:bypass-prefix fund:bypass-big; do
	nr A delete "$id"
	expect_rc 0 "A deletes $id, malformed as it is"
done
nr A resolve "$ST" theirs
expect_rc 1 "resolve of a record with neither conflict nor refused edit"
expect_one_line_error "no conflict and no refused edit on $ST"
nr A sync
expect_rc 0 "sync after the discards"
check "nothing is rejected any more" test "$(statusv A rejected)" = 0
unsynced_is A 0 "nothing is left unsynced (discarded records were never on the endpoint)"
converged "after corrections and discards" A

# ------------------------------------------------------------------ rights, with real users
# kim works at kb-se, nils at nb-no; olga has no role; root is the server's
# admin, which ends the admin party (anonymous then has no rights).
for u in kim nils olga root; do
	eval "PW_$u=pw-$u-$RANDOM$RANDOM"
	SECRETS+=("$(eval echo "\$PW_$u")")
done
endpoint_user kim "$PW_kim" noron inst:kb-se && endpoint_user nils "$PW_nils" noron inst:nb-no &&
	endpoint_user olga "$PW_olga" || { echo "Bail out! cannot create the users" >&2; exit 99; }
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT \
	--data-binary "\"$PW_root\"" "$ENDPOINT_URL/_config/admins/root")
check "PouchDB Server gets an admin: the admin party ends (200)" test "$code" = 200
cfg_write K "url = $DB" "user = kim" "password = $PW_kim" "institution = kb-se"
cfg_write N "url = $DB" "user = nils" "password = $PW_nils" "institution = nb-no"
cfg_write NX "url = $DB" "user = nils" "password = $PW_nils" "institution = kb-se"
cfg_write O "url = $DB" "user = olga" "password = $PW_olga" "institution = nl-fi"
cfg_write ROOT "url = $DB" "user = root" "password = $PW_root"

nr ROOT endpoint check
expect_rc 0 "check as the server's admin"
check "the admin's roles are shown" lines "$OUT" "user: root (roles _admin) reads and writes"
nr K endpoint check
expect_rc 0 "check as kim of kb-se"
check "kim's roles are shown" lines "$OUT" "user: kim (roles noron, inst:kb-se) reads and writes"
nr NX endpoint check
expect_rc 1 "check as nils whose config says kb-se"
check "one line: nils lacks the role of the config's institution" lines "$ERR" \
	"lacks the role inst:kb-se of institution = kb-se in the config"
check "nils' mismatch is one line" err_lines 1
nr O endpoint check
expect_rc 1 "check as olga, who is no member"
check "olga: one line saying the database refused her" lines "$ERR" "refused" "not authorized"
nr O endpoint setup
expect_rc 1 "setup as olga"
check "olga's setup stops at the first refusal, in one line" err_lines 1
check "... which says what was refused and what to do" lines "$ERR" \
	"reading the database was refused" "ask the endpoint's administrator"

nr K sync
expect_rc 0 "kim's first sync"
nr N sync
expect_rc 0 "nils' first sync"
nr N set "$ST" level=advanced
expect_rc 0 "nils changes kb-se's standing cell in his cache"
nr N add standing area=storage institution=nb-no level=started
expect_rc 0 "nils adds nb-no's standing cell"
NST=$(tr -d '\n' <"$OUT")
nr N sync
expect_rc 3 "nils syncs: an edit refused"
fieldis "kb-se's cell keeps its level on the endpoint" '"operational"' "$ST" level K
check "nils' change of kb-se's cell is refused" test "$(statusv N rejected)" = 1
nr N show "$ST"
check "... with the reason naming kb-se and its role" lines "$OUT" \
	"only the staff of kb-se (role inst:kb-se) may change its standing"
nr K sync
expect_rc 0 "kim syncs"
fieldis "nils' own cell reached kim" '"started"' "$NST" level K
fieldis "kim's cell is unchanged" '"operational"' "$ST" level K

nr K add proposal title="Rights test workshop" status=new
expect_rc 0 "kim adds a proposal"
PP=$(tr -d '\n' <"$OUT")
nr K triage "$PP" vote +1
expect_rc 0 "kim votes for kb-se"
nr K sync
expect_rc 0 "kim syncs the proposal and his vote"
nr N sync
expect_rc 3 "nils pulls it (his refused edit still waits)"
nr N triage "$PP" vote -1
expect_rc 0 "nils votes for nb-no"
nr N sync
expect_rc 3 "nils syncs his vote (his refused edit still waits)"
check "nils' own vote is taken" test "$(statusv N rejected)" = 1
nr NX sync
expect_rc 0 "nils, configured as kb-se, pulls into a cache of his own"
nr NX triage "$PP" vote -1
expect_rc 0 "nils votes as kb-se in that cache"
nr NX sync
expect_rc 3 "nils syncs the vote for kb-se: refused"
check "the endpoint refuses a vote for another institution" test "$(statusv NX rejected)" = 1
nr NX show "$PP"
check "... naming the vote and the role" lines "$OUT" "field 'votes': only kb-se (role inst:kb-se)"
nr K sync
expect_rc 0 "kim syncs"
fieldis "each vote is its own institution's" '{"institution:kb-se":1,"institution:nb-no":-1}' \
	"$PP" votes K N
nr N set "$PP" title="Rights test workshop, renamed by nb-no"
expect_rc 0 "nils renames kb-se's proposal"
nr N sync
expect_rc 3 "nils syncs the new title (his refused edit still waits)"
nr K sync
expect_rc 0 "kim pulls it"
fieldis "anything else any member may change" '"Rights test workshop, renamed by nb-no"' "$PP" \
	title K N

finish
