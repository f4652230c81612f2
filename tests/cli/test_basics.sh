#!/bin/bash
# Guards the read side of the command line on a fresh cache: --help, --version,
# help TYPE, init (seeded, twice, --empty), list of all nine types (singular and
# plural, text and JSON, areas as a tree, events by start, --filter), show,
# search, status, and exit code 2 for unknown commands and options.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

SEED="$TESTS_DIR/../data/seed.json"
[ -r "$SEED" ] || skip "no data/seed.json beside tests/"
SEED_COUNT=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$SEED")

# --- --help, --version, help TYPE -------------------------------------------

run --help
expect_rc 0
expect_out "usage: noron"
for cmd in init list show add set delete undo history search status export import help; do
	check "--help names the command '$cmd'" out_line "^  $cmd( |$)"
done
expect_err_lines 0
expect_out "noron --version"
check "--help touched no cache" test ! -e "$NORON_DB"
for cmd in list add sync triage export; do
	run "$cmd" --help
	expect_rc 0
	expect_out "usage: noron $cmd "
	expect_err_lines 0
done
run add fund -h
expect_rc 0
expect_out "add a record"
check "COMMAND --help touched no cache" test ! -e "$NORON_DB"

VERSION=$(sed -n 's/^AC_INIT(\[noron\], *\[\([^]]*\)\].*/\1/p' "$TESTS_DIR/../configure.ac")
run --version
expect_rc 0
expect_out "noron $VERSION"
expect_err_lines 0

# The fields of each type, as DESIGN.md section 3 and model/fields.c give them.
declare -A FIELDS=(
	[institution]="code name name_en country city url"
	[area]="title parent description position map_id"
	[standing]="area institution level priority note"
	[person]="name institution role email"
	[skill]="topic kind person institution area level exchange note"
	[project]="title status areas institutions lead contact start end funding help_wanted description"
	[event]="title kind start end repeat location host areas url proposal uid description"
	[proposal]="title area proposer institution format abstract status votes event triage_note accepted_at"
	[fund]="name url deadline scope note"
)
TYPES="institution area standing person skill project event proposal fund"
for t in $TYPES; do
	run help "$t"
	expect_rc 0
	for f in ${FIELDS[$t]}; do
		check "help $t lists the field '$f'" out_line "^  $f "
	done
	# shellcheck disable=SC2206 # the words of the list
	want=(${FIELDS[$t]})
	check "help $t lists no other field" test "$(out_count '^  [a-z_]+ ')" -eq "${#want[@]}"
done
run help event
check "help event gives the kind choices" grep -qF "meeting/conference/workshop/visit/deadline" "$OUT"
run help standing
check "help standing marks area as required" out_line '^  area .*required'
run help widget
expect_refused 2 "widget"

# --- init ---------------------------------------------------------------------

run init
expect_rc 0
expect_out "$SEED_COUNT records"
check "init created the cache file" test -s "$NORON_DB"
run status --json
expect_json "d['records'] == $SEED_COUNT" "records == $SEED_COUNT (the seed)"

run list institution --json
expect_json "sorted(r['_id'] for r in d['records']) == ['institution:kb-dk', 'institution:kb-se', 'institution:lbs-is', 'institution:nb-no', 'institution:nl-fi']" \
	"the five institutions"
run list area --json
expect_json "sorted(r['_id'] for r in d['records'] if 'parent' not in r) == sorted(['area:digitization', 'area:digital-deposit', 'area:digital-preservation', 'area:infrastructure', 'area:metadata', 'area:organization', 'area:web-access'])" \
	"the seven main areas"
expect_json "len(d['records']) > 7 and all(r['parent'].startswith('area:') for r in d['records'] if 'parent' in r)" \
	"subgroups under the main areas"
run list event --json
expect_json "{'event:2011-copenhagen', 'event:2011-stockholm', 'event:2011-noron-oslo'} <= {r['_id'] for r in d['records'] if r['start'].startswith('2011-')}" \
	"the meetings of 2011"
