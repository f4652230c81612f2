#!/bin/bash
# Text in the cache is untrusted (it comes from other institutions through
# the endpoint): escape sequences (OSC title, screen's rename, clear screen),
# C0 and C1 controls, DEL and invalid UTF-8 must reach the terminal only as
# placeholders, never raw. Also: NO_COLOR gives a working monochrome screen,
# and noron starts, draws and takes every key with TERM=vt100, xterm,
# screen-256color and xterm-mono (colours where the terminal has them).

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99

# ---------------------------------------------------------------------------
# First, the clean cache at 100x30: what the screen looks like, with colours.
start_noron 100 30
expect_screen "18 areas" "the clean cache draws"
screen >"$T/clean.screen"
colors=$(screen_colors)
check "with TERM=xterm-256color the screen uses colours ($colors)" test -n "$colors"
stop_noron

# Poison two areas, bypassing every check of noron (as a broken or hostile
# endpoint could): Metadata gets escape sequences and controls in its title
# and description, Storage invalid UTF-8 in its title.
HOSTILE=$'Meta\e]2;pwned\adata \ekpwned\e\\ \e[2J\e[H clear \xc2\x9b31m c1 \xc2\x9d0;c1pwned\xc2\x9c del\x7f end'
python3 - "$NORON_DB" "$HOSTILE" <<'EOF' || exit 99
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
hostile = sys.argv[2].encode("utf-8", "surrogateescape").decode("utf-8")
db.execute("UPDATE docs SET body = json_set(body, '$.title', ?, '$.description', ?)"
           " WHERE id = 'area:metadata'", (hostile, "line one\n" + hostile + "\tTAB"))
body = json.loads(db.execute("SELECT body FROM docs WHERE id = 'area:storage'").fetchone()[0])
body["title"] = "@@BAD@@"
raw = json.dumps(body).encode().replace(b"@@BAD@@", b"Stor\xff\xfeage")
db.execute("UPDATE docs SET body = CAST(? AS TEXT) WHERE id = 'area:storage'", (raw,))
db.commit()
EOF
FFFD=$'\xef\xbf\xbd'

_show_why_screen()
{
	_indent <"$T/why"
	_show_screen
}

start_noron 100 30
expect_screen "18 areas" "the poisoned cache draws"
expect_screen "Meta${FFFD}]2;pwned${FFFD}data" \
	"the OSC title sequence shows with placeholders (ESC and BEL as U+FFFD)"
expect_screen "Stor${FFFD}${FFFD}age" "invalid UTF-8 shows as U+FFFD"
check "the pane title is unchanged (no OSC 2 reached the terminal)" \
	test "$(pane_fmt '#{pane_title}')" = noron-test-title
check "the window name is unchanged (no ESC k reached the terminal)" \
	test "$(pane_fmt '#{window_name}')" = win
screen >"$T/poisoned.screen"
if diff <(grep -v -e Metadata -e Storage "$T/clean.screen") \
	<(grep -v -e pwned -e Stor "$T/poisoned.screen") >"$T/why"; then
	pass "every other line is as with the clean cache (no clear screen, no move)"
else
	fail "every other line should be as with the clean cache" _show_why_screen
fi
expect_screen " noron  1 Areas  2 Skills" "the tab bar is intact"
expect_screen "▾ Digitization" "the first row is intact (nothing cleared it)"

# Select Metadata: its detail shows the whole title and the description.
keys j j j j j j j j j
expect_screen "area:metadata" "j moves to the poisoned area"
expect_screen "data ${FFFD}kpwned${FFFD}\\ ${FFFD}[2J${FFFD}[H" \
	"screen's rename and the clear-screen sequences show with placeholders"
expect_screen "clear ${FFFD}31m c1 ${FFFD}0;c1pwned${FFFD}" "C1 controls (CSI, OSC, ST) show as U+FFFD"
expect_screen "del${FFFD} end" "DEL shows as U+FFFD"
expect_screen "line one" "the description's first line"
check "the pane title is still unchanged" test "$(pane_fmt '#{pane_title}')" = noron-test-title
check "the window name is still unchanged" test "$(pane_fmt '#{window_name}')" = win
expect_screen " noron  1 Areas  2 Skills" "the tab bar is still intact"
expect_screen "18 areas" "the status line is intact"

# D asks about it on the status line; the search lists it: both sanitised.
keys D
expect_screen "Delete area \"Meta${FFFD}]2;pwned${FFFD}data" "the delete question shows placeholders"
keys n
expect_screen "not deleted" "n keeps it"
keys '\'
expect_screen "search every record" "the search"
type_text "main groups"
expect_screen "area        Meta${FFFD}]2;pwned${FFFD}data" "the search lists the title with placeholders"
keys Escape
expect_not_screen "search every record" "Esc closes the search"
check "the pane title survived the delete question and the search" \
	test "$(pane_fmt '#{pane_title}')" = noron-test-title
