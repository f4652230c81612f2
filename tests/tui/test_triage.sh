#!/bin/bash
# Triage of workshop proposals from the keyboard (Proposals, pane 5): a queue
# of eight proposals seeded from the command line is worked by keys alone.
# + - 0 set the configured institution's vote (one each, a new vote replaces
# the old one), A accepts, X declines with a reason (the triage note), L
# defers, s schedules a workshop that the Calendar pane then shows, linked
# both ways; Space marks and an action on the marks is one step for u; *
# marks every proposal shown, an action on marks is all or nothing; f
# filters by status, o sorts (total vote, the area's title); after an action
# the cursor goes to the next proposal to triage, in every view; the status
# line counts what is left to triage, what was accepted this month (by when it
# was accepted: a later vote does not count it again) and the marks; the
# detail follows the event's date, and says when the event was deleted; Enter
# opens a proposal with its abstract, which scrolls; a adds and e edits.
# Without an institution in the config, the first vote or decision asks for
# its code once, says how to keep it and signs the edits with it.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99

# ---------------------------------------------------------------------------
# The queue: eight proposals, from every institution, in six areas.
T1="Web archive quality assurance"
T2="Costs of long-term storage"
T3="Metadata crosswalks for MARC"
T4="Newspaper digitization at scale"
T5="Access to web archives for researchers"
T6="Shared bit preservation"
T7="Authority files together"
T8="Audiovisual scanning workflows"
TITLES=("$T1" "$T2" "$T3" "$T4" "$T5" "$T6" "$T7" "$T8")
ABSTRACT3="Crosswalks between MARC 21, Dublin Core and BIBFRAME: what each library maps and loses."

propose()
{
	local title=$1 area=$2 inst=$3 format=$4 id
	run add proposal title="$title" area="$area" institution="$inst" format="$format" \
		abstract="${5:-A proposal about $title.}"
	id=$(tr -d '\n' <"$OUT")
	if [ "$RC" = 0 ] && [ -n "$id" ]; then
		pass "noron add proposal '$title' ($id)"
	else
		fail "noron add proposal '$title'" _show_last
	fi
	printf -v "$6" '%s' "$id"
}

propose "$T1" web-harvesting kb-dk workshop "" P1
propose "$T2" storage nb-no seminar "" P2
propose "$T3" metadata kb-se workshop "$ABSTRACT3" P3
propose "$T4" digitization nl-fi workshop "" P4
propose "$T5" web-access lbs-is panel "" P5
propose "$T6" digital-preservation kb-dk workshop "" P6
propose "$T7" metadata nb-no tutorial "" P7
propose "$T8" audiovisual-digitization kb-se workshop "" P8
check "every new proposal starts as new" test "$(field_of "$P1" status)/$(field_of "$P8" status)" = new/new

# One is under review already; other libraries voted on two (command line).
printf 'institution = nb-no\n' >"$T/no.cfg"
printf 'institution = kb-dk\n' >"$T/dk.cfg"
printf 'institution = nl-fi\n' >"$T/fi.cfg"
printf 'institution = lbs-is\n' >"$T/is.cfg"
NORON_CONFIG=$T/no.cfg run triage "$P2" review
check "noron triage ID review sets the status to review" test "$(field_of "$P2" status)" = review
for c in no dk "fi"; do
	NORON_CONFIG=$T/$c.cfg run triage "$P5" vote +1
done
NORON_CONFIG=$T/is.cfg run triage "$P6" vote -1
check "three institutions voted +1 on '$T5' from the command line" \
	test "$(field_of "$P5" votes)" = '{"institution:nb-no": 1, "institution:kb-dk": 1, "institution:nl-fi": 1}'

printf 'institution = kb-se\n' >"$NORON_CONFIG"

# ---------------------------------------------------------------------------
# Helpers: the selected row is where the hardware cursor stands.

# The screen line the cursor is on (one tmux call: where, then what).
cursor_line()
{
	tm display -p -t t '#{cursor_y}' \; capture-pane -p -t t 2>/dev/null |
		awk 'NR == 1 { y = $1 + 2; next } NR == y { print; exit }'
}