expect_json "[r['start'] for r in d['records'] if r['_id'] == 'event:2011-stockholm'] == ['2011-03-17']" \
	"the Stockholm meeting on 2011-03-17"

snapshot
run init
expect_refused 1 "already exists"
expect_err "$NORON_DB"
expect_unchanged
run init --empty
expect_refused 1 "already exists"
run init extra
expect_refused 2 "too many arguments"

run --db "$T/empty/new.db" init --empty
expect_rc 0
expect_out "0 records"
check "init --empty made the directories of its path" test -s "$T/empty/new.db"
run --db "$T/empty/new.db" status --json
expect_json "d['records'] == 0 and d['unsynced'] == 0" "an empty cache"
for t in $TYPES; do
	run --db "$T/empty/new.db" list "$t" --json
	expect_json "d['records'] == []" "no $t in an empty cache"
done

# --- list, all nine types, singular and plural ------------------------------

declare -A PLURAL=(
	[institution]=institutions [area]=areas [standing]=standings [person]=people
	[skill]=skills [project]=projects [event]=events [proposal]=proposals [fund]=funds
)
for t in $TYPES; do
	run list "$t"
	expect_rc 0
	expect_err_lines 0
	check "list $t starts with a header naming its columns" grep -qE '^[a-z_]+ .* id$' <(head -n 1 "$OUT")
	cp "$OUT" "$T/singular"
	run list "${PLURAL[$t]}"
	expect_rc 0
	check "list ${PLURAL[$t]} is list $t" cmp -s "$OUT" "$T/singular"
	run list "$t" --json
	expect_rc 0
	expect_json "d['type'] == '$t' and isinstance(d['records'], list) and all(r['type'] == '$t' and r['_id'].startswith('$t:') for r in d['records'])" \
		"{type: $t, records: [...]}"
	python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$OUT" >"$T/n"
	check "list $t shows one row per record of list $t --json" \
		test "$(($(wc -l <"$T/singular") - 1))" -eq "$(cat "$T/n")"
done
run list institution
expect_out "institution:kb-se"
expect_out "Kungliga biblioteket"
run list project
expect_out "project:noron-wiki"
run list fund
expect_out "fund:nordic-funds"

# --- areas as a tree ------------------------------------------------------------