alive "noron runs on"
keys q
expect_screen "[noron exited with 0]" "q quits"
check "the pane title is the same after quitting" test "$(pane_fmt '#{pane_title}')" = noron-test-title
check "the window name is the same after quitting" test "$(pane_fmt '#{window_name}')" = win
stop_noron

# ---------------------------------------------------------------------------
# NO_COLOR: no colour at all, attributes instead; everything still readable.
start_noron 100 30 NO_COLOR=1
expect_screen "18 areas" "NO_COLOR=1: the screen draws"
expect_line_has "Area" "DK  SE  IS  NO  FI" "NO_COLOR=1: the institution columns"
colors=$(screen_colors)
check "NO_COLOR=1: no colour codes on screen (got '$colors')" test -z "$colors"
attrs=$(screen_attrs)
check "NO_COLOR=1: attributes carry the state (reverse among '$attrs')" \
	grep -qw 7 <<<"$attrs"
expect_tab Areas
keys 3
expect_tab Projects
expect_screen "5 projects" "NO_COLOR=1: keys work"
keys j
expect_screen "project:catalogue-of-skills" "NO_COLOR=1: j moves"
check "NO_COLOR=1: the selected row stands out (reverse)" grep -qw 7 <<<"$(screen_attrs)"
keys q
expect_screen "[noron exited with 0]" "NO_COLOR=1: q quits"
stop_noron

# ---------------------------------------------------------------------------
# Terminal types: each starts, draws, takes keys and quits cleanly. tmux sends
# Home, End, PgUp, PgDn and Shift-Tab as \e[1~ \e[4~ \e[5~ \e[6~ \e[Z
# whatever TERM says; vt100's terminfo lists none of them, and if noron took
# them as Esc, a digit and ~, PgDn would switch to People (6) and PgUp to
# Calendar (5).
for term in vt100 xterm screen-256color xterm-mono; do
	if type -P infocmp >/dev/null && ! infocmp "$term" >/dev/null 2>&1; then
		echo "# SKIP no terminfo entry for $term"
		continue
	fi
	start_noron 80 24 "TERM=$term"
	expect_screen "18 areas" "TERM=$term: Areas draws"
	expect_screen " noron  1 Areas  2 Skills  3 Projects" "TERM=$term: the tab bar"
	expect_screen "Digital preservation" "TERM=$term: the area tree"
	keys 3
	expect_screen "5 projects" "TERM=$term: 3 switches to Projects"
	expect_tab Projects
	keys j
	expect_screen "project:catalogue-of-skills" "TERM=$term: j moves"
	keys End
	expect_screen "project:workshop-proposals" "TERM=$term: End moves to the last row"
	keys Home
	expect_screen "project:noron-wiki" "TERM=$term: Home moves to the first row"
	keys NPage
	expect_screen "project:workshop-proposals" "TERM=$term: PgDn moves down a page"
	expect_tab Projects
	keys PPage
	expect_screen "project:noron-wiki" "TERM=$term: PgUp moves up a page"
	expect_tab Projects
	# Delete (\e[3~) in the filter prompt deletes the character under the
	# cursor; Home (\e[1~) goes to the start of the line.
	keys /
	type_text "Progrx"
	keys Left Delete Home
	type_text "x"
	expect_bottom "/xProgr" "TERM=$term: Delete and Home work in the filter prompt"
	keys Home Delete Enter
	expect_screen "/Progr: 1 match" "TERM=$term: the filter kept is the edited text"
	keys Escape
	expect_screen "5 projects" "TERM=$term: Esc clears it"
	keys j
	keys BTab
	expect_screen "0 skills" "TERM=$term: Shift-Tab goes back to Skills"
	expect_tab Skills
	keys Tab
	expect_screen "project:catalogue-of-skills" "TERM=$term: Tab comes back to Projects, its row kept"
	expect_tab Projects
	case $term in
	vt100 | xterm-mono)
		c=$(screen_colors)
		check "TERM=$term: no colours ($c)" test -z "$c"
		check "TERM=$term: the selection still stands out (reverse)" \
			grep -qw 7 <<<"$(screen_attrs)"
		;;
	*)
		c=$(screen_colors)
		check "TERM=$term: the screen uses colours ($c)" test -n "$c"
		;;
	esac
	keys q
	expect_screen "[noron exited with 0]" "TERM=$term: q quits with 0"
	check "TERM=$term: the terminal modes are restored" cmp -s "$T/stty.before" "$T/stty.after"
	stop_noron
done

# An unknown terminal: a clear refusal, not a crash.
START_EXPECT_EXIT=1 start_noron 80 24 TERM=no-such-terminal
expect_screen "[noron exited with" "TERM=no-such-terminal: noron exits"
rc=$(cat "$T/rc" 2>/dev/null)
check "TERM=no-such-terminal: a plain error exit (got $rc)" test "${rc:-0}" -ge 1 -a "${rc:-0}" -le 125
expect_screen "no-such-terminal" "TERM=no-such-terminal: the message names the terminal"
run list area
expect_out "Web harvesting"

finish
