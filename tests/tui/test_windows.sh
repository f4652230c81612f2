#!/bin/bash
# What the screens read on demand, and what they keep, stays right:
# - the Areas detail reads what is linked to an area as far as it is shown,
#   and scrolling it (J/K) reads on: every linked project (up to twenty) and
#   the linked skills come into view;
# - the matrix's cells, kept while the cursor moves, follow a standing changed
#   by another noron (here the command line) once the person is back at the
#   keyboard;
# - the global search counts its matches, up to 1000 ("1000+");
# - the Areas detail shows each library's standing with its note and the
#   skills, events and proposals linked to the area.

. "$TESTS_DIR/tui/lib.sh"
need_python

run init
for i in $(seq -w 1 25); do
	run add project title="Linked project $i" status=ongoing areas=area:digitization
done
run add skill topic="Book scanner calibration" kind=skill institution=institution:kb-dk \
	area=area:digitization
run list project
expect_out "Linked project 25"
# 1,001 skills that share a word, as one import.
python3 - "$T/many.json" <<'PY'
import json, sys
recs = [{"_id": "skill:many-%04d" % i, "type": "skill", "topic": "Mikrofilm %d" % i,
         "kind": "skill", "institution": "institution:kb-se"} for i in range(1001)]
json.dump({"noron": "export", "version": 1, "records": recs}, open(sys.argv[1], "w"))
PY
run import "$T/many.json"
expect_out "1001 added"

start_noron 80 24
expect_screen "Digitization" "Areas starts on Digitization"
expect_screen "Where each library stands" "the detail shows the standings"
expect_not_screen "Linked project 01" "the linked projects are below the detail's fold"

# J scrolls the detail three lines at a time: the projects come into view in
# their order, then the skills.
seen_first=no seen_last=no seen_skill=no
for _ in $(seq 1 40); do
	keys J
	sleep 0.05
	s=$(screen)
	[[ $s == *"Linked project 01"* ]] && seen_first=yes
	[[ $s == *"Linked project 20"* ]] && seen_last=yes
	[[ $s == *"Book scanner calibration"* ]] && seen_skill=yes
	[ $seen_skill = yes ] && break
done
check "scrolling the detail shows the first linked project" test $seen_first = yes
check "and the twentieth" test $seen_last = yes
check "and, after the projects, the linked skill" test $seen_skill = yes
expect_screen "Skills" "the skills have their heading"
expect_not_screen "Linked project 21" "a section lists at most twenty records"
for _ in $(seq 1 40); do
	keys K
done
expect_screen "Where each library stands" "K scrolls back to the top of the detail"

# A standing set from the command line shows in the matrix at the next key.
dk=$(screen_column "DK" "Area ")
expect_line_has "Digitization" "Digitization" "the row of Digitization is drawn"
run add standing area=area:digitization institution=institution:kb-dk level=advanced \
	priority=yes
keys j k
expect_screen "██*" "the DK cell of Digitization shows advanced and priority (██*)"
line=$(screen | grep -m1 "Digitization")
if [ "${line:$dk:3}" = "██*" ]; then
	pass "the cell is in the DK column"
else
	fail "the DK column of Digitization should read ██*: '$line'"
fi
run set standing:digitization:kb-dk level=planned priority=no
keys j k
expect_screen "░░" "after another change the cell shows planned (░░)"
expect_not_screen "██*" "the old cell is gone"
line=$(screen | grep -m1 "Digitization")
cell=${line:$dk:3}
if [ "${cell% }" = "░░" ]; then
	pass "in the DK column, without the priority mark"
else
	fail "the DK column of Digitization should read ░░ without *: '$line'"
fi

# The global search counts what it finds; past 1000 it says so.
keys '\'
expect_screen "search every record" "\\ opens the global search"
type_text "Rana"
expect_line_has "filter: Rana" " 1 match " "one record mentions Rana: 1 match"
keys BSpace BSpace BSpace BSpace
type_text "Mikrofilm"
expect_line_has "filter: Mikrofilm" " 1000+ matches " "1,001 matches are counted as 1000+"
keys Escape
expect_not_screen "search every record" "Esc closes the search"

# The Areas detail of one area: its description, every library's standing
# with its note, and the skills, events and proposals linked to it.
stop_noron
run add standing area=area:metadata institution=institution:kb-dk level=started \
	"note=Moving to BIBFRAME next year"
run add standing area=area:metadata institution=institution:nb-no level=advanced priority=yes
run add event "title=Metadata workshop Oslo" kind=workshop start=2025-05-05 areas=area:metadata
run add proposal "title=Linked data for catalogues" area=area:metadata
run add skill "topic=MARC to BIBFRAME" kind=skill institution=institution:kb-dk area=area:metadata
start_noron 200 60
keys /
type_text "Metadata"
keys Enter
expect_screen "area:metadata" "the filter selects Metadata"
expect_line_has "│" "One of the seven main groups" "the detail has the area's description"
expect_line_has "DK  started" "Moving to BIBFRAME next year" "DK's standing with its note"
expect_line_has "NO  advanced" "priority" "NO's standing, marked as a priority"
expect_line_has "│" "SE  -" "a library without a standing shows -"
expect_line_has "│" "MARC to BIBFRAME" "the linked skill"
expect_line_has "│" "Metadata workshop Oslo" "the linked event"
expect_line_has "│" "Linked data for catalogues" "the linked proposal"
sections=$(screen | grep -oE "│ (Skills|Events|Proposals) *$" | tr -d '│ ' | tr '\n' ' ')
check "the skills, events and proposals each have their heading ($sections)" \
	test "$sections" = "Skills Events Proposals "

stop_noron
finish