# The expected order: depth first from the main areas; siblings by position
# (none last), then title; each level indented two more spaces.
check_tree()
{
	python3 - "$T/areas.json" "$OUT" <<'EOF'
import json, re, sys
recs = json.load(open(sys.argv[1], encoding="utf-8"))["records"]
kids = {}
for r in recs:
    kids.setdefault(r.get("parent"), []).append(r)
want = []
def walk(parent, depth):
    for r in sorted(kids.get(parent, []), key=lambda r: (r.get("position", 999999), r["title"])):
        want.append((depth, r["_id"]))
        walk(r["_id"], depth + 1)
walk(None, 0)
got = []
for line in open(sys.argv[2], encoding="utf-8").read().splitlines()[1:]:
    m = re.search(r"(area:\S+)", line)
    indent = len(line) - len(line.lstrip(" "))
    got.append((indent // 2 if indent % 2 == 0 else -1, m.group(1) if m else line))
if got != want:
    for g, w in zip(got + [None] * len(want), want + [None] * len(got)):
        if g != w:
            print("#   first difference: got %r, want %r" % (g, w))
            break
    sys.exit(1)
EOF
}

run list area --json
cp "$OUT" "$T/areas.json"
run list area
expect_rc 0
check "list area: subgroups indented after their parent, siblings by position" check_tree
MAIN=$(grep -E '^[A-Z]' "$OUT" | grep -oE 'area:[^ ]+' | tr '\n' ' ')
check "list area: main areas in the charter's (position) order, not alphabetical" test "$MAIN" = \
	"area:digitization area:digital-deposit area:digital-preservation area:infrastructure area:metadata area:organization area:web-access "
check "list area: Storage indented under Digital preservation" \
	grep -qE '^  Storage +area:storage' "$OUT"

# Moving a main area, and a third level, keep the tree.
run set area:web-access position=0
expect_rc 0
run add area title="Crawler tuning" parent=web-harvesting position=1
expect_rc 0
run list area --json
cp "$OUT" "$T/areas.json"
run list area
check "list area after the edits: still a tree in position order" check_tree
check "list area: Web access moved to the top" grep -qE '^Web access +area:web-access' <(sed -n 2p "$OUT")
check "list area: a third level is indented four spaces" grep -qE '^    Crawler tuning ' "$OUT"

# --- events in start order ------------------------------------------------------

run add event title="Early planning call" kind=meeting start=2010-12-01T09:00:00Z
expect_rc 0
run add event title="Late deadline" kind=deadline start=2030-01-31
expect_rc 0
run list event --json
cp "$OUT" "$T/events.json"
expect_json "[r['start'] for r in d['records']] == sorted(r['start'] for r in d['records'])" \
	"events sorted by start"
run list event
check "list event: rows in the order of list event --json" python3 - "$T/events.json" "$OUT" <<'EOF'
import json, re, sys
want = [r["_id"] for r in json.load(open(sys.argv[1], encoding="utf-8"))["records"]]
got = re.findall(r"(event:\S+)", open(sys.argv[2], encoding="utf-8").read())
sys.exit(0 if got == want else 1)
EOF
check "list event: the earliest event first" grep -qF "Early planning call" <(sed -n 2p "$OUT")
check "list event: the latest event last" grep -qF "Late deadline" <(tail -n 1 "$OUT")

# --- list --filter --------------------------------------------------------------

run list institution --filter Sweden
expect_rc 0
expect_out "institution:kb-se"
expect_out_not "institution:kb-dk"
expect_out_not "institution:nb-no"
run list institution --filter sweden
expect_out "institution:kb-se"
run list institution --json --filter Oslo
expect_json "[r['_id'] for r in d['records']] == ['institution:nb-no']" "only nb-no"
run list institution --filter xyzzy-nowhere
expect_rc 0
check "list --filter with no match: the header only" test "$(wc -l <"$OUT")" -eq 1
run list area --filter
expect_refused 2 "--filter"

# --- show ---------------------------------------------------------------------

run show institution:kb-se
expect_rc 0
expect_out "institution:kb-se"
expect_out "Kungliga biblioteket"
expect_out "Stockholm"
expect_out "https://www.kb.se/"
run show area:storage
expect_rc 0
check "show area: the parent by its title" grep -qE '^parent +Digital preservation' "$OUT"
run show institution:kb-se --json
expect_rc 0
expect_json "d['_id'] == 'institution:kb-se' and d['type'] == 'institution' and d['code'] == 'kb-se' and d['country'] == 'Sweden'" \
	"the record itself"
run show event:2011-stockholm --json
expect_json "d['host'] == 'institution:kb-se' and 'area:metadata' in d['areas']" "references kept as ids"
run show institution:no-such-thing
expect_refused 1 "institution:no-such-thing"
run show
expect_refused 2 "missing argument"
run show institution:kb-se institution:kb-dk
expect_refused 2 "too many arguments"

# --- search ---------------------------------------------------------------------

run search harvesting
expect_rc 0
expect_out "area:web-harvesting"
expect_out "event:2011-visit-se-dk-web-harvesting"
expect_out_not "institution:"
run search HARVESTING --json
expect_rc 0
expect_json "'area:web-harvesting' in [r['_id'] for r in d['results']] and all('type' in r for r in d['results'])" \
	"results hold whole records"
run search xyzzyplugh --json
expect_rc 0
expect_json "d['results'] == []" "no results"
run search
expect_refused 2 "missing argument"

# --- status ---------------------------------------------------------------------

run status
expect_rc 0
expect_out "$NORON_DB"
check "status: the record count" grep -qE "^records +[0-9]+" "$OUT"
run status --json
expect_json "set(d) == {'cache', 'records', 'unsynced', 'conflicts', 'rejected', 'last_sync', 'last_error'}" "the seven keys"
expect_json "d['cache'] == '$NORON_DB' and d['last_sync'] is None and d['conflicts'] == 0 and d['rejected'] == 0" \
	"cache path, never synced, nothing in conflict"
expect_json "d['records'] == $SEED_COUNT + 3 and d['unsynced'] == 4" "3 records added, 4 edits"

# --- usage errors -------------------------------------------------------------

snapshot
run frobnicate
expect_refused 2 "frobnicate"
run --frobnicate list area
expect_refused 2 "--frobnicate"
run list area --frobnicate
expect_refused 2 "--frobnicate"
run list
expect_refused 2 "missing argument"
run list widget
expect_refused 2 "widget"
run status --frobnicate
expect_refused 2 "--frobnicate"
run search web --frobnicate
expect_refused 2 "--frobnicate"
expect_unchanged

# --- the order of listings ------------------------------------------------------------------
# Each type in an order people expect: names whatever their case, funds by
# nearest deadline with those without one last, areas by position (any
# 32-bit one), proposals by triage status and then oldest first.

O="$T/order.db"
order_of()	# order_of TYPE KEY: the KEY of each listed record, one per line
{
	"$NORON" --db "$O" list "$1" --json </dev/null |
		python3 -c 'import json,sys; [print(r.get(sys.argv[1])) for r in json.load(sys.stdin)["records"]]' "$2"
}
"$NORON" --db "$O" init >/dev/null </dev/null || exit 99
for n in "Zoe Lund" "anna berg" "Bo Ek" "Ole Ørn"; do
	"$NORON" --db "$O" add person name="$n" institution=kb-se >/dev/null </dev/null || exit 99
done
check "people sort by name whatever its case" \
	test "$(order_of person name | tr '\n' '|')" = "anna berg|Bo Ek|Ole Ørn|Zoe Lund|"
"$NORON" --db "$O" add fund name="Later" deadline=2031-01-01 >/dev/null </dev/null || exit 99
"$NORON" --db "$O" add fund name="Sooner" deadline=2030-01-01 >/dev/null </dev/null || exit 99
check "funds sort by deadline, those without one last" \
	test "$(order_of fund name | tr '\n' '|')" = "Sooner|Later|Nordic funds (to be explored)|"
"$NORON" --db "$O" add area title="Below" position=-1800000000 >/dev/null </dev/null || exit 99
"$NORON" --db "$O" add area title="Far below" position=-1900000000 >/dev/null </dev/null || exit 99
"$NORON" --db "$O" add area title="Far above" position=2000000000 >/dev/null </dev/null || exit 99
AREAS=$(order_of area title | tr '\n' '|')
check "areas sort by position across the whole range: the lowest two first" \
	test "${AREAS#Far below|Below|Digitization|}" != "$AREAS"
check "and the highest last" test "${AREAS%|Far above|}" != "$AREAS"
for st in accepted new declined review new deferred scheduled; do
	"$NORON" --db "$O" add proposal title="P-$st-$RANDOM" status=$st >/dev/null </dev/null || exit 99
	sleep 1.05	# a later created_at
done
check "proposals sort by triage status (new, review, deferred, accepted, scheduled, declined)" \
	test "$(order_of proposal status | uniq | tr '\n' '|')" = "new|review|deferred|accepted|scheduled|declined|"
check "the two new proposals are oldest first" python3 -c '
import json, subprocess, sys
recs = json.loads(subprocess.run([sys.argv[1], "--db", sys.argv[2], "list", "proposal", "--json"],
	capture_output=True, text=True).stdout)["records"]
new = [r["created_at"] for r in recs if r["status"] == "new"]
sys.exit(0 if len(new) == 2 and new[0] < new[1] else 1)' "$NORON" "$O"

finish
