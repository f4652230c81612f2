#!/bin/bash
# R writes the report for the directors from the interface: in Areas (and
# every pane but Proposals) it writes the day's HTML report into the home
# folder and the status line names the file; ? lists the key. In Proposals
# R keeps its meaning there, "back to review", and writes no report.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99
printf 'institution = kb-se\n' >"$NORON_CONFIG"
"$NORON" add standing area=storage institution=kb-se level=advanced priority=yes \
	note="Tape library in daily use" >/dev/null </dev/null || exit 99
P=$("$NORON" add proposal title="Web archive quality" institution=kb-dk </dev/null) || exit 99
"$NORON" triage "$P" accept >/dev/null </dev/null || exit 99

# The whole help, page after page (Space pages down in the viewer).
help_text()
{
	local i
	for i in 1 2 3 4; do
		wait_for "Keys in" || return
		screen
		keys Space
	done
}

not_in() { ! grep -q -- "$1" "$2"; }

DAY=$(date +%F)
FILE="$HOME/noron-report-$DAY.html"

start_noron 100 30
expect_screen "18 areas" "Areas is shown"
keys R
expect_screen "wrote the report to ~/noron-report-$DAY.html" \
	"R in Areas writes the report and the status line names the file"
check "the file is in the home folder" test -s "$FILE"
check "it is the HTML report" grep -q '<section id="matrix">' "$FILE"
check "it holds the cache's standings" grep -q 'Tape library in daily use' "$FILE"
check "no temporary file is left beside it" test "$(ls -A "$HOME" | grep -c noron-report)" = 1
alive "noron still runs after writing the report"

keys '?'
help_text >"$T/help.areas"
check "? in Areas lists R: write the report" \
	grep -q "R  *write the report for the directors" "$T/help.areas"
keys q
expect_not_screen "Keys in" "q closes the help"

# Another pane: the same.
rm -f "$FILE"
keys 3
expect_tab Projects
keys R
expect_screen "wrote the report to ~/noron-report-$DAY.html" "R in Projects writes it too"
check "the file is there again" test -s "$FILE"

# Proposals: R puts the selected proposal back to review, and writes nothing.
rm -f "$FILE"
keys 5
expect_tab Proposals
keys f
expect_screen "┌─ show" "f opens the status filter"
keys j j Enter
expect_screen "Web archive quality" "the accepted proposal is shown"
keys R
expect_screen "1 proposal: " "R in Proposals acts on the proposal"
check "R in Proposals puts it back to review" test "$(field_of "$P" status)" = review
check "R in Proposals writes no report" test ! -e "$FILE"
keys '?'
help_text >"$T/help.proposals"
check "? in Proposals lists R as back to review" grep -q "R  *back to review" "$T/help.proposals"
check "? in Proposals does not list the report" not_in "write the report" "$T/help.proposals"
keys q

keys q
expect_screen "[noron exited with 0]" "q quits with exit code 0"
finish
