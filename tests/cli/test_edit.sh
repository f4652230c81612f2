#!/bin/bash
# Guards editing from the command line: add of every type with every field,
# set, emptying a field, required fields, delete and its tombstone, delete
# refused while referenced, undo of add/set/delete walking back to "nothing to
# undo", history, the standing id rule, updated_by from the config, and the
# unsynced count.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

printf 'user = anna\ninstitution = kb-se\n' >"$NORON_CONFIG"
run init
expect_rc 0
BASE_UNSYNCED=$(unsynced)
check "a fresh cache has no unsynced edits" test "$BASE_UNSYNCED" = 0

# add TYPE FIELD=VALUE...: expects exit code 0 and one line, the new id of that
# type; sets ID.
ID=
added()
{
	local type=$1
	run add "$@"
	expect_rc 0
	expect_err_lines 0
	ID=$(cat "$OUT")
	if [ "$type" = standing ]; then
		check "add $type printed a standing id ($ID)" grep -qxE 'standing:[a-z0-9-]+:[a-z0-9-]+' "$OUT"
	else
		check "add $type printed one new $type id ($ID)" grep -qxE "$type:[0-9a-f]{32}" "$OUT"
	fi
}

# --- add: one record of each type, every field set ----------------------------

added institution code=dnb name="Deutsche Nationalbibliothek" name_en="German National Library" \
	country=Germany city=Leipzig url=https://www.dnb.de/
INST=$ID
run show "$INST" --json
expect_subset '{"type": "institution", "code": "dnb", "name": "Deutsche Nationalbibliothek",
	"name_en": "German National Library", "country": "Germany", "city": "Leipzig",
	"url": "https://www.dnb.de/", "updated_by": "anna@kb-se"}' "the institution's fields"
expect_json "d['_id'] == '$INST' and d['created_at'] == d['updated_at'] and d['updated_at'].endswith('Z')" \
	"_id, created_at and updated_at (UTC)"

added area title="Colour management" parent=digitization description=$'Two\nlines' position=3
AREA=$ID
run show "$AREA" --json
expect_subset '{"type": "area", "title": "Colour management", "parent": "area:digitization",
	"description": "Two\nlines", "position": 3}' "the area's fields (parent without its prefix)"

added standing area=storage institution=nb-no level=operational priority=yes note="Tape and disk"
STANDING=$ID
check "a standing's id is standing:<area-key>:<institution-key>" test "$STANDING" = standing:storage:nb-no
run show "$STANDING" --json
expect_subset '{"type": "standing", "area": "area:storage", "institution": "institution:nb-no",
	"level": "operational", "priority": true, "note": "Tape and disk"}' "the standing's fields"

added person name="Anna Andersson" institution=kb-se role=Developer email=anna.andersson@kb.se
PERSON=$ID
run show "$PERSON" --json
expect_subset '{"type": "person", "name": "Anna Andersson", "institution": "institution:kb-se",
	"role": "Developer", "email": "anna.andersson@kb.se"}' "the person's fields"

added skill topic="Web crawling" kind=service person="$PERSON" institution=kb-se \
	area=web-harvesting level=expert exchange=no note="Heritrix"
SKILL=$ID
run show "$SKILL" --json
expect_subset "{\"type\": \"skill\", \"topic\": \"Web crawling\", \"kind\": \"service\",
	\"person\": \"$PERSON\", \"institution\": \"institution:kb-se\", \"area\": \"area:web-harvesting\",
	\"level\": \"expert\", \"exchange\": false, \"note\": \"Heritrix\"}" "the skill's fields"

added project title="Shared web archive index" status=ongoing areas=web-access,area:storage \
	institutions=kb-se,kb-dk lead=kb-se contact="Anna Andersson" start=2012-01-01 end=2012-12-31 \
	funding="Nordic council" help_wanted=yes description="An index"
PROJECT=$ID
run show "$PROJECT" --json
expect_subset '{"type": "project", "title": "Shared web archive index", "status": "ongoing",
	"areas": ["area:web-access", "area:storage"], "institutions": ["institution:kb-se", "institution:kb-dk"],
	"lead": "institution:kb-se", "contact": "Anna Andersson", "start": "2012-01-01", "end": "2012-12-31",
	"funding": "Nordic council", "help_wanted": true, "description": "An index"}' "the project's fields"

added event title="Preservation workshop" kind=workshop start=2012-05-03T10:00+02:00 \
	end=2012-05-03T16:30+02:00 repeat=yearly location=Oslo host=nb-no areas=storage,digital-preservation \
	url=https://events.example.org/ws description="Hands on"