# The rows of the list: between the column header and the rule under them.
list_rows()
{
	screen | awk '/^  status +title/ { on = 1; next } /^──/ { exit } on && NF'
}

# The known title a line holds ("" when none).
title_in()
{
	local t
	for t in "${TITLES[@]}"; do
		case $1 in *"$t"*) echo "$t"; return ;; esac
	done
}

# The title of row N (1 = the first).
row_title()
{
	title_in "$(list_rows | sed -n "${1}p")"
}

# wait_selected TEXT: polls until the selected row holds TEXT.
wait_selected()
{
	local i
	for ((i = 0; i < 100; i++)); do
		case $(cursor_line) in *"$1"*) return 0 ;; esac
		sleep 0.05
	done
	return 1
}

expect_selected()
{
	if wait_selected "$1"; then
		pass "$2"
	else
		fail "$2 (the selected row is: $(cursor_line | sed -e 's/  */ /g'))"
	fi
}

# select_row TITLE: g, then j down to the row that holds TITLE.
select_row()
{
	local n i moves=(g)
	wait_for "$1" >/dev/null
	n=$(list_rows | grep -nF -- "$1" | head -n 1 | cut -d: -f1)
	if [ -z "$n" ]; then
		fail "'$1' should be in the list to select it"
		return 1
	fi
	for ((i = 1; i < n; i++)); do
		moves+=(j)
	done
	keys "${moves[@]}"
	if wait_selected "$1"; then
		return 0
	fi
	fail "j moves the cursor onto '$1'"
	return 1
}

# expected_next TITLE stays|leaves: the row the cursor should go to after an
# action on TITLE: the next one; on the last row, TITLE itself if it stays in
# the list, else the one before it.
expected_next()
{
	local n total
	n=$(list_rows | grep -nF -- "$1" | head -n 1 | cut -d: -f1)
	total=$(list_rows | wc -l)
	if [ "$n" -lt "$total" ]; then
		row_title $((n + 1))
	elif [ "$2" = stays ]; then
		echo "$1"
	else
		row_title $((n - 1))
	fi
}

# expect_counts TEXT: the status line (after C-l clears the message) holds TEXT.
expect_counts()
{
	keys C-l
	expect_screen "$1" "${2:-the status line says '$1'}"
}

# ---------------------------------------------------------------------------
start_noron 120 40
keys 5
expect_tab Proposals
expect_screen "8 to triage, 0 accepted this month  [to triage, by age: 8]" \
	"the status line counts 8 to triage, none accepted, all shown"
check "the queue lists all eight proposals" test "$(list_rows | wc -l)" = 8
expect_line_has "$T1" "Web harvesting  DK  workshop   0d" "a row shows area, institution code, format and age"
expect_line_has "$T5" "DK+ SE. IS. NO+ FI+" "a row shows every institution's vote (DK NO FI +1, SE IS none)"
expect_line_has "$T6" "DK. SE. IS- NO. FI." "a -1 vote shows as IS-"
expect_line_has "$T2" "review" "the proposal under review is in the queue with its status"

# ---------------------------------------------------------------------------
# Votes: + - 0 for kb-se; a second vote replaces the first.
select_row "$T1"
next=$(expected_next "$T1" stays)
keys +
expect_screen "1 proposal: voted (u undoes)" "+ votes and says so"
expect_line_has "$T1" "DK. SE+ IS. NO. FI." "+ shows SE+ on the row"
check "the cache holds kb-se's +1" test "$(field_of "$P1" votes)" = '{"institution:kb-se": 1}'
expect_selected "$next" "after the vote the cursor is on the next proposal ($next)"

select_row "$T2"
keys -
expect_line_has "$T2" "DK. SE- IS. NO. FI." "- shows SE- on the row"
check "the cache holds kb-se's -1" test "$(field_of "$P2" votes)" = '{"institution:kb-se": -1}'
check "a vote leaves the status alone (review)" test "$(field_of "$P2" status)" = review

