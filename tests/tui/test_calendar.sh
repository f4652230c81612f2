#!/bin/bash
# The Calendar pane (4): a month grid from Monday with ISO week numbers, today
# marked, the days with events marked by the letter of their kind; t, < > and
# [ ] move to today and by month and year, h l j k by day and week; the
# agenda from the selected day (Enter focuses it, j moves in it, Enter opens
# an event); a yearly event in every year it recurs; w the week view; x
# exports the month (or the week) as iCalendar into $HOME; a on a day adds
# an event that starts on it; the ISO week of a new year's first days (53);
# an event's view shows the proposal it was scheduled from. Then, in
# Helsinki (TZ): an event at 23:30 UTC sits on its local day, in the grid,
# the status line, the agenda and the event's view; an event of several
# days is marked on each of them, across a month's end, and is in the
# agenda and the week view of its later days; each kind has a colour of
# its own (and its letter, '+' for a day of several kinds); Enter on a day
# without events says so and leaves the focus on the grid.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99
printf 'institution = kb-dk\n' >"$NORON_CONFIG"	# whose triage decisions these are

# Events of every kind in May and June 2012, one of them at 23:30 UTC (4 May
# in Helsinki), one from 30 May to 2 June; and a workshop proposal scheduled
# as an event on 20 June 2012.
added()
{
	run "$@"
	[ "$RC" = 0 ] || { echo "Bail out! noron $* failed: $(cat "$ERR")"; exit 99; }
}
added add event title="Late call with Helsinki" kind=workshop start=2012-05-03T23:30Z
LATE=$(cat "$OUT")
added add event title="Board meeting" kind=meeting start=2012-05-08
added add event title="Visit to the National Library of Finland" kind=visit start=2012-05-10
added add event title="Funding deadline" kind=deadline start=2012-05-15
added add event title="Nordic web archiving conference" kind=conference start=2012-05-30 end=2012-06-02
added add event title="Report deadline" kind=deadline start=2012-06-01
added add proposal title="Shared harvesting profiles" area=web-harvesting institution=kb-dk format=workshop
PROPOSAL=$(cat "$OUT")
added triage "$PROPOSAL" accept
added triage "$PROPOSAL" schedule --start 2012-06-20 --location Oslo

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

