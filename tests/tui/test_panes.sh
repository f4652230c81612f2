#!/bin/bash
# The six panes draw their seeded content; 1-6, Tab and Shift-Tab switch
# panes; j/k/g/G move; / filters as you type and Esc clears; each pane keeps
# its cursor and filter; ? shows the help from the key table; \ searches
# every record and jumps; the status line's sync state and counts; the
# Projects list's columns; with more than a page, every moving key (PgUp/PgDn,
# ^D/^U, Home/End, n/N with a filter, :search, :help, :quit, the arrows);
# q (and ^C, SIGTERM, SIGHUP) quit with the terminal restored; a terminal
# that goes away (with or without SIGHUP) ends noron at once, even in a
# modal screen.

. "$TESTS_DIR/tui/lib.sh"
need_python

# ---------------------------------------------------------------------------
# First use: the cache is created and seeded; Areas is the home screen.
start_noron 100 30

expect_screen "Area" "Areas draws its list header"
expect_line_has "Area" "DK  SE  IS  NO  FI" \
	"Areas heads one column per institution: DK SE IS NO FI"
for a in "Digitization" "Digital deposit" "Digital preservation" "Infrastructure" \
	"Metadata" "Organization" "Web access"; do
	expect_screen " $a " "Areas shows the main area $a"
done
expect_screen "    Audiovisual digitization" "a subarea is indented under its parent"
expect_screen "    Mobile platforms" "the last subarea of Web access is shown"
expect_screen "18 areas" "the status line counts the 18 seeded areas"
expect_bottom " local only  0 unsynced  never synced  18 areas" \
	"the status line: no url (local only), nothing unsynced, never synced"
expect_line_has "local only" "? help" "the status line ends with the key hints"
expect_tab Areas
check "the cache was created on first use" test -s "$NORON_DB"
run list institution
expect_out "Kungliga biblioteket"

# The detail of the selected area, beside the list at 100 columns.
expect_line_has "│" "area:digitization" "the detail shows the selected area's id"
expect_screen "Where each library stands" "the detail lists each library's standing"

# Space folds and unfolds a subtree.
keys Space
expect_screen "▸ Digitization" "Space folds Digitization (▸)"
expect_not_screen "Audiovisual digitization" "the folded subarea is hidden"
expect_screen "17 areas" "the count follows the fold"
keys Space
expect_screen "▾ Digitization" "Space unfolds it again (▾)"
expect_screen "    Audiovisual digitization" "the subarea is back"

# The hardware cursor follows the selection (screen readers read there): the
# row, then the cell l selects.
expect_cursor_on "▾ Digitization" "the cursor stands on the selected area"
keys l
expect_screen "DK cell: Enter sets it" "l selects the DK cell"
dk=$(screen_column "DK" "Area ")
if [ "$(pane_fmt '#{cursor_x},#{cursor_y}')" = "$dk,2" ]; then
	pass "the cursor stands on the selected cell (under DK)"
else
	fail "the cursor should stand on the selected cell ($dk,2, under DK); it is at $(pane_fmt '#{cursor_x},#{cursor_y}')"
fi
keys Escape
expect_screen "18 areas" "Esc leaves the cells"

# ---------------------------------------------------------------------------
# Switching panes: digits, Tab, Shift-Tab; the tab bar and status follow.
keys 3
expect_screen "NORON wiki (knowledge base)" "3 shows Projects with the NORON wiki project"
expect_screen "5 projects" "the status line counts 5 projects"
expect_tab Projects
expect_line_has "NORON wiki" "ongoing" "the project row shows its status column"
expect_line_has " title" "status    areas" "Projects' columns: title, status, areas"
expect_line_has "areas" "inst" "then the institutions"
expect_line_has "NORON wiki" "DK FI IS" "the institutions by their codes (DK FI IS NO SE)"
expect_line_has "Programme for" "Staff ex" "a project's row shows its area"

keys 2
expect_screen "0 skills" "2 shows Skills (none seeded: 0 skills)"
expect_screen "nothing here yet (a adds)" "an empty list says how to add"
expect_tab Skills