EVENT=$ID
run show "$EVENT" --json
expect_subset '{"type": "event", "title": "Preservation workshop", "kind": "workshop",
	"start": "2012-05-03T08:00:00Z", "end": "2012-05-03T14:30:00Z", "repeat": "yearly",
	"location": "Oslo", "host": "institution:nb-no", "areas": ["area:storage", "area:digital-preservation"],
	"url": "https://events.example.org/ws", "description": "Hands on"}' "the event's fields (times in UTC)"

added proposal title="Emulation as a service" area=digital-preservation proposer="Bo Berg" \
	institution=kb-dk format=talk abstract="Twenty minutes" status=scheduled \
	votes=kb-se=1,kb-dk=-1,nb-no=0 event="$EVENT" triage_note="Fits the Oslo workshop"
PROPOSAL=$ID
run show "$PROPOSAL" --json
expect_subset "{\"type\": \"proposal\", \"title\": \"Emulation as a service\",
	\"area\": \"area:digital-preservation\", \"proposer\": \"Bo Berg\", \"institution\": \"institution:kb-dk\",
	\"format\": \"talk\", \"abstract\": \"Twenty minutes\", \"status\": \"scheduled\",
	\"votes\": {\"institution:kb-se\": 1, \"institution:kb-dk\": -1, \"institution:nb-no\": 0},
	\"event\": \"$EVENT\", \"triage_note\": \"Fits the Oslo workshop\"}" "the proposal's fields"

added fund name="Nordplus" url=https://www.nordplus.example/ deadline=2013-02-01 scope="Exchange" note="Yearly call"
FUND=$ID
run show "$FUND" --json
expect_subset '{"type": "fund", "name": "Nordplus", "url": "https://www.nordplus.example/",
	"deadline": "2013-02-01", "scope": "Exchange", "note": "Yearly call"}' "the fund's fields"

# Only the required fields; a proposal starts as "new".
added proposal title="Minimal proposal"
run show "$ID" --json
expect_subset '{"status": "new", "votes": null, "area": null}' "status new by default, nothing else"

# The same instant however the local clock's zone is set.
TZ=JST-9 run add event title="Zone check" kind=meeting start=2012-05-03T10:00+02:00
expect_rc 0
ZONE_EVENT=$(cat "$OUT")
run show "$ZONE_EVENT" --json
expect_subset '{"start": "2012-05-03T08:00:00Z"}' "a time zone offset made UTC whatever TZ is"

for t in institution area standing person skill project event proposal fund; do
	run list "$t"
	check "list $t shows the new $t" grep -qE "^.* $t:[^ ]+ +\*$" "$OUT"
done
run search Nordplus
expect_out "$FUND"

AFTER_ADDS=$(unsynced)
check "every add is an unsynced edit ($BASE_UNSYNCED -> $AFTER_ADDS)" test "$AFTER_ADDS" -eq $((BASE_UNSYNCED + 11))

# --- set --------------------------------------------------------------------

run set "$FUND" scope="Staff exchange" note="Call opens in autumn"
expect_rc 0
expect_out "changed $FUND"
run show "$FUND" --json
expect_subset '{"scope": "Staff exchange", "note": "Call opens in autumn", "name": "Nordplus"}' "both fields set"
run show "$FUND"
check "show: the new scope" grep -qE '^scope +Staff exchange$' "$OUT"

run set institution:kb-dk city="Aarhus"
expect_rc 0
check "an edit of a seed record is an unsynced edit" test "$(unsynced)" -eq $((AFTER_ADDS + 1))
run show institution:kb-dk --json
expect_subset '{"city": "Aarhus", "updated_by": "anna@kb-se", "created_at": "2011-03-18T12:00:00Z"}' \
	"the edit, its author, created_at kept"

# A set that changes nothing is no edit.
snapshot
run set fund:nordic-funds name="Nordic funds (to be explored)"
expect_rc 0
expect_out "nothing to change"
expect_unchanged
run history fund:nordic-funds --json
expect_json "d['history'] == []" "no history entry for a set that changed nothing"

# Emptying an optional field removes it.
run set "$FUND" scope=
expect_rc 0
run show "$FUND" --json
expect_subset '{"scope": null, "name": "Nordplus"}' "scope gone"
run list fund
check "list fund: an empty scope column" grep -qE '^Nordplus +2013-02-01 +fund:' "$OUT"

# A required field cannot be emptied.
snapshot
run set "$FUND" name=
expect_refused 1 "name"
expect_err "required"
expect_unchanged
run set "$PROJECT" status=
expect_refused 1 "status"
expect_unchanged

# --- history ------------------------------------------------------------------