# goto_month YEAR MONTH: [ ] then < > from the month the grid shows to YEAR-MONTH.
goto_month()
{
	local title shown delta
	title=$(screen | sed -n 3p | cut -c 1-34 | sed 's/^ *//; s/ *$//')
	shown=$(LC_ALL=C date -u -d "1 $title" '+%Y %m') || { fail "no month title on the screen"; return; }
	delta=$(($1 * 12 + $2 - ${shown% *} * 12 - 10#${shown#* }))
	if [ "$delta" -lt 0 ]; then
		press '[' $((-delta / 12))
		press '<' $((-delta % 12))
	else
		press ']' $((delta / 12))
		press '>' $((delta % 12))
	fi
	wait_for "    $(month_name "$1" "$2")" || fail "[ ] < > should reach $(month_name "$1" "$2")"
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
expect_screen "Week 11: 2011-03-14 to 2011-03-20" "w shows week 11, from Monday 14 to Sunday 20 March"
expect_line_has "2011-03-17" "Meeting of the Nordic IT managers, Stockholm" "the week lists the meeting on its day"
expect_line_has "2011-03-18 cont.   M" "Meeting of t" "and on its second day, as continued"
expect_not_screen " Wk Mo" "the month grid is replaced"

# x in the week view: the week, as noron-<Monday>-week.ics.
WICS=$HOME/noron-2011-03-14-week.ics
keys x
expect_screen "noron-2011-03-14-week.ics" "x in the week view names the week's file"
check "the week's file exists in \$HOME" test -s "$WICS"
check "it holds the Stockholm meeting" \
	grep -q '^SUMMARY:Meeting of the Nordic IT managers\\, Stockholm' "$WICS"
check "and only the week's events (one SUMMARY)" test "$(grep -c '^SUMMARY' "$WICS")" = 1
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

# ---------------------------------------------------------------------------
# A new year's first days belong to the last ISO week of the year before:
# 1-3 January 2021 (Friday to Sunday) are in week 53 of 2020.
goto_month 2021 1
expect_screen "  53                  1   2   3" "January 2021 starts in week 53 (Friday 1 January)"
expect_screen "   1  4   5   6   7   8   9  10" "then week 1 from Monday 4 January"
goto_day 2
expect_screen "2021-01-02 (week 53)" "the status line gives week 53 for 2 January 2021"

# In UTC the call at 23:30 is on 3 May.
goto_month 2012 5
expect_screen " 3W" "in UTC, the 23:30 UTC call marks 3 May"
expect_not_screen " 4W" "and not 4 May"

# An event scheduled from a proposal shows the proposal in its view.
goto_month 2012 6
goto_day 20
keys Enter
expect_highlighted "2012-06-20        workshop" "Enter selects the scheduled workshop"
keys Enter
expect_screen "┌─ Shared harvesting profiles" "Enter opens the event"
expect_line_has "proposal" "Shared harvesting profiles" "its view shows the proposal it was scheduled from"
keys q
expect_not_screen "┌─ Shared harvesting profiles" "q closes it"
keys Escape

# ---------------------------------------------------------------------------
# In Helsinki (UTC+3 in summer): the call at 23:30 UTC on 3 May is at 02:30
# on 4 May.
stop_noron
start_noron 140 36 TZ=Europe/Helsinki
keys 4
expect_tab Calendar
goto_month 2012 5
goto_day 1
expect_screen " 4W" "in Helsinki, the 23:30 UTC call marks 4 May"
expect_not_screen " 3W" "and not 3 May"
goto_day 3
expect_screen "2012-05-03 (week 18): 0 events" "the status line counts no event on 3 May"

# Enter on a day without events: a word, and the grid keeps the focus.
keys Enter
expect_bottom "no events on 2012-05-03" "Enter on a day without events says so"
expect_cursor_on " 3" "the cursor stays on the day in the grid"
expect_plain "2012-05-04 02:30" "no event of a later day is selected"
keys j
expect_screen "2012-05-10 (week 19): 1 event (visit)" "j then moves in the grid (a week on)"
keys k
goto_day 4
expect_screen "2012-05-04 (week 18): 1 event (workshop)" "the status line counts the call on 4 May"
expect_screen "Agenda from 2012-05-04" "the agenda from 4 May..."
expect_line_has "2012-05-04 02:30  workshop" "Late call with Helsinki" "...lists the call at 02:30 local time"

# Each kind its colour: in the grid and in the agenda's kind column.
declare -A kind_day=([workshop]=4 [meeting]=8 [visit]=10 [deadline]=15 [conference]=30)
states=()
for kind in "${!kind_day[@]}"; do
	states+=("$(cell_state "${kind_day[$kind]}")")
done
distinct_colours()	# every state has a colour (fg), and no two are the same
{
	local s
	for s in "$@"; do case $s in *fg*) ;; *) return 1 ;; esac; done
	[ "$(printf '%s\n' "$@" | sort -u | wc -l)" = "$#" ]
}
check "the five kinds' days have five colours in the grid (${states[*]})" distinct_colours "${states[@]}"
expect_screen " 8M" "a meeting is marked M"
expect_screen "10V" "a visit V"
expect_screen "15D" "a deadline D"
expect_screen "30C" "a conference C"
agenda_states=()
for text in "workshop   Late" "meeting    Board" "visit      Visit" "deadline   Funding" \
	"conference Nordic"; do
	agenda_states+=("$(text_state "$text")")
done
check "the agenda's kind column has five colours (${agenda_states[*]})" \
	distinct_colours "${agenda_states[@]}"

# Enter on a day with events: the agenda's first event; its view in local time.
keys Enter
expect_highlighted "2012-05-04 02:30" "Enter on 4 May selects the call"
keys Enter
expect_screen "┌─ Late call with Helsinki" "Enter opens it"
expect_line_has "start" "2012-05-04 02:30 EEST" "its view gives the start in local time, with the zone"
keys q
expect_not_screen "┌─ Late call" "q closes it"
keys Escape

TZ=Europe/Helsinki run show "$LATE"
expect_out "2012-05-04 02:30 EEST (2012-05-03T23:30:00Z)"
check "show --json keeps the stored UTC time" test "$(field_of "$LATE" start)" = 2012-05-03T23:30:00Z

# An event of several days: 30 May to 2 June, marked on each, in the agenda
# and the week view of its later days.
expect_screen "31C" "the conference marks 31 May"
goto_month 2012 6
goto_day 2
expect_screen " 2C" "and 2 June, in the next month"
expect_screen "2012-06-02 (week 22): 1 event (conference)" "the status line counts it on 2 June"
expect_line_has "2012-05-30        conference" "Nordic web archiving conference" \
	"the agenda from 2 June lists the conference, which is still on"
expect_screen " 1+" "1 June, with a conference and a deadline, is marked +"
check "a day of several kinds has a mark of its own ('$(cell_state 1)' vs '$(cell_state 2)')" \
	test "$(cell_state 1)" != "$(cell_state 2)"
goto_day 1
expect_screen "2012-06-01 (week 22): 2 events (conference, deadline)" "the status line names both kinds"
keys w
expect_screen "Week 22: 2012-05-28 to 2012-06-03" "w: week 22"
# (the week view is 34 columns wide: titles are cut)
expect_line_has "2012-05-30 all day C" "Nordic web a" "the week view lists the conference on 30 May"
expect_line_has "2012-05-31 cont.   C" "Nordic web a" "on 31 May"
expect_line_has "2012-06-01 cont.   C" "Nordic web a" "on 1 June"
expect_line_has "           all day D" "Report deadl" "with the deadline of 1 June"
expect_line_has "2012-06-02 cont.   C" "Nordic web a" "and on 2 June"
keys w
alive

# Without colours (NO_COLOR) the letters still tell the kinds.
stop_noron
start_noron 140 36 NO_COLOR=1
keys 4
goto_month 2012 5
goto_day 1
expect_screen " 3W" "without colours the letters mark the kinds"
expect_screen "30C" "C for the conference"
check "and no colour is used (colours: '$(screen_colors)')" test -z "$(screen_colors)"

finish