keys 5
expect_screen "to triage" "5 shows Proposals with its count of what is left to triage"
expect_screen "0 to triage" "no proposals are seeded: nothing to triage"
expect_screen "nothing here yet" "the empty queue says so"
expect_tab Proposals

keys 6
expect_screen "Kungliga biblioteket" "6 shows People with the institutions"
expect_screen "5 institutions" "the status line counts 5 institutions"
expect_line_has "Landsbókasafn" "Reykjavík" "the Icelandic library's row shows its city"
expect_tab People

keys Tab
expect_tab Areas
expect_screen "18 areas" "Tab after the last pane wraps to Areas"
keys Tab
expect_tab Skills
expect_screen "0 skills" "Tab moves to the next pane (Skills)"
keys BTab
expect_tab Areas
expect_screen "18 areas" "Shift-Tab moves back to Areas"
keys BTab
expect_tab People
expect_screen "5 institutions" "Shift-Tab from Areas wraps to People"

# ---------------------------------------------------------------------------
# People: h and l switch between institutions, people and funds.
keys l
expect_screen "0 people" "l switches People to its list of people"
keys l
expect_screen "Nordic funds (to be explored)" "l again shows the funds (fund:nordic-funds)"
expect_screen "1 fund" "the status line counts the one fund"
keys l
expect_screen "5 institutions" "l after funds wraps to the institutions"
keys h
expect_screen "1 fund" "h goes back to the funds"
keys l
expect_screen "5 institutions" "and l to the institutions again"

# The detail of an institution lists it; j moves to Kungliga biblioteket.
keys g
expect_screen "institution:kb-dk" "g selects the first institution (kb-dk)"
keys j
expect_screen "institution:kb-se" "j selects Kungliga biblioteket (kb-se)"
expect_line_has "│" "Kungliga biblioteket" "the detail shows Kungliga biblioteket"

# ---------------------------------------------------------------------------
# Moving in Projects: j/k/g/G change the selected record (its detail).
keys 3
expect_screen "project:noron-wiki" "Projects starts on its first project"
keys j
expect_screen "project:catalogue-of-skills" "j selects the next project"
expect_cursor_on " Catalogue of" "the cursor stands on the selected project's row"
keys j
expect_screen "project:sharing-work" "j again the third"
keys k
expect_screen "project:catalogue-of-skills" "k goes back one"
keys G
expect_screen "project:workshop-proposals" "G selects the last project"
keys g
expect_screen "project:noron-wiki" "g selects the first project"
keys Down Down
expect_screen "project:sharing-work" "the Down arrow moves like j"
keys Up
expect_screen "project:catalogue-of-skills" "the Up arrow moves like k"
# tmux sends Home and End as \e[1~ and \e[4~, which xterm's terminfo does
# not list: they must not turn into Esc, [, 1 (or 4) and ~ (a pane switch).
keys End
expect_screen "project:workshop-proposals" "End (as tmux sends it) moves like G"
expect_tab Projects
keys 3 Home
expect_screen "project:noron-wiki" "Home (as tmux sends it) moves like g"
expect_tab Projects
keys 3 g

# Enter opens the record full-screen; q closes it.
keys Enter
expect_screen "┌─ NORON wiki (knowledge base)" "Enter opens the project in a box"
expect_screen "q or Esc close" "the box says how to close it"
keys q
expect_screen "5 projects" "q closes the record and shows the list again"
alive "q in the record view closes it without quitting"

# ---------------------------------------------------------------------------
# Filter as you type: / narrows, Enter keeps it, Esc clears.
keys /
expect_bottom "/" "/ opens the filter prompt on the last line"
type_text "Progr"
expect_bottom "/Progr" "the typed text shows on the prompt line"
expect_not_screen "NORON wiki (knowledge" "typing narrows the list: a project that does not match leaves it"
expect_not_screen "Catalogue of skills on" "another one leaves too"
expect_screen "Programme for exchanging" "the matching project stays"
keys Enter
expect_screen "/Progr: 1 match" "Enter keeps the filter"
expect_screen "project:staff-exchange" "the match is selected"
keys Escape
expect_screen "5 projects" "Esc clears the filter"
expect_screen "NORON wiki (knowledge" "every project is back"

