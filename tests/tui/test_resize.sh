#!/bin/bash
# Resizing: a storm of resizes between 20x5 and 200x60 leaves noron alive and
# its 80x24 screen as a fresh start draws it; below 40x10 a one-line "terminal
# too small"; every modal (form, choice popup, prompt, search, help, yes/no)
# survives resizes and still works afterwards.

. "$TESTS_DIR/tui/lib.sh"

# storm N [KEY]: N resizes in a fixed pseudo-random order between 20x5 and
# 200x60, without waiting, four to a tmux command (so some come faster than
# noron can draw); KEY (if any) is sent after each.
storm()
{
	local i w h seed=$STORM_SEED args=()
	for ((i = 0; i < $1; i++)); do
		seed=$(((seed * 1103515245 + 12345) % 2147483648))
		w=$((20 + seed % 181))
		h=$((5 + (seed / 181) % 56))
		args+=(resize-window -t t -x "$w" -y "$h" \;)
		[ -n "${2:-}" ] && args+=(send-keys -t t "$2" \;)
		if [ $((i % 4)) = 3 ]; then
			tm "${args[@]}"
			args=()
		fi
	done
	# The extremes, too.
	tm "${args[@]}" resize-window -t t -x 20 -y 5 \; resize-window -t t -x 200 -y 60
	STORM_SEED=$seed
}
STORM_SEED=42

# The number of lines holding anything.
# The screen holds exactly one line with text. tmux reflows the old screen
# on a resize before noron redraws, so this is waited for, not sampled.
_one_filled_line()
{
	[ "$(grep -c '[^[:space:]]' <<<"$SCREEN")" = 1 ]
}

_show_fresh_diff()
{
	screen | diff "$T/fresh.before" - | _indent
}

start_noron 80 24
expect_screen "18 areas" "Areas at 80x24"
screen >"$T/fresh.before"

# ---------------------------------------------------------------------------
storm 60
resize 80 24
expect_screen "18 areas" "after 60 rapid resizes the status line is back at 80x24"
alive "noron survives a storm of 60 resizes"
check "the window is 80x24 again" test "$(pane_fmt '#{pane_width}x#{pane_height}')" = 80x24
expect_screen " noron  1 Areas  2 Skills  3 Projects  4 Calendar  5 Proposals  6 People" \
	"the tab bar is whole"
expect_line_has "Area" "DK  SE  IS  NO  FI" "the institution columns are back"
for a in "Digitization" "Digital deposit" "Digital preservation" "Infrastructure" "Metadata"; do
	expect_screen "$a" "the seeded area $a is visible"
done
expect_not_screen "too small" "no leftover 'too small' notice"
if wait_for "18 areas" && screen | cmp -s - "$T/fresh.before"; then
	pass "the screen is exactly what it was before the storm"
else
	fail "the screen should be what it was before the storm" _show_fresh_diff
fi

# Keys typed during a storm are handled, and nothing dies.
storm 40 j
resize 80 24
alive "noron survives resizes with keys in between"
expect_screen "18 areas" "the screen comes back after keys and resizes"
keys g
expect_screen "area:digitization" "keys still work after the storm (g: first area)"

# Big: the detail goes beside the list, every area shows.
resize 200 60
expect_screen "    Mobile platforms" "at 200x60 the whole tree is visible"
expect_line_has "Digitization" "│" "at 200 columns the detail is beside the list"
resize 80 24
expect_screen "────────────────" "at 80 columns the detail goes below a rule"

# ---------------------------------------------------------------------------
# Below 40x10: one line saying the terminal is too small.
resize 39 24
expect_screen "terminal too small" "39 columns: terminal too small"
check "the notice is one line (39x24)" _poll _one_filled_line
resize 80 9
expect_screen "terminal too small" "9 rows: terminal too small"
check "the notice is one line (80x9)" _poll _one_filled_line
resize 20 5
expect_screen "terminal too" "20x5: still the notice"
check "the notice is one line (20x5)" _poll _one_filled_line
alive "noron lives at 20x5"
keys 3
resize 40 10
expect_screen "1 Areas" "at 40x10 the interface is back"
expect_not_screen "too small" "the notice is gone at 40x10"
expect_screen "NORON wiki (knowl" "a key pressed while too small (3) was taken: Projects"
resize 80 24
expect_screen "5 projects" "Projects at 80x24"

# ---------------------------------------------------------------------------
# The form survives resizes (and the too-small notice) with what was typed.
keys a
expect_screen "New project" "a opens the form"
keys Enter
expect_bottom "title:" "the title prompt"
type_text "Storm-proof project"
keys Enter
expect_line_has "title *" "Storm-proof project" "the typed title is in the form"
storm 30
resize 30 8
expect_screen "terminal too small" "the form gives way to the notice when too small"
resize 80 24
alive "noron survives resizes in the form"
expect_screen "New project" "the form is back at 80x24"
expect_line_has "title *" "Storm-proof project" "with the typed title"
expect_screen "Esc leave without saving" "and its key hints"

# The choice popup too.
keys j Enter
expect_screen "┌─ status" "the status popup"
storm 20
resize 80 24
alive "noron survives resizes in a choice popup"
expect_screen "┌─ status" "the popup is back at 80x24"
keys j Enter
expect_line_has "status *" "planned" "the popup still picks (planned)"
keys Escape
expect_screen "left the form: nothing saved" "Esc leaves the form"
run list project
expect_out_not "Storm-proof"

# The filter prompt.
keys /
type_text "Progr"
expect_bottom "/Progr" "the filter prompt"
storm 20
resize 80 24
alive "noron survives resizes in the filter prompt"
expect_bottom "/Progr" "the prompt is back with its text"
keys Enter
expect_screen "/Progr: 1 match" "and still filters"
keys Escape
expect_screen "5 projects" "filter cleared"

# The yes/no question.
keys D
expect_screen "? (y/n)" "D asks"
storm 20
resize 80 24
alive "noron survives resizes in a yes/no question"
expect_screen "? (y/n)" "the question is back at 80x24"
keys n
expect_screen "not deleted" "n still answers"

# The global search.
keys '\'
expect_screen "search every record" "the search popup"
type_text "Rana"
expect_screen "Mo i Rana" "it finds the event"
storm 20
resize 80 24
alive "noron survives resizes in the search"
expect_screen "search every record" "the search is back at 80x24"
expect_screen "Mo i Rana" "with its result"
keys Escape
expect_screen "5 projects" "Esc closes it"

# The help.
keys '?'
expect_screen "Keys in Projects" "the help"
storm 30
resize 30 8
expect_screen "too small" "the help gives way to the notice when too small"
resize 80 24
alive "noron survives resizes in the help"
expect_screen "Keys in Projects" "the help is back at 80x24"
expect_screen "q or Esc close" "with its hints"
keys q
expect_screen "5 projects" "q closes the help"
alive

finish
