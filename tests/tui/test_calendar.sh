#!/bin/bash
# The Calendar pane (4): a month grid from Monday with ISO week numbers, today
# marked, the days with events marked by the letter of their kind; t, < > and
# [ ] move to today and by month and year, h l j k by day and week; the
# agenda from the selected day (Enter focuses it, j moves in it, Enter opens
# an event); a yearly event in every year it recurs; w the week view; x
# exports the month as iCalendar into $HOME; a on a day adds an event that
# starts on it.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99

# Today, in the zone the pane runs in (TZ=UTC).
TODAY=$(date -u +%Y-%m-%d)
Y=$(date -u +%Y)
M=$((10#$(date -u +%m)))
D=$((10#$(date -u +%d)))
month_name()	# month_name YEAR MONTH: "March 2011"
{
	LC_ALL=C date -u -d "$(printf '%04d-%02d-15' "$1" "$2")" '+%B %Y'
}
DAYS=$(date -u -d "$(date -u -d "$(printf '%04d-%02d-01' "$Y" "$M") +1 month" +%Y-%m-%d) -1 day" +%d)

# The selected day, as the status line gives it ("YYYY-MM-DD (week N)").
selected_date()
{
	screen | tail -n 1 | sed -n 's/^.* \([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\) (week .*/\1/p'
}

# goto_day N: h or l, one day at a time, to day N of the month shown.
goto_day()
{
	local d day moves=()
	d=$(selected_date)
	day=$((10#${d:8:2}))
	while [ "$day" -gt "$1" ]; do moves+=(h); day=$((day - 1)); done
	while [ "$day" -lt "$1" ]; do moves+=(l); day=$((day + 1)); done
	[ ${#moves[@]} -gt 0 ] && keys "${moves[@]}"
	wait_for "${d:0:8}$(printf %02d "$1") (week" || fail "h/l should select day $1 of ${d:0:7}"
}

# press KEY N: KEY N times, in one go.
press()
{
	local moves=() i
	for ((i = 0; i < $2; i++)); do moves+=("$1"); done
	[ ${#moves[@]} -gt 0 ] && keys "${moves[@]}"
}

# The colours and attributes of the screen (capture-pane -e) where a grid day
# or a text stands, as "1 bg43 fg30" ("" for plain text, "missing" when not
# found):
#   cell_state DAY     the cell of DAY in the month grid
#   text_state TEXT    the first character of TEXT, where it first appears
cat >"$T/state.py" <<'EOF'
import re, sys

def cells(line):
    st, out, i = {}, [], 0
    while i < len(line):
        m = re.match(r"\x1b\[([0-9;:]*)m", line[i:])
        if m:
            codes = [int(c or 0) for c in re.split("[;:]", m.group(1))] or [0]
            j = 0
            while j < len(codes):
                c = codes[j]
                if c == 0:
                    st = {}
                elif c in (38, 48) and j + 1 < len(codes):
                    n = 3 if codes[j + 1] == 5 else 5
                    st["fg" if c == 38 else "bg"] = ":".join(map(str, codes[j + 1:j + n]))
                    j += n - 1
                elif 30 <= c <= 37 or 90 <= c <= 97:
                    st["fg"] = str(c)
                elif 40 <= c <= 47 or 100 <= c <= 107:
                    st["bg"] = str(c)
                elif c == 39:
                    st.pop("fg", None)
                elif c == 49:
                    st.pop("bg", None)
                elif 1 <= c <= 9:
                    st[str(c)] = ""
                elif 21 <= c <= 29:
                    st.pop(str(c - 20), None)
                    if c == 22:
                        st.pop("1", None)
                j += 1
            i += m.end()
            continue
        out.append((line[i], " ".join(sorted(k + v for k, v in st.items()))))
        i += 1
    return out

lines = [cells(l) for l in sys.stdin.read().split("\n")]
what, arg = sys.argv[1], sys.argv[2]
if what == "cell":
    want = "%2d" % int(arg)
    for cs in lines[4:10]:		# the grid's rows
        for col in range(7):
            x = 5 + 4 * col
            if "".join(c for c, _ in cs[x:x + 2]) == want:
                print(cs[x + 1][1])
                sys.exit(0)
else:
    for cs in lines:
        text = "".join(c for c, _ in cs)
        at = text.find(arg)
        if at >= 0:
            print(cs[at][1])
            sys.exit(0)
print("missing")
EOF

cell_state()
{
	tm capture-pane -p -e -t t | python3 "$T/state.py" cell "$1"
}

text_state()
{
	tm capture-pane -p -e -t t | python3 "$T/state.py" text "$1"
}

# expect_highlighted TEXT DESC: TEXT is drawn as the selection (a background
# of its own); expect_plain TEXT DESC: it is not.
expect_highlighted()
{
	local i st
	for ((i = 0; i < 60; i++)); do
		st=$(text_state "$1")
		case $st in *bg*) break ;; esac
		sleep 0.05
	done
	case $st in
	*bg*) pass "$2" ;;
	*) fail "$2 ('$1' is drawn as '$st')" ;;
	esac
}

expect_plain()
{
	local i st
	for ((i = 0; i < 60; i++)); do
		st=$(text_state "$1")
		case $st in *bg* | missing) ;; *) break ;; esac
		sleep 0.05
	done
	case $st in
	*bg* | missing) fail "$2 ('$1' is drawn as '$st')" ;;
	*) pass "$2" ;;
	esac
}

# ---------------------------------------------------------------------------
# Today's month; the selected day is today, marked, with its ISO week.
start_noron 140 36
keys 4
expect_tab Calendar
expect_screen "    $(month_name "$Y" "$M")" "the grid opens on today's month ($(month_name "$Y" "$M"))"
expect_screen " Wk Mo  Tu  We  Th  Fr  Sa  Su" "weeks start on Monday, with a week number column"
expect_screen "$TODAY (week $((10#$(date -u +%V)))):" "today is selected; the status line gives its ISO week"
expect_screen "Agenda from $TODAY" "the agenda starts today"
expect_cursor_on "$(printf '%2d' "$D")" "the cursor stands on today's day in the grid"
week_row_has()	# week_row_has WEEK DAY: the grid row of week WEEK holds DAY
{
	screen | cut -c 1-34 | grep -qE "^ *$1( .*)? $(printf '%2d' "$2")([A-Z ]|\$)"
}
check "today's row in the grid starts with today's ISO week number" \
	week_row_has $((10#$(date -u +%V))) "$D"

# Today keeps a mark of its own once another day is selected.
if [ "$D" -lt "$DAYS" ]; then other=$((D + 1)) && keys l; else other=$((D - 1)) && keys h; fi
expect_screen "$(printf '%04d-%02d-%02d' "$Y" "$M" "$other") (week" "h/l select the next day"
plain=15
case $D in 14 | 15 | 16) plain=5 ;; esac
st_today=$(cell_state "$D")
st_sel=$(cell_state "$other")
st_plain=$(cell_state "$plain")
check "today is marked (its cell: '$st_today'; the selected day: '$st_sel'; a plain day: '$st_plain')" \
	test -n "$st_today" -a "$st_today" != missing -a "$st_today" != "$st_plain" -a "$st_today" != "$st_sel"

# ---------------------------------------------------------------------------
# [ ] < > move by year and month.
prev_y=$Y prev_m=$((M - 1))
[ "$prev_m" = 0 ] && prev_y=$((Y - 1)) prev_m=12
keys '['
expect_screen "    $(month_name $((Y - 1)) "$M")" "[ goes a year back"
keys ']'
expect_screen "    $(month_name "$Y" "$M")" "] a year on"
keys '<'
expect_screen "    $(month_name "$prev_y" "$prev_m")" "< goes a month back"
keys '>'
expect_screen "    $(month_name "$Y" "$M")" "> a month on"

# To March 2011: [ for the years, then < or > for the months.
press '[' $((Y - 2011))
if [ "$M" -gt 3 ]; then press '<' $((M - 3)); else press '>' $((3 - M)); fi
expect_screen "    March 2011" "[ and < reach March 2011"
expect_screen "   9      1   2   3   4   5   6" "week 9: March 2011 starts on a Tuesday"
expect_screen "  10  7   8   9  10  11  12  13" "week 10 starts on Monday 7"
expect_screen "  11 14  15  16  17" "week 11 starts on Monday 14"
expect_screen "  12 21  22  23  24  25  26  27" "week 12 starts on Monday 21"
expect_screen "  13 28  29  30  31" "week 13 starts on Monday 28"
no_sixth_row()
{
	local l
	l=$(screen | sed -n 10p)
	! grep -q '[0-9]' <<<"${l:0:34}"
}
check "March 2011 has five week rows, no sixth" no_sixth_row

# The Stockholm meeting, 17-18 March 2011: both days carry M.
expect_screen " 17M" "17 March 2011 is marked M (the Stockholm meeting starts)"
expect_screen " 18M" "18 March 2011 is marked M (the Stockholm meeting's second day)"
expect_not_screen " 16M" "16 March has no mark"
goto_day 17
expect_screen "2011-03-17 (week 11): 1 event" "the status line counts the day's event"
expect_screen "Agenda from 2011-03-17" "the agenda starts on the selected day"
expect_line_has "2011-03-17        meeting" "Meeting of the Nordic IT managers, Stockholm" \
	"the agenda lists the Stockholm meeting first"
expect_line_has "2011-05-03" "NORON meeting, Oslo" "then the Oslo meeting"
expect_cursor_on "17" "the cursor stands on the 17th"

# Enter focuses the agenda; j and k move in it; Enter opens the event.
expect_plain "2011-03-17        meeting" "no agenda row is selected before Enter"
keys Enter
expect_highlighted "2011-03-17        meeting" "Enter selects the agenda's first event"
expect_cursor_on "2011-03-17" "the hardware cursor stands on the selected agenda row"
keys j
expect_highlighted "2011-05-03        meeting" "j selects the next event in the agenda"
expect_plain "2011-03-17        meeting" "the first is no longer selected"
keys k
expect_highlighted "2011-03-17        meeting" "k selects the first again"
expect_plain "2011-05-03        meeting" "and the second is no longer selected"
keys Enter
expect_screen "┌─ Meeting of the Nordic IT managers, Stockholm" "Enter in the agenda opens the event"
expect_line_has "location" "Stockholm" "with its place"
keys q
expect_not_screen "┌─ Meeting of the Nordic IT managers" "q closes it"
keys Escape
expect_cursor_on "17" "Esc gives the cursor back to the grid"
keys j
expect_screen "2011-03-24 (week 12)" "j in the grid moves a week on"
keys k
expect_screen "2011-03-17 (week 11)" "k a week back"

# w: the week view of the selected week.
keys w
expect_screen "Week 11: 2011-03-14" "w shows week 11, from Monday 14 March"
expect_line_has "2011-03-17" "Meeting of the Nordic IT managers, Stockholm" "the week lists the meeting on its day"
expect_not_screen " Wk Mo" "the month grid is replaced"
keys w
expect_screen " Wk Mo  Tu  We  Th  Fr  Sa  Su" "w again: the month grid is back"
expect_screen "    March 2011" "on the same month"

# x: the month shown, as an iCalendar file in $HOME.
ICS=$HOME/noron-2011-03.ics
keys x
expect_screen "noron-2011-03.ics" "x names the exported file in the status line"
check "the file exists in \$HOME" test -s "$ICS"
check "it is an iCalendar file" grep -q '^BEGIN:VCALENDAR' "$ICS"
check "it holds the Stockholm meeting (SUMMARY)" \
	grep -q '^SUMMARY:Meeting of the Nordic IT managers\\, Stockholm' "$ICS"
check "as an all-day event from 17 March" grep -q '^DTSTART;VALUE=DATE:20110317' "$ICS"
check "and only the month's events (one SUMMARY)" test "$(grep -c '^SUMMARY' "$ICS")" = 1

# ---------------------------------------------------------------------------
# The yearly IT managers' meeting at Mo i Rana: April 2012 and April 2014.
keys ']' '>'
expect_screen "    April 2012" "] then > reach April 2012"
goto_day 1
expect_screen " 1M" "1 April 2012 is marked M"
expect_line_has "2012-04-01        meeting" "Mo i Rana (yearly)" "the agenda shows the 2012 meeting as yearly"
keys ']' ']'
expect_screen "    April 2014" "] ] reach April 2014"
expect_screen "2014-04-01 (week 14): 1 event" "the yearly event counts on 1 April 2014"
expect_screen " 1M" "1 April 2014 is marked M"
expect_line_has "2014-04-01        meeting" "Mo i Rana (yearly)" "the agenda shows it again, dated 2014-04-01"
expect_not_screen "2012-04-01        meeting" "not with the first year's date"

# a: a new event on the selected day.
goto_day 9
keys a
expect_screen "New event" "a opens the event form"
expect_line_has "start *" "2014-04-09" "the start is the selected day"
keys Enter
expect_bottom "title: " "Enter edits the title"
type_text "Subgroup meeting on storage"
keys Enter
keys j Enter
expect_screen "┌─ kind" "the kind is chosen from a popup"
keys Enter
expect_line_has "kind *" "meeting" "meeting is chosen"
keys C-s
expect_screen "added event:" "C-s adds the event"
EV=$(id_where event title "Subgroup meeting on storage")
check "the new event is in the cache ($EV)" test -n "$EV"
check "it starts on the selected day" test "$(field_of "$EV" start)" = 2014-04-09
expect_not_screen "New event" "the form closes"
expect_screen " 9M" "the grid marks the 9th"
expect_line_has "2014-04-09        meeting" "Subgroup meeting on storage" "the agenda lists it"

# t: back to today.
keys t
expect_screen "    $(month_name "$Y" "$M")" "t returns to today's month"
expect_screen "$TODAY (week" "with today selected"
expect_cursor_on "$(printf '%2d' "$D")" "the cursor on today"
alive

finish