keys /
type_text "zzyzx"
expect_screen "no match (Esc clears the filter)" "a filter without match says so"
keys Escape
expect_screen "5 projects" "Esc in the prompt drops the filter"

# ---------------------------------------------------------------------------
# Each pane keeps its cursor and its filter.
keys G
expect_screen "project:workshop-proposals" "Projects' cursor on its last project"
keys 6
expect_screen "institution:kb-se" "People keeps its cursor on kb-se"
keys /
type_text "Kansalli"
expect_not_screen "Kungliga biblioteket" "People filtered to Kansalliskirjasto"
keys Enter
expect_screen "/Kansalli: 1 match" "the filter stays after Enter"
expect_screen "institution:nl-fi" "the filtered institution is selected"
keys 3
expect_screen "project:workshop-proposals" "back in Projects the cursor is where it was"
expect_screen "5 projects" "Projects has no filter"
keys 1
expect_screen "18 areas" "Areas in between"
keys 6
expect_screen "/Kansalli: 1 match" "back in People its filter is still on"
expect_screen "institution:nl-fi" "and its cursor too"
keys Escape
expect_screen "5 institutions" "Esc clears People's filter"

# day_marked DAY DESC: in the month grid (the left 40 columns), DAY carries
# a mark (not a blank); day_unmarked DAY DESC: it does not.
_day_marked()
{
	cut -c1-40 <<<"$SCREEN" | grep -qE "(^| )${DAY}[^ 0-9]"
}

day_marked()
{
	DAY=$1
	if _poll _day_marked; then
		pass "$2"
	else
		fail "$2"
	fi
}

day_unmarked()
{
	DAY=$1
	if _day_marked; then
		fail "$2"
	else
		pass "$2"
	fi
}

