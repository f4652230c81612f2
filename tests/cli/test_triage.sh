#!/bin/bash
# Guards triage from the command line: votes one per institution (and the
# config's institution needed for them and for every decision), accept/
# decline with a reason (without one, no note)/defer/review, schedule into a
# workshop linked both ways, the event's deletion sending the proposal back
# to accepted, undo as one step, and bad input (an option of another action).

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317
. "$(dirname "$0")/lib.sh"
need_python

run add proposal title="Shared harvesting profiles" area=web-harvesting institution=kb-dk format=workshop
expect_rc 0
P=$(cat "$OUT")
check "a new proposal is new" test "$(field_of "$P" status)" = new

# A vote, and a decision, needs to know whose it is: without the config's
# institution each is refused with the same line, naming the key and the
# config file noron reads ($NORON_CONFIG, else $XDG_CONFIG_HOME/noron/config).
snapshot
run triage "$P" vote +1
expect_refused 1 "institution = CODE"
expect_err "$NORON_CONFIG"
expect_unchanged
for action in accept "decline --reason Later" defer review "schedule --start 2027-03-01"; do
	# shellcheck disable=SC2086
	run triage "$P" $action
	expect_refused 1 "triage needs your institution: add 'institution = CODE' to $NORON_CONFIG"
	expect_unchanged
done
NORON_CONFIG='' run triage "$P" accept
expect_refused 1 "add 'institution = CODE' to $XDG_CONFIG_HOME/noron/config"
expect_unchanged
printf 'institution =\n' >"$NORON_CONFIG"
run triage "$P" review
expect_refused 1 "add 'institution = CODE' to $NORON_CONFIG"
expect_unchanged
printf 'institution = kb-xx\n' >"$NORON_CONFIG"
run triage "$P" accept
expect_refused 1 "no institution institution:kb-xx in this cache"
expect_unchanged

printf 'institution = kb-se\n' >"$NORON_CONFIG"
run triage "$P" vote +1
expect_rc 0
check "the vote is kb-se's" test "$(field_of "$P" votes)" = '{"institution:kb-se": 1}'
run triage "$P" vote -1
expect_rc 0
check "changing a vote replaces it" test "$(field_of "$P" votes)" = '{"institution:kb-se": -1}'
printf 'institution = nb-no\n' >"$NORON_CONFIG"
run triage "$P" vote 0
check "another institution's vote is kept beside" \
	test "$(field_of "$P" votes)" = '{"institution:kb-se": -1, "institution:nb-no": 0}'

for step in "accept accepted" "defer deferred" "review review" "decline declined"; do
	set -- $step
	run triage "$P" "$1"
	expect_rc 0
	check "$1 sets the status to $2" test "$(field_of "$P" status)" = "$2"
done
check "each decision is signed with the institution (updated_by tester@nb-no)" \
	test "$(field_of "$P" updated_by)" = tester@nb-no
run triage "$P" decline --reason "Covered by the web archiving workshop"
check "a decline keeps its reason in the triage note" \
	test "$(field_of "$P" triage_note)" = "Covered by the web archiving workshop"
run triage "$P" accept
check "another decision (accept) leaves the note alone" \
	test "$(field_of "$P" triage_note)" = "Covered by the web archiving workshop"
run triage "$P" decline
expect_rc 0
check "a decline without a reason removes the earlier note (it is not this decline's reason)" \
	test -z "$(field_of "$P" triage_note)"
check "and declines" test "$(field_of "$P" status)" = declined
run triage "$P" accept

# Scheduling makes a workshop in the calendar, linked both ways.
run triage "$P" schedule --start 2027-03-01 --end 2027-03-02 --location "Oslo"
expect_rc 0
E=$(field_of "$P" event)
check "the proposal is scheduled" test "$(field_of "$P" status)" = scheduled
check "the proposal names its event" test -n "$E"
check "the event is a workshop" test "$(field_of "$E" kind)" = workshop
check "the event names the proposal" test "$(field_of "$E" proposal)" = "$P"
check "the event has the date and place" test "$(field_of "$E" start)/$(field_of "$E" location)" = "2027-03-01/Oslo"
run list event
expect_out "Shared harvesting profiles"

# The scheduling is one step for undo: proposal and event together.
run undo
expect_rc 0
check "undo takes the scheduling back" test "$(field_of "$P" status)" = accepted
run show "$E"
expect_out "deleted"
run triage "$P" schedule --start 2027-03-01 --location Oslo
E=$(field_of "$P" event)

# Deleting the event sends the proposal back to accepted, with a note.
run delete "$E"
expect_rc 0
check "the proposal is accepted again" test "$(field_of "$P" status)" = accepted
check "the proposal lost its event" test -z "$(field_of "$P" event)"
check "the note says why" grep -q "event was deleted" <(field_of "$P" triage_note)
run undo
check "undo brings event and scheduling back" test "$(field_of "$P" status)/$(field_of "$P" event)" = "scheduled/$E"

# Bad input changes nothing.
snapshot
run triage "$P" sideways
expect_refused 2 "sideways"
expect_unchanged
run triage "$P" vote 2
expect_refused 2 "+1, -1 or 0"
expect_unchanged
run triage "$P" schedule
expect_refused 2 "--start"
expect_unchanged
run triage "$P" accept --reason "Fits the spring"
expect_refused 2 "--reason goes with decline only"
expect_unchanged
run triage "$P" vote +1 --reason "Useful"
expect_refused 2 "--reason goes with decline only"
expect_unchanged
run triage "$P" defer --start 2027-03-01
expect_refused 2 "--start, --end and --location go with schedule only"
expect_unchanged
run triage "$P" decline --location Oslo
expect_refused 2 "go with schedule only"
expect_unchanged
run triage "$P" schedule --start 2027-02-30
expect_refused 1 "2027-02-30"
expect_unchanged
run triage area:storage accept
expect_refused 1 "not a proposal"
expect_unchanged
run triage proposal:nope accept
expect_refused 1 "proposal:nope"
expect_unchanged

finish