select_row "$T3"
keys 0
expect_line_has "$T3" "DK. SE0 IS. NO. FI." "0 shows SE0 on the row"
check "the cache holds kb-se's 0" test "$(field_of "$P3" votes)" = '{"institution:kb-se": 0}'

select_row "$T5"
keys -
expect_line_has "$T5" "DK+ SE- IS. NO+ FI+" "kb-se's -1 is added beside the other votes"
check "the other institutions' votes are kept" \
	test "$(field_of "$P5" votes)" = '{"institution:nb-no": 1, "institution:kb-dk": 1, "institution:nl-fi": 1, "institution:kb-se": -1}'
select_row "$T5"
keys +
expect_line_has "$T5" "DK+ SE+ IS. NO+ FI+" "a second vote replaces the first (SE- becomes SE+)"
check "one vote per institution: kb-se's -1 became +1" \
	test "$(field_of "$P5" votes)" = '{"institution:nb-no": 1, "institution:kb-dk": 1, "institution:nl-fi": 1, "institution:kb-se": 1}'
expect_counts "8 to triage, 0 accepted this month" "votes do not change the counts"

# ---------------------------------------------------------------------------
# Accept, decline with a reason, defer: each leaves the queue, the cursor on
# the next proposal to triage, the count going down.
select_row "$T4"
next=$(expected_next "$T4" leaves)
keys A
expect_screen "1 proposal: accepted (u undoes)" "A accepts"
check "the cache says accepted" test "$(field_of "$P4" status)" = accepted
expect_not_screen "$T4" "the accepted proposal leaves the queue"
expect_selected "$next" "the cursor is on the next proposal to triage ($next)"
expect_counts "7 to triage, 1 accepted this month" "7 to triage, 1 accepted this month"

select_row "$T6"
next=$(expected_next "$T6" leaves)
keys X
expect_bottom "decline, because: " "X asks for a reason"
type_text "Covered by the bit preservation network"
keys Enter
expect_screen "1 proposal: declined (u undoes)" "X then a reason declines"
check "the cache says declined" test "$(field_of "$P6" status)" = declined
check "the reason is the triage note" \
	test "$(field_of "$P6" triage_note)" = "Covered by the bit preservation network"
expect_not_screen "$T6" "the declined proposal leaves the queue"
expect_selected "$next" "the cursor is on the next proposal to triage ($next)"
expect_counts "6 to triage, 1 accepted this month" "6 to triage"

select_row "$T7"
keys L
expect_screen "1 proposal: deferred (u undoes)" "L defers"
check "the cache says deferred" test "$(field_of "$P7" status)" = deferred
expect_not_screen "$T7" "the deferred proposal leaves the queue"
expect_counts "5 to triage, 1 accepted this month" "5 to triage"

# ---------------------------------------------------------------------------
# Schedule: a workshop on a date and at a place, in the calendar.
YEAR=$(date -u +%Y)
NEXT=$((YEAR + 1))
select_row "$T8"
keys s
expect_bottom "workshop on (YYYY-MM-DD or date-time): " "s asks for the date"
type_text "$NEXT-03-10"
keys Enter
expect_bottom "until (empty: the same day): " "then for the end"
type_text "$NEXT-03-11"
keys Enter
expect_bottom "where: " "then for the place"
type_text "Helsinki, National Library"
keys Enter
expect_screen "1 proposal: scheduled (u undoes)" "s schedules"
check "the cache says scheduled" test "$(field_of "$P8" status)" = scheduled
E=$(field_of "$P8" event)
check "the proposal is linked to its event (event = '$E')" test "${E#event:}" != "$E"
check "the event is linked back (proposal = $P8)" test "$(field_of "$E" proposal)" = "$P8"
check "the event is a workshop" test "$(field_of "$E" kind)" = workshop
check "the event has the start, end and place" \
	test "$(field_of "$E" start) $(field_of "$E" end) $(field_of "$E" location)" = \
	"$NEXT-03-10 $NEXT-03-11 Helsinki, National Library"
check "the event carries the proposal's title" test "$(field_of "$E" title)" = "$T8"
run list event --json
expect_out "$E"
expect_counts "4 to triage, 2 accepted this month" \
	"4 to triage; 2 accepted this month: the scheduled one was accepted too"