# ---------------------------------------------------------------------------
# Calendar: a month grid, agenda, < > and t; the search jumps to an event.
keys 4
expect_tab Calendar
read -r today this_month prev_month < <(python3 -c '
import datetime
d = datetime.date.today()
p = (d.replace(day=1) - datetime.timedelta(days=1))
names = "January February March April May June July August September October November December".split()
print(d.isoformat(), "%s_%d" % (names[d.month - 1], d.year), "%s_%d" % (names[p.month - 1], p.year))')
this_month=${this_month/_/ } prev_month=${prev_month/_/ }
expect_screen "$this_month" "Calendar opens on this month ($this_month)"
expect_screen "Wk Mo  Tu  We  Th  Fr  Sa  Su" "the month grid has its week-day header"
expect_screen "Agenda from $today" "the agenda starts today"
keys "<"
expect_screen "$prev_month" "< shows the previous month ($prev_month)"
keys ">"
expect_screen "$this_month" "> comes back"
keys "<" "<" t
expect_screen "$this_month" "t comes back to today's month"

keys '\'
expect_screen "search every record" "\\ opens the global search"
type_text "Rana"
expect_screen "Yearly meeting of the Nordic IT managers, Mo i Rana" "the search finds the event"
expect_not_screen "filter: \\" "the key that opened the search is not typed into it"
keys Enter
expect_screen "April 2012" "Enter jumps to the event's month in the Calendar"
expect_screen "Agenda from 2012-04-01" "the agenda starts on the event's day"
expect_line_has "2012-04-01" "Yearly meeting of the Nordic IT" "the agenda lists the event"
expect_tab Calendar
expect_line_has "2012-04-01" "1 event" "the status line counts the day's event"
day_marked 1 "the day of the event (the 1st) is marked in the grid"
# The event comes back every year: a year on, the agenda gives that year's date.
keys ">" ">" ">" ">" ">" ">" ">" ">" ">" ">" ">" ">"
expect_screen "April 2013" "> twelve times goes to April 2013"
day_marked 1 "the yearly event is marked on 1 April 2013"
expect_line_has "2013-04-01" "Yearly meeting of the Nordic IT" \
	"the agenda lists the 2013 occurrence under its own date"
expect_not_screen "2012-04-01" "the agenda from April 2013 shows no 2012 date"
keys "<" "<" "<" "<" "<" "<" "<" "<" "<" "<" "<" "<"
expect_screen "April 2012" "< twelve times comes back to April 2012"
# Back a year: March 2011, with the Stockholm meeting of the 17th marked.
keys "<" "<" "<" "<" "<" "<" "<" "<" "<" "<" "<" "<" "<"
expect_screen "March 2011" "< thirteen times goes back to March 2011"
day_marked 17 "the 17th (Stockholm meeting) is marked"
day_unmarked 20 "a day without events (the 20th) is not marked"
expect_line_has "2011-03-17" "Meeting of the Nordic IT" "the agenda lists the Stockholm meeting"
keys Escape
expect_screen "March 2011" "Esc leaves the agenda, the month stays"
expect_cursor_on " 1" "the cursor stands on the selected day (the 1st) in the grid"

# The search jumps to records of other panes too.
keys '\'
expect_screen "search every record" "\\ again"
type_text "Kungliga"
expect_screen "institution Kungliga biblioteket" "the search finds the institution"
keys Enter
expect_tab People
expect_screen "institution:kb-se" "Enter jumps to it in People"
keys '\'
expect_screen "search every record" "\\ once more"
type_text "Sharing work between"
expect_screen "project     Sharing work between the libraries" "the search finds the project"
keys Enter
expect_tab Projects
expect_screen "project:sharing-work" "Enter jumps to the project in Projects"
keys '\'
expect_screen "search every record" "\\ to cancel"
type_text "Mobile"
expect_screen "area        Mobile platforms" "the search finds an area"
keys Escape
expect_not_screen "search every record" "Esc closes the search"
expect_screen "project:sharing-work" "without moving"
expect_tab Projects

# ---------------------------------------------------------------------------
# Help: generated from the key table, per pane.
keys '?'
expect_screen "Keys in Projects" "? opens the help of the current pane"
expect_screen "/        filter the list as you type" "help: / filters"
expect_screen "j Down   next row" "help: j and Down"
expect_screen "Tab      next pane" "help: Tab"
expect_screen "S-Tab    previous pane" "help: Shift-Tab"
expect_not_screen "Space    expand or collapse" "Projects' help leaves out the Areas-only Space"
expect_not_screen "h Left" "nor h/l, which do nothing in Projects"
keys G
expect_screen "H        history of the record" "G scrolls the help to its end (H history)"
expect_screen "E        edit the whole record in \$EDITOR" "help: E"
expect_screen "\\        search every record and jump to one" "help: \\"
keys q
expect_screen "project:sharing-work" "q closes the help (and does not quit)"
alive
keys 1
expect_screen "18 areas" "to Areas"
keys '?'
expect_screen "Keys in Areas" "the help of Areas"
expect_screen "Space    expand or collapse the area" "Areas' help has Space"
expect_screen "l Right  next column" "and l"
keys Escape
expect_screen "18 areas" "Esc closes the help too"
keys 4
expect_screen "Wk Mo" "to Calendar"
keys '?'
expect_screen "Keys in Calendar" "the help of Calendar"
expect_screen "t        today" "Calendar's help has t"
expect_screen "<        previous month" "and <"
expect_screen "PgDn     next month" "PgDn is the next month there"
expect_screen "Esc      leave the day's events" "Esc leaves the day's events"
# What does nothing in the Calendar is not offered, on either half of the help.
for half in top bottom; do
	[ $half = bottom ] && keys G
	expect_not_screen "filter the list as you type" "Calendar's help ($half) leaves out / (no filter)"
	expect_not_screen "g Home" "nor g and Home ($half)"
	expect_not_screen "half a page" "nor ^D and ^U ($half)"
	expect_not_screen "next match" "nor n and N ($half)"
	expect_not_screen "scroll the detail" "nor J and K ($half)"
	expect_not_screen "clear the filter" "nor Esc as clearing a filter ($half)"
	expect_not_screen "next page" "nor PgDn as a page ($half)"
done
expect_screen "C        conflicts" "the end of the help is shown"
keys q
expect_screen "Wk Mo" "back to Calendar"
month_now=$(screen | grep -oE "(January|February|March|April|May|June|July|August|September|October|November|December) [0-9]{4}" \
	| head -1)
keys NPage
expect_not_screen "$month_now" "PgDn in the Calendar leaves $month_now"
keys PPage
expect_screen "$month_now" "PgUp comes back to $month_now"
keys /
expect_screen "Wk Mo" "/ in the Calendar"
expect_not_screen "nothing to filter" "does nothing (no prompt, no complaint)"
check "and opens no prompt" test "$(screen | tail -1 | cut -c1-2)" != "/"

# ---------------------------------------------------------------------------
# q quits; the terminal is as it was (cooked mode, main screen, cursor shown).
keys q
expect_screen "[noron exited with 0]" "q quits with exit code 0"
check "the terminal modes are restored (stty -g before = after)" \
	cmp -s "$T/stty.before" "$T/stty.after"
check "the main screen is back (not the alternate screen)" \
	test "$(pane_fmt '#{alternate_on}')" = 0
check "the cursor is visible again" test "$(pane_fmt '#{cursor_flag}')" = 1
check "the cursor keys are back in normal mode" \
	test "$(pane_fmt '#{keypad_cursor_flag}')" = 0
expect_not_screen "1 Areas" "noron's screen is gone"
type_text "echo-check"
keys Enter
if wait_for "echo-check" && [ "$(screen | grep -c 'echo-check')" -ge 2 ]; then
	pass "typed text is echoed again (the line discipline is back)"
else
	fail "typed text should be echoed by the terminal after quitting"
fi

# ^C quits the same way.
stop_noron
start_noron 80 24
keys C-c
expect_screen "[noron exited with 0]" "^C quits with exit code 0"
check "^C restores the terminal modes" cmp -s "$T/stty.before" "$T/stty.after"
check "^C leaves the alternate screen" test "$(pane_fmt '#{alternate_on}')" = 0

# SIGTERM ends it cleanly (128 + 15), terminal restored.
stop_noron
start_noron 80 24
kill -TERM "$NORON_PID"
expect_screen "[noron exited with 143]" "SIGTERM ends noron with exit code 143"
check "SIGTERM restores the terminal modes" cmp -s "$T/stty.before" "$T/stty.after"
check "SIGTERM leaves the alternate screen" test "$(pane_fmt '#{alternate_on}')" = 0
check "SIGTERM shows the cursor again" test "$(pane_fmt '#{cursor_flag}')" = 1

# SIGHUP with the terminal still there ends it the same way (128 + 1).
stop_noron
start_noron 80 24
keys 3
expect_screen "5 projects" "Projects before the hangup"
kill -HUP "$NORON_PID"
expect_screen "[noron exited with 129]" "SIGHUP ends noron with exit code 129"
check "SIGHUP restores the terminal modes" cmp -s "$T/stty.before" "$T/stty.after"
check "SIGHUP leaves the alternate screen" test "$(pane_fmt '#{alternate_on}')" = 0
check "SIGHUP shows the cursor again" test "$(pane_fmt '#{cursor_flag}')" = 1
check "SIGHUP puts the cursor keys back in normal mode" \
	test "$(pane_fmt '#{keypad_cursor_flag}')" = 0

# --db names another cache, created and seeded on first use.
stop_noron
start_noron 80 24 -- --db "$T/other.db"
expect_screen "18 areas" "noron --db PATH opens a cache there"
keys q
expect_screen "[noron exited with 0]" "and quits"
run --db "$T/other.db" list area
expect_out "Web harvesting"

# ---------------------------------------------------------------------------
# The status line with an endpoint configured: before the first sync it is
# not known whether the endpoint answers; an edit counts as unsynced; a sync
# that cannot reach it says offline.
stop_noron
printf 'url = http://127.0.0.1:9/noron\ninstitution = kb-se\n' >"$T/config-url"
start_noron 100 30 "NORON_CONFIG=$T/config-url" -- --db "$T/url.db"
expect_bottom " not connected yet  0 unsynced  never synced" \
	"with a url, before any sync: not connected yet, 0 unsynced, never synced"
keys 3 e
expect_screen "Edit project: NORON wiki" "e on the first project"
keys j j j j j Enter
expect_bottom "contact: " "the contact field"
type_text "status@example.org"
keys Enter C-s
expect_screen "saved project:noron-wiki" "the edit is saved"
keys C-l
expect_bottom " not connected yet  1 unsynced  never synced" "the edit counts: 1 unsynced"
keys S
if wait_for "sync failed" 60; then
	pass "S: the sync to a closed port fails"
else
	fail "S: the sync to a closed port should fail within 60 s"
fi
keys C-l
expect_bottom " offline  1 unsynced  never synced" "after the failed sync: offline, still 1 unsynced"
keys q
expect_screen "[noron exited with 0]" "q quits"

# ---------------------------------------------------------------------------
# More than a page of projects (105 at 80x24, 11 rows a page): each moving
# key moves the selection (the detail names it) where it should.
stop_noron
python3 - "$T/many.json" <<'PY'
import json, sys
recs = [{"_id": "project:p%03d" % i, "type": "project", "title": "Paging project %03d" % i,
         "status": "idea"} for i in range(100)]
json.dump({"noron": "export", "version": 1, "records": recs}, open(sys.argv[1], "w"))
PY
run --db "$T/many.db" import "$T/many.json"
expect_out "100 added"
# The list's order, as noron list gives it (the Projects pane's order).
mapfile -t ORDER < <("$NORON" --db "$T/many.db" list project --json </dev/null | python3 -c '
import json, sys
for r in json.load(sys.stdin)["records"]:
    print(r["_id"])')
check "105 projects in the list's order" test "${#ORDER[@]}" = 105
start_noron 80 24 -- --db "$T/many.db"
keys 3
expect_screen "105 projects" "105 projects"
expect_screen "${ORDER[0]}" "the first project is selected"
PAGE=11	# the list's rows at 80x24 (the detail takes the rest)
# at INDEX DESC: the selected project is the INDEX-th of the list (the detail
# shows its id), and Projects is still the pane shown.
at()
{
	expect_screen "${ORDER[$1]}" "$2 (${ORDER[$1]})"
	expect_tab Projects
}
keys C-d
at $((PAGE / 2)) "^D moves half a page down"
keys C-d
at $((PAGE / 2 * 2)) "^D again"
keys C-u
at $((PAGE / 2)) "^U moves half a page up"
keys NPage
at $((PAGE / 2 + PAGE)) "PgDn moves a page down"
keys NPage
at $((PAGE / 2 + 2 * PAGE)) "PgDn again"
keys PPage
at $((PAGE / 2 + PAGE)) "PgUp moves a page up"
keys End
at 104 "End moves to the last project"
keys PPage
at $((104 - PAGE)) "PgUp from the end"
keys Home
at 0 "Home moves to the first project"
keys PPage
at 0 "PgUp on the first row stays there"
keys G
at 104 "G moves to the last"
keys NPage
at 104 "PgDn on the last row stays there"
keys g
at 0 "g moves to the first"
keys Right
at 0 "Right does nothing in Projects"
keys Left
at 0 "nor Left"
keys Down Down
at 2 "Down twice"
keys n
at 3 "n without a filter moves to the next row"
keys N N
at 1 "N twice moves back two rows"

# n and N with a filter: the matches, around the end.
keys /
type_text "Paging project 01"
keys Enter
expect_screen "/Paging project 01: 10 matches" "the filter has ten matches"
expect_screen "project:p010" "the first match is selected"
keys n
expect_screen "project:p011" "n moves to the next match"
keys n
expect_screen "project:p012" "n again"
keys N N
expect_screen "project:p010" "N twice comes back to the first match"
keys N
expect_screen "project:p019" "N on the first match goes round to the last"
keys n
expect_screen "project:p010" "n on the last goes round to the first"
keys Escape
expect_screen "105 projects" "Esc clears the filter"

# :search TEXT, :help, an unknown command, :quit.
keys :
expect_bottom ":" ": opens the command line"
type_text "search Rana"
keys Enter
expect_screen "search every record" ":search TEXT opens the search"
expect_screen "filter: Rana" "with the text typed"
expect_screen "Yearly meeting of the Nordic IT managers, Mo i Rana" "and its match"
keys Enter
expect_tab Calendar
expect_screen "Agenda from 2012-04-01" "Enter jumps to the event in the Calendar"
keys 3 :
type_text "help"
keys Enter
expect_screen "Keys in Projects" ":help opens the help"
keys q
expect_screen "105 projects" "q closes it"
keys :
type_text "bogus"
keys Enter
expect_screen "unknown command 'bogus' (:search TEXT, :help, :quit)" \
	"an unknown command is named, with the ones there are"
alive ":bogus does not quit"
keys :
type_text "quit"
keys Enter
expect_screen "[noron exited with 0]" ":quit quits with exit code 0"

# Right and Left (the arrows as h and l) in Areas and People.
stop_noron
start_noron 100 30
keys Right
expect_screen "DK cell: Enter sets it" "Right selects the DK cell in Areas"
keys Right
expect_screen "SE cell: Enter sets it" "Right again the SE cell"
keys Left
expect_screen "DK cell: Enter sets it" "Left goes back to DK"
keys 6
expect_screen "5 institutions" "People"
keys Right
expect_screen "0 people" "Right switches People to the people"
keys Left
expect_screen "5 institutions" "Left back to the institutions"
keys q
expect_screen "[noron exited with 0]" "q quits"

# ---------------------------------------------------------------------------
# The terminal goes away (a dropped SSH link): noron ends at once and never
# spins, on the main screen and in every modal. First with the hangup's
# SIGHUP, then without it (noron in a session of its own: only its input
# tells it the terminal is gone).

# open_modal WHAT: opens one of noron's modal screens in Projects.
open_modal()
{
	keys 3
	wait_for "5 projects" || return 1
	case $1 in
	main) ;;
	form) keys a && wait_for "New project" ;;
	choice) keys a && wait_for "New project" && keys j Enter && wait_for "┌─ status" ;;
	picker) keys a && wait_for "New project" && keys j j Enter && wait_for "type to filter" ;;
	search) keys '\' && wait_for "search every record" ;;
	filter) keys / && expect_bottom "/" "the filter prompt is open" ;;
	help) keys '?' && wait_for "Keys in Projects" ;;
	question) keys D && wait_for "(y/n)" ;;
	esac
}