run history "$FUND"
expect_rc 0
check "history: three lines, newest first" test "$(wc -l <"$OUT")" -eq 3
check "history: the last edit emptied scope" grep -qE '^[0-9T:Z-]+ +edit +anna@kb-se +scope$' <(head -n 1 "$OUT")
check "history: the first edit changed scope and note" grep -qE '^[0-9T:Z-]+ +edit +anna@kb-se +scope, note$' <(sed -n 2p "$OUT")
check "history: the add with its fields" grep -qE '^[0-9T:Z-]+ +add +anna@kb-se +name, url, deadline, scope, note$' <(sed -n 3p "$OUT")
run history "$FUND" --json
expect_json "[h['kind'] for h in d['history']] == ['edit', 'edit', 'add']" "kinds newest first"
expect_json "[h['seq'] for h in d['history']] == sorted((h['seq'] for h in d['history']), reverse=True)" "seq descending"
expect_json "d['history'][2]['before'] is None and d['history'][2]['after']['name'] == 'Nordplus'" "the add: before null"
expect_json "d['history'][0]['before']['scope'] == 'Staff exchange' and 'scope' not in d['history'][0]['after']" \
	"the emptying: before and after"
expect_json "all(h['by'] == 'anna@kb-se' and h['undone'] is False and h['at'].endswith('Z') for h in d['history'])" \
	"by, undone, at"
run history fund:no-such-fund
expect_refused 1 "fund:no-such-fund"

# --- the standing id rule ---------------------------------------------------------

snapshot
run add standing area=area:storage institution=institution:nb-no level=planned
expect_refused 1 "already exists"
expect_err "standing:storage:nb-no"
expect_unchanged
run add standing area=storage institution=nb-no
expect_refused 1 "standing:storage:nb-no"
expect_unchanged
run set "$STANDING" area=metadata
expect_rc 1
expect_err "standing:metadata:nb-no"
expect_unchanged
run set "$STANDING" level=advanced priority=no
expect_rc 0
run show "$STANDING" --json
expect_subset '{"_id": "standing:storage:nb-no", "level": "advanced", "priority": false}' "the standing edited in place"
added standing area=storage institution=kb-se
check "another institution, another standing" test "$ID" = standing:storage:kb-se

# --- delete and its tombstone ---------------------------------------------------------

BEFORE_DELETE=$(unsynced)
run delete "$FUND"
expect_rc 0
expect_out "deleted $FUND"
run show "$FUND"
expect_rc 0
check "show of a deleted record says deleted" grep -qE "^$FUND +\(.*deleted" <(head -n 1 "$OUT")
run show "$FUND" --json
expect_json "d.get('_deleted') is True" "_deleted: true for a tombstone"
run list fund
expect_out_not "$FUND"
run list fund --json
expect_json "'$FUND' not in [r['_id'] for r in d['records']]" "the tombstone is not listed"
run search Nordplus
expect_out_not "$FUND"
run export
expect_out_not "$FUND"
check "deleting a record never synced leaves nothing of it to sync" test "$(unsynced)" -eq $((BEFORE_DELETE - 1))
snapshot
run set "$FUND" name=Again
expect_refused 1 "$FUND"
expect_unchanged
run delete "$FUND"
expect_refused 1 "$FUND"
expect_unchanged
run delete fund:no-such-fund
expect_refused 1 "fund:no-such-fund"
run delete
expect_refused 2 "missing argument"

# Refused while other records refer to it.
run delete "$PERSON"
expect_refused 1 "$SKILL"
expect_unchanged
run delete institution:kb-se
expect_refused 1 "institution:kb-se"
expect_err "referred to"
expect_unchanged
run delete area:digitization
expect_refused 1 "area:digitization"
expect_unchanged
# Once nothing refers to it, it goes.
run delete "$SKILL"
expect_rc 0
run delete "$PERSON"
expect_rc 0
run list person --json
expect_json "d['records'] == []" "the person is gone"

# A seed record is on the endpoint too: deleting it is an edit to sync.
N1=$(unsynced)
run delete fund:nordic-funds
expect_rc 0
check "deleting a seed record is an unsynced edit" test "$(unsynced)" -eq $((N1 + 1))
run list fund --json
expect_json "'fund:nordic-funds' not in [r['_id'] for r in d['records']]" "the seed fund gone"

# --- undo ---------------------------------------------------------------------

run undo
expect_rc 0
expect_out "fund:nordic-funds"
run list fund --json
expect_json "'fund:nordic-funds' in [r['_id'] for r in d['records']]" "the seed fund back"

run undo
expect_rc 0
expect_out "$PERSON"
run show "$PERSON" --json
expect_subset '{"name": "Anna Andersson"}' "the person back"
run list person
expect_out "$PERSON"
run undo
expect_rc 0
expect_out "$SKILL"
run list skill
expect_out "$SKILL"
# The person is referred to again.
run delete "$PERSON"
expect_refused 1 "$SKILL"