# The Calendar pane: to March next year (> from today's month), to the 10th.
keys 4
expect_tab Calendar
months=$(((NEXT * 12 + 3) - (YEAR * 12 + 10#$(date -u +%m))))
moves=()
for ((i = 0; i < months; i++)); do
	moves+=('>')
done
keys "${moves[@]}"
expect_screen "March $NEXT" "> goes month by month to March $NEXT"
day=$(screen | tail -n 1 | sed -n "s/.*$NEXT-03-\([0-9][0-9]\) (week.*/\1/p")
day=$((10#${day:-10}))
moves=()
while [ "$day" -gt 10 ]; do moves+=(h); day=$((day - 1)); done
while [ "$day" -lt 10 ]; do moves+=(l); day=$((day + 1)); done
[ ${#moves[@]} -gt 0 ] && keys "${moves[@]}"
expect_screen "$NEXT-03-10 (week" "the 10th is selected"
expect_screen "10W" "the grid marks the 10th with W (a workshop)"
expect_screen "Agenda from $NEXT-03-10" "the agenda starts on the 10th"
expect_line_has "$NEXT-03-10" "workshop   $T8" "the agenda lists the scheduled workshop"
expect_screen "$NEXT-03-10 (week $((10#$(date -u -d "$NEXT-03-10" +%V)))): 1 event" "the status line counts the day's event"
keys 5
expect_tab Proposals

# The proposal's detail names the event's date and place.
keys f
expect_screen "┌─ show" "f opens the status filter"
keys j j j j j Enter
expect_screen "[scheduled, by age: 1]" "f: scheduled shows the one scheduled proposal"
expect_line_has "scheduled" "$NEXT-03-10 at Helsinki, National Library" \
	"its detail shows the event's date and place"

# The event moved (from the command line, as another program would): the
# detail follows it, read from the event as it is now.
run set "$E" start="$NEXT-04-14" end="$NEXT-04-15"
check "noron set moves the workshop to April" test "$RC/$(field_of "$E" start)" = "0/$NEXT-04-14"
expect_line_has "scheduled" "$NEXT-04-14 at Helsinki, National Library" \
	"an event date change shows in the proposal's detail"
expect_not_screen "$NEXT-03-10 at" "the old date is gone from the detail"

# An event deleted where nothing sent the proposal back (as an older noron's
# sync left it): the detail says so and shows no date for it.
set_event_deleted()
{
	python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE docs SET deleted = ? WHERE id = ?", (int(sys.argv[3]), sys.argv[2]))
db.commit()' "$NORON_DB" "$E" "$1"
}
set_event_deleted 1
expect_line_has "event" "deleted: not scheduled any more" \
	"a deleted event: the detail says it was deleted"
expect_not_screen "$NEXT-04-14 at" "and does not show it as scheduled at its date"
set_event_deleted 0
expect_line_has "scheduled" "$NEXT-04-14 at Helsinki" "the event back: its date again"
keys f
keys k k k k k Enter
expect_screen "[to triage, by age: 4]" "f: to triage again"

# ---------------------------------------------------------------------------
# Bulk: Space Space marks two; A accepts both; u restores both in one step.
keys g
first=$(row_title 1)
second=$(row_title 2)
third=$(row_title 3)
s1=$(field_of "$(id_where proposal title "$first")" status)
s2=$(field_of "$(id_where proposal title "$second")" status)
keys Space
expect_screen "  1 marked" "Space marks one (the status line counts it)"
expect_selected "$second" "Space moves down"
keys Space
expect_screen "  2 marked" "Space again: 2 marked"
check "the two marked rows are marked with *" \
	test "$(list_rows | grep -c '^\* ')" = 2
keys Escape
expect_not_screen "marked" "Esc clears the marks"
keys g Space Space
expect_screen "  2 marked" "Space Space marks two again"
keys A
expect_screen "2 proposals: accepted (u undoes)" "A on the marks accepts both"
check "both are accepted in the cache" \
	test "$(field_of "$(id_where proposal title "$first")" status)/$(field_of "$(id_where proposal title "$second")" status)" = accepted/accepted
check "the unmarked one is left alone" \
	test "$(field_of "$(id_where proposal title "$third")" status)" != accepted
expect_not_screen "$first" "the first accepted leaves the queue"
expect_not_screen "$second" "the second accepted leaves the queue"
expect_counts "2 to triage, 4 accepted this month" "2 to triage, 4 accepted"
expect_not_screen " marked" "no marks are left after the action"
keys u
expect_screen "undid 2 changes" "u undoes the two accepts as one step"
expect_screen "$first" "u brings the first back to the queue"
expect_screen "$second" "and the second"
check "u restored both statuses in one step ($s1, $s2)" \
	test "$(field_of "$(id_where proposal title "$first")" status)/$(field_of "$(id_where proposal title "$second")" status)" = "$s1/$s2"
check "the earlier accept is not undone by it" test "$(field_of "$P4" status)" = accepted
expect_counts "4 to triage, 2 accepted this month" "the counts are back: 4 to triage, 2 accepted"

# * marks every proposal shown; X declines them all with one reason.
keys '*'
expect_screen "  4 marked" "* marks the 4 shown"
keys X
expect_bottom "decline, because: " "X on the marks asks one reason"
type_text "Not this year"
keys Enter
expect_screen "4 proposals: declined (u undoes)" "X declines the 4 marked"
expect_counts "0 to triage, 2 accepted this month  [to triage, by age: 0]" "0 to triage, the list is empty"
all_declined()
{
	local p
	for p; do
		[ "$(field_of "$p" status)" = declined ] &&
			[ "$(field_of "$p" triage_note)" = "Not this year" ] || return 1
	done
}
check "all four are declined with the reason" all_declined "$P1" "$P2" "$P3" "$P5"
keys u
expect_screen "undid 4 changes" "u undoes the four declines as one step"
expect_counts "4 to triage, 2 accepted this month" "u restores the 4 to the queue"
check "u restored each status" test "$(field_of "$P1" status)/$(field_of "$P2" status)/$(field_of "$P3" status)/$(field_of "$P5" status)" = new/review/new/new

# All or nothing: of three marked, one is deleted meanwhile (command line);
# A then changes none of them and says why; the marks stay for another try.
keys g
m1=$(id_where proposal title "$(row_title 1)")
m2=$(id_where proposal title "$(row_title 2)")
m3=$(id_where proposal title "$(row_title 3)")
before="$(field_of "$m1" status)/$(field_of "$m3" status)"
keys Space Space Space
expect_screen "  3 marked" "Space Space Space marks three"
run delete "$m2"
check "noron delete removes the second marked one meanwhile" test "$RC" = 0
expect_screen "[to triage, by age: 3]" "the list follows the delete"
snapshot
keys A
expect_screen "$m2 is not a proposal in this cache" "A on the marks says which one is gone"
expect_unchanged "A on the marks changed none of them (one transaction)"
check "the other two marked keep their status ($before)" \
	test "$(field_of "$m1" status)/$(field_of "$m3" status)" = "$before"
keys Escape
expect_not_screen " marked" "Esc drops the marks"
run undo
check "noron undo brings the deleted one back" test "$(field_of "$m2" title)" != ""
expect_counts "4 to triage, 2 accepted this month" "the queue is whole again"

# ---------------------------------------------------------------------------
# The filter: accepted, then all; the sort: total vote, area.
keys f
expect_screen "┌─ show" "f opens the status filter"
keys j j Enter
expect_screen "[accepted, by age: 1]" "f: accepted shows 1"
check "the one accepted proposal is shown" test "$(row_title 1)" = "$T4"
keys f
keys k Enter
expect_screen "[all, by age: 8]" "f: all shows all 8"
check "every proposal is listed" test "$(list_rows | wc -l)" = 8
keys o
expect_screen "┌─ sort by" "o opens the sort choices"
keys j Enter
expect_screen "[all, by total vote: 8]" "o: total vote"
check "the highest total vote comes first ($T5: +4)" test "$(row_title 1)" = "$T5"
check "the lowest total vote comes last ($T2 or $T6: -1)" \
	bash -c 'case $1 in "$2"|"$3") exit 0;; esac; exit 1' _ "$(row_title 8)" "$T2" "$T6"
# By area is by the area's title: Web harvesting renamed "Archiving the
# web" comes first although its id (area:web-harvesting) sorts last.
run set area:web-harvesting title="Archiving the web"
check "noron set renames the area" test "$RC" = 0
expect_line_has "$T1" "Archiving the" "the row shows the area's new title"
keys o
keys j Enter
expect_screen "[all, by area: 8]" "o: area"
check "sorted by area title, 'Archiving the web' ($T1) comes first" test "$(row_title 1)" = "$T1"
check "then Audiovisual digitization ($T8)" test "$(row_title 2)" = "$T8"
check "Web access ($T5) comes last" test "$(row_title 8)" = "$T5"

# In a view of them all, an action moves on to the next proposal still to
# triage, over the decided ones between (by area: $T8 scheduled, $T6
# declined, $T4 accepted, then $T3 new).
select_row "$T1"
keys +
expect_screen "1 proposal: voted" "+ in the view of all"
expect_selected "$T3" "the cursor skips the decided ones to $T3, the next to triage"
keys A
expect_screen "1 proposal: accepted" "A in the view of all"
expect_selected "$T2" "A: on to $T2 (review), over $T7 (deferred) if it comes between"
keys u
expect_screen "undid the edit" "u takes the accept back"
select_row "$T5"
keys 0
expect_screen "1 proposal: voted" "0 on the last row"
expect_selected "$T5" "none to triage below: the cursor stays on the last row"
keys o
keys k k Enter
expect_screen "[all, by age: 8]" "o: age again"

# ---------------------------------------------------------------------------
# Enter opens a proposal in full, with its abstract; q closes.
select_row "$T3"
keys Enter
expect_screen "┌─ $T3" "Enter opens the proposal"
expect_screen "$ABSTRACT3" "the abstract is shown"
keys q
expect_not_screen "┌─ $T3" "q closes it"
expect_screen "[all, by age: 8]" "the list is back"
alive

# ---------------------------------------------------------------------------
# Without an institution in the config the first decision asks for it, once,
# and says how to keep it (in the config file noron reads); what is decided
# is signed with it, as with the config's.
stop_noron
rm -f "$NORON_CONFIG"
start_noron 120 40
keys 5
expect_screen "4 to triage" "Proposals again, without a config"
select_row "$T3"
keys A
expect_bottom "your institution's code" "A asks for your institution's code"
type_text "kb-se"
keys Enter
expect_screen "1 proposal: accepted" "then accepts"
expect_screen "add 'institution = kb-se' to $NORON_CONFIG to keep it" \
	"it says how to keep it, naming the config file noron reads"
check "the cache says accepted" test "$(field_of "$P3" status)" = accepted
check "the acceptance is signed with the code (updated_by tester@kb-se)" \
	test "$(field_of "$P3" updated_by)" = tester@kb-se
select_row "$T1"
keys X
expect_bottom "decline, because: " "a later X does not ask again: it asks for the reason"
type_text "Too early"
keys Enter
expect_screen "1 proposal: declined" "X declines"
expect_not_screen "institution = kb-se" "and says nothing more of the institution"
check "the decline is signed with the code too" test "$(field_of "$P1" updated_by)" = tester@kb-se
select_row "$T5"
keys +
expect_line_has "$T5" "DK+ SE+ IS. NO+ FI+" "a vote does not ask either: the vote is kb-se's"
check "the cache holds kb-se's +1 beside the others" \
	test "$(field_of "$P5" votes)" = '{"institution:nb-no": 1, "institution:kb-dk": 1, "institution:nl-fi": 1, "institution:kb-se": 1}'
expect_counts "2 to triage, 3 accepted this month" "2 to triage, 3 accepted this month"

# ---------------------------------------------------------------------------
# "Accepted this month" counts when a proposal was accepted, not its last
# edit: a vote today on one accepted in 2020 leaves the count as it was.
T9="Legacy print collections"
cat >"$T/old.json" <<'EOF'
{"noron": "export", "version": 1, "records": [{"_id": "proposal:old-accepted",
 "type": "proposal", "title": "Legacy print collections", "status": "accepted",
 "accepted_at": "2020-02-03T10:00:00Z", "created_at": "2020-01-10T10:00:00Z",
 "updated_at": "2020-02-03T10:00:00Z", "updated_by": "someone@nb-no"}]}
EOF
run import "$T/old.json"
check "noron import adds a proposal accepted in 2020" test "$(field_of proposal:old-accepted status)" = accepted
TITLES+=("$T9")
expect_counts "2 to triage, 3 accepted this month" "an acceptance of 2020 is not counted this month"
keys f
keys j j Enter
expect_screen "[accepted, by age: 3]" "f: accepted shows it with the two accepted today"
select_row "$T9"
keys +
expect_screen "1 proposal: voted" "+ votes on the old acceptance"
check "the vote is in the cache" test "$(field_of proposal:old-accepted votes)" = '{"institution:kb-se": 1}'
expect_counts "2 to triage, 3 accepted this month" \
	"the vote today leaves the count of this month as it was"
check "accepted_at keeps the day it was accepted" \
	test "$(field_of proposal:old-accepted accepted_at)" = 2020-02-03T10:00:00Z

# ---------------------------------------------------------------------------
# Proposals are added, edited and read in full (the abstract scrolls) as in
# the other panes.
keys f
keys k k Enter
expect_screen "[to triage, by age: 2]" "f: to triage"
keys a
expect_screen "New proposal" "a opens an empty proposal form"
keys Enter
expect_bottom "title: " "Enter edits the title"
type_text "Emulation of old carriers"
keys Enter
expect_line_has "title *" "Emulation of old carriers" "the typed title shows in the form"
keys C-s
expect_counts "[to triage, by age: 3]" "C-s saves: the new proposal is in the queue"
NEWP=$(id_where proposal title "Emulation of old carriers")
check "the cache holds it as new ($NEWP)" test "$(field_of "$NEWP" status)" = new
TITLES+=("Emulation of old carriers")
select_row "Emulation of old carriers"
keys e
expect_screen "Edit proposal: Emulation of old carriers" "e opens its form"
keys j j j j Enter
expect_bottom "format: " "the fifth field is the format"
type_text "hackathon"
keys Enter
keys C-s
expect_line_has "Emulation of old carriers" "hackathon" "the row shows the edited format"
check "the cache holds the format" test "$(field_of "$NEWP" format)" = hackathon

# A decline without a reason leaves no note (an older one is not its reason).
select_row "Emulation of old carriers"
keys X
expect_bottom "decline, because: " "X asks for the reason"
type_text "Not this spring"
keys Enter
expect_screen "1 proposal: declined" "X declines with a reason"
check "the reason is the note" test "$(field_of "$NEWP" triage_note)" = "Not this spring"
NORON_CONFIG=$T/no.cfg run triage "$NEWP" review
expect_screen "Emulation of old carriers" "back in the queue (review, from the command line)"
select_row "Emulation of old carriers"
keys X
expect_bottom "decline, because: " "X again"
keys Enter
expect_screen "1 proposal: declined" "Enter without a reason declines"
check "a decline without a reason removes the earlier note" test -z "$(field_of "$NEWP" triage_note)"

LONG=$(for i in $(seq 1 60); do printf 'Paragraph %d of the abstract.\n' "$i"; done)
run add proposal title="A very long abstract" abstract="$LONG"
TITLES+=("A very long abstract")
select_row "A very long abstract"
keys Enter
expect_screen "┌─ A very long abstract" "Enter opens the long proposal"
expect_screen "Paragraph 1 of the abstract." "its abstract starts"
expect_not_screen "Paragraph 60 of the abstract." "the end is below the window"
keys Space Space Space
expect_screen "Paragraph 60 of the abstract." "Space scrolls down to the end of the abstract"
keys q
expect_not_screen "┌─ A very long abstract" "q closes it"
alive

finish