# hangup_ends WAY WHAT: noron ends once the terminal is gone, within 3 s (30 s
# in a sanitizer build, whose exit runs the leak check, on a machine busy
# with the other tests and a browser).
hangup_ends()
{
	local pid=$NORON_PID limit=3
	ldd "$NORON" 2>/dev/null | grep -q libasan && limit=30
	open_modal "$2" || fail "$1: could not open the $2 screen"
	tm kill-server >/dev/null 2>&1
	if _wait_pid_gone "$pid" "$limit"; then
		pass "$1: noron ends when the terminal goes away ($2)"
	else
		fail "$1: noron should end when the terminal goes away ($2); it still runs" \
			_show_spin
		_end_pid "$pid"
	fi
	NORON_PID=
}

_show_spin()
{
	echo "#   state $(ps -o stat=,time= -p "$pid" 2>/dev/null)," \
		"in $(cat "/proc/$pid/wchan" 2>/dev/null)"
	if type -P gdb >/dev/null; then	# where it is, for whoever reads the log
		gdb -p "$pid" -batch -ex "bt 20" 2>/dev/null | grep '^#' | sed 's/^/#   /'
	fi
}

for what in main form question; do
	start_noron 80 24
	hangup_ends "with SIGHUP" "$what"
done
if type -P setsid >/dev/null; then
	for what in main form choice picker search filter help question; do
		START_SETSID=1 start_noron 80 24
		hangup_ends "without SIGHUP" "$what"
	done
else
	pass "# SKIP setsid is missing: no hangup without SIGHUP"
fi
run list project
expect_out "NORON wiki (knowledge base)"

finish