# undo of set, twice: each steps one edit back.
run set "$PROJECT" status=completed
expect_rc 0
run set "$PROJECT" status=cancelled title="Renamed index"
expect_rc 0
run undo
expect_rc 0
run show "$PROJECT" --json
expect_subset '{"status": "completed", "title": "Shared web archive index"}' "one undo: the first set"
run undo
expect_rc 0
run show "$PROJECT" --json
expect_subset '{"status": "ongoing"}' "two undos: as added"
run history "$PROJECT"
check "history: the undos are listed" test "$(grep -cE '^[0-9T:Z-]+ +undo +' "$OUT")" -eq 2
check "history: the undone edits are marked" test "$(grep -c '(undone)' "$OUT")" -eq 2
check "history: the undo names the fields it changed back" grep -qE '^[0-9T:Z-]+ +undo +anna@kb-se +.*title' "$OUT"
run history "$PROJECT" --json
expect_json "[h['kind'] for h in d['history']] == ['undo', 'undo', 'edit', 'edit', 'add'] and [h['undone'] for h in d['history']][2:4] == [True, True]" \
	"undo, undo, edit (undone), edit (undone), add"

# On a cache of its own: add, set, delete, then undo back to nothing.
OWN="$T/own.db"
run --db "$OWN" init --empty
expect_rc 0
run --db "$OWN" undo
expect_rc 0
expect_out "nothing to undo"
run --db "$OWN" add fund name="Undo me" scope=one
expect_rc 0
OWN_FUND=$(cat "$OUT")
run --db "$OWN" set "$OWN_FUND" scope=two
run --db "$OWN" delete "$OWN_FUND"
expect_rc 0
run --db "$OWN" undo
expect_out "delete"
run --db "$OWN" show "$OWN_FUND" --json
expect_subset '{"scope": "two"}' "undo of delete: back as it was"
run --db "$OWN" list fund
expect_out "$OWN_FUND"
run --db "$OWN" undo
expect_out "edit"
run --db "$OWN" show "$OWN_FUND" --json
expect_subset '{"scope": "one"}' "undo of set: the old value"
run --db "$OWN" undo
expect_out "add"
run --db "$OWN" list fund --json
expect_json "d['records'] == []" "undo of add: the record gone"
run --db "$OWN" status --json
expect_json "d['records'] == 0" "no records"
expect_json "d['unsynced'] == 0" "an add undone leaves nothing to sync"
run --db "$OWN" undo
expect_rc 0
expect_out "nothing to undo"
run --db "$OWN" undo extra
expect_refused 2 "too many arguments"

# Undo with no sync in between puts a seed record back exactly as it was:
# same content, same updated_at and updated_by, nothing left to sync.
S="$T/seeded.db"
run --db "$S" init
expect_rc 0
snapshot --db "$S"
run --db "$S" set institution:nb-no city=Mo
expect_rc 0
run --db "$S" undo
expect_rc 0
expect_unchanged
run --db "$S" delete fund:nordic-funds
expect_rc 0
run --db "$S" undo
expect_rc 0
expect_unchanged

# The seed is not an edit: nothing to undo on a fresh cache.
run --db "$T/fresh.db" undo
expect_rc 0
expect_out "nothing to undo"
run --db "$T/fresh.db" show institution:kb-se
expect_rc 0

# --- updated_by from the config, else $USER -------------------------------------

printf 'user = bo\n' >"$NORON_CONFIG"
added fund name="By Bo"
run show "$ID" --json
expect_subset '{"updated_by": "bo"}' "user without institution"
printf 'institution = nb-no\n' >"$NORON_CONFIG"
added fund name="By tester"
run show "$ID" --json
expect_subset '{"updated_by": "tester@nb-no"}' "\$USER and the institution"
run history "$ID" --json
expect_json "d['history'][0]['by'] == 'tester@nb-no'" "history by the same author"
rm -f "$NORON_CONFIG"
mkdir -p "$XDG_CONFIG_HOME/noron"
printf 'user = carl\ninstitution = nl-fi\n' >"$XDG_CONFIG_HOME/noron/config"
(unset NORON_CONFIG; run add fund name="By Carl"; cp "$OUT" "$T/carl")
run show "$(cat "$T/carl")" --json
expect_subset '{"updated_by": "carl@nl-fi"}' "the config found in \$XDG_CONFIG_HOME/noron/config"

# --- unsynced count ---------------------------------------------------------------

N0=$(unsynced)
run add fund name="Count me"
COUNTED=$(cat "$OUT")
check "status: one more unsynced edit after an add ($N0 -> $(unsynced))" test "$(unsynced)" -eq $((N0 + 1))
run set institution:nl-fi city="Espoo"
check "status: one more after an edit of another record" test "$(unsynced)" -eq $((N0 + 2))
run set "$COUNTED" scope="x"
check "status: not fewer after a second edit of a record" test "$(unsynced)" -ge $((N0 + 2))
run status
check "status (text): the unsynced count" grep -qE "^unsynced edits +$(unsynced)$" "$OUT"

finish
