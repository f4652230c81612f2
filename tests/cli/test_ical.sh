#!/bin/bash
# Guards iCalendar export and import (noron export --format ics, noron import
# FILE.ics): the exported file, read by an independent parser (Debian's
# python3-icalendar), holds the same events as `noron list event --json`, in
# lines of at most 75 octets that never split a UTF-8 character; a second
# export gives the same UIDs; --from/--to/--kind choose the events, --from
# and --to as days of the local time zone (TZ); a conference's calendar
# imports once and a second time changes nothing; recurrence rules other
# than a yearly one for ever come in as their first occurrence, and the
# import says how many; a broken file is refused naming its line, and
# nothing of it is imported; an export imported into an empty cache gives
# the same events.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

ICAL_PY=$(python_with icalendar) ||
	skip "python3-icalendar is missing (apt-get install python3-icalendar)"

# same_events ICS JSON: the calendar holds the events of the listing, field by field.
same_events()
{
	"$ICAL_PY" - "$1" "$2" <<'EOF'
import datetime, json, sys
import icalendar

data = open(sys.argv[1], "rb").read()
bad = []
# RFC 5545 3.1: CRLF lines of at most 75 octets, folded between characters.
if not data.endswith(b"\r\n"):
    bad.append("the file does not end with CRLF")
for n, line in enumerate(data[:-2].split(b"\r\n"), 1):
    if len(line) > 75:
        bad.append("line %d has %d octets" % (n, len(line)))
    if b"\r" in line or b"\n" in line:
        bad.append("line %d holds a bare CR or LF" % n)
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        bad.append("line %d splits a UTF-8 character" % n)

cal = icalendar.Calendar.from_ical(data)
if str(cal.get("VERSION")) != "2.0" or str(cal.get("PRODID")) != "-//NORON//noron//EN":
    bad.append("VERSION or PRODID is wrong")

def when(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return v.isoformat()

def day_after(s):
    return (datetime.date.fromisoformat(s[:10]) + datetime.timedelta(days=1)).isoformat()

def categories(ev):
    c = ev.get("CATEGORIES")
    items = c if isinstance(c, list) else [c] if c is not None else []
    return [str(x) for i in items for x in getattr(i, "cats", [i])]

got = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
records = json.load(open(sys.argv[2], encoding="utf-8"))["records"]
if len(got) != len(records):
    bad.append("%d VEVENTs for %d events" % (len(got), len(records)))
for r in records:
    uid = r.get("uid") or r["_id"] + "@noron"
    ev = got.get(uid)
    if ev is None:
        bad.append("no VEVENT with UID " + uid)
        continue
    start, end = r["start"], r.get("end")
    if len(start) == 10:
        want_end = day_after(end or start)
    else:
        want_end = end and (day_after(end) if len(end) == 10 else end)
    want = {
        "SUMMARY": r["title"], "DTSTART": start, "DTEND": want_end,
        "LOCATION": r.get("location"), "URL": r.get("url"),
        "DESCRIPTION": r.get("description"),
        "RRULE": ["YEARLY"] if r.get("repeat") == "yearly" else None,
    }
    for k, w in want.items():
        v = ev.get(k)
        if v is not None:
            v = when(v.dt) if k in ("DTSTART", "DTEND") else v.get("FREQ") if k == "RRULE" else str(v)
        if k == "DTEND" and v is not None and len(start) == 10 and len(v) != 10:
            v = "not a DATE: " + v
        if v != w:
            bad.append("%s %s: got %r, want %r" % (uid, k, v, w))
    if r["kind"] not in categories(ev):
        bad.append("%s: kind %s not in CATEGORIES %r" % (uid, r["kind"], categories(ev)))
for b in bad[:10]:
    print("#   " + b)
sys.exit(1 if bad else 0)
EOF
}

# uids FILE: the UIDs of a calendar, in order, one a line.
uids()
{
	"$ICAL_PY" -c '
import sys, icalendar
for ev in icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read()).walk("VEVENT"):
    print(ev["UID"])' "$1"
}

# A refusal whose exit code (1 or 2) is the command line's to choose.
expect_rc_not_0()
{
	if [ "$RC" != 0 ]; then pass "$LAST: refused"; else fail "$LAST: should be refused"; fi
}

# ics FILE: standard input with each line ending in CRLF, as RFC 5545 has it.
ics()
{
	sed 's/$/\r/' >"$1"
}

# --- a cache with events of every shape --------------------------------------------

run init
expect_rc 0
LONG=$(printf 'Þórunn Ægisdóttir møtte Åsa i Tromsø; %.0s' 1 2 3 4 5 6)$(printf '北欧国立图书馆%.0s' 1 2 3 4 5 6 7 8 9 10)
run add event title="Møte, plan; «nytt»" kind=workshop start=2012-05-03T10:00+02:00 \
	end=2012-05-03T12:30+02:00 location="Tromsø, Norge" areas=storage,web-harvesting \
	url="https://example.org/ws?a=1&b=2" description=$'Linje én\nLinje to, med; tegn'
expect_rc 0
WS=$(cat "$OUT")
run add event title="aøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøøø" kind=conference start=2013-09-02 \
	end=2013-09-05 description="$LONG"
expect_rc 0
run add event title="Deadline" kind=deadline start=2013-03-01T23:59:59Z repeat=yearly
expect_rc 0
run list event --json
cp "$OUT" "$T/events.json"
EVENTS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$T/events.json")

# --- export ------------------------------------------------------------------------

run export --format ics -o "$T/all.ics"
expect_rc 0
expect_out_empty
expect_err_lines 0
check "export -o wrote the calendar" test -s "$T/all.ics"
check "python3-icalendar reads the same $EVENTS events as list event --json" \
	same_events "$T/all.ics" "$T/events.json"

run export --format ics
expect_rc 0
cp "$OUT" "$T/again.ics"
check "export to stdout: the same events" same_events "$T/again.ics" "$T/events.json"
check "a second export gives the same UIDs" \
	test "$(uids "$T/all.ics")" = "$(uids "$T/again.ics")"
check "UIDs come from record ids" grep -q "^UID:$WS@noron"$'\r'"\$" "$T/all.ics"
check "categories from kind and areas" \
	grep -q "^CATEGORIES:workshop,Storage,Web harvesting"$'\r'"\$" "$T/all.ics"

run export --format ics --from 2011-01-01 --to 2011-04-01 --kind meeting
expect_rc 0
cp "$OUT" "$T/range.ics"
check "--from, --to and --kind choose the events" test "$(uids "$T/range.ics" | tr '\n' ' ')" \
	= "event:2011-copenhagen@noron event:2011-stockholm@noron "
run export --format ics --from 2030-01-01 --to 2031-01-01
expect_rc 0
cp "$OUT" "$T/future.ics"
check "a yearly event is in every year" test "$(uids "$T/future.ics" | wc -l)" = 2
run add event title="Late call" kind=meeting start=2012-05-03T23:30Z
expect_rc 0
LATE=$(cat "$OUT")
run export --format ics --from 2012-05-04 --to 2012-05-05
expect_rc 0
expect_out_not "UID:$LATE@noron"
TZ=Europe/Helsinki run export --format ics --from 2012-05-04 --to 2012-05-05
expect_rc 0
expect_out "UID:$LATE@noron"
TZ=Europe/Helsinki run export --format ics --from 2012-05-03 --to 2012-05-04
expect_rc 0
expect_out_not "UID:$LATE@noron"
run delete "$LATE"
expect_rc 0

# --- import of a conference's calendar -----------------------------------------------

ics "$T/conf.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Conference//EN
X-WR-CALNAME:iPRES 2012
BEGIN:VTIMEZONE
TZID:Europe/Oslo
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:ipres-2012-main@example.org
DTSTAMP:20120101T000000Z
SUMMARY:iPRES 2012\, main conference
DTSTART;VALUE=DATE:20121001
DTEND;VALUE=DATE:20121006
CATEGORIES:Conference
LOCATION:Toronto
URL:https://ipres2012.example.org/
DESCRIPTION:Five days\nof talks
END:VEVENT
BEGIN:VEVENT
UID:ipres-2012-tutorial@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Tutorial: emulation
DTSTART;TZID=Europe/Oslo:20121001T100000
DTEND;TZID=Europe/Oslo:20121001T113000
CATEGORIES:Workshop
END:VEVENT
BEGIN:VEVENT
UID:ipres-2012-cfp@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Call for papers closes
DTSTART:20120301T235959Z
RRULE:FREQ=YEARLY
END:VEVENT
BEGIN:VTODO
UID:ipres-2012-todo@example.org
SUMMARY:Book a hotel
END:VTODO
END:VCALENDAR
EOF

run import "$T/conf.ics"
expect_rc 0
expect_out "3 added, 0 updated, 0 unchanged"
expect_out "1 skipped"
expect_err_lines 0
expect_out_not "recurrence"
run list event --json
expect_json "len(d['records']) == $EVENTS + 3" "three events more"
expect_json "[r for r in d['records'] if r.get('uid') == 'ipres-2012-tutorial@example.org'][0]['start'] == '2012-10-01T08:00:00Z'" \
	"the Oslo time in UTC"
expect_json "[r for r in d['records'] if r.get('uid') == 'ipres-2012-main@example.org'][0]['end'] == '2012-10-05'" \
	"DTEND of a DATE is exclusive"
expect_json "{r['kind'] for r in d['records'] if r.get('uid', '').startswith('ipres-')} == {'conference', 'workshop', 'meeting'}" \
	"kinds from CATEGORIES"
expect_json "all(r['_id'].startswith('event:ics-') for r in d['records'] if r.get('uid', '').startswith('ipres-'))" \
	"ids made from the UIDs"

snapshot
run import "$T/conf.ics"
expect_rc 0
expect_out "0 added, 0 updated, 3 unchanged"
expect_unchanged

# --- recurrence rules noron cannot keep (in a cache of their own) ----------------------

ics "$T/rules.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Rules//EN
BEGIN:VEVENT
UID:rule-yearly@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Every year
DTSTART;VALUE=DATE:20120910
RRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=10
END:VEVENT
BEGIN:VEVENT
UID:rule-count@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Three years
DTSTART;VALUE=DATE:20120911
RRULE:FREQ=YEARLY;COUNT=3
END:VEVENT
BEGIN:VEVENT
UID:rule-interval@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Every other year
DTSTART;VALUE=DATE:20120912
RRULE:FREQ=YEARLY;INTERVAL=2
END:VEVENT
BEGIN:VEVENT
UID:rule-weekly@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Every week
DTSTART:20120913T080000Z
RRULE:FREQ=WEEKLY
END:VEVENT
END:VCALENDAR
EOF
R="$T/rules.db"
run --db "$R" init --empty
expect_rc 0
run --db "$R" import "$T/rules.ics"
expect_rc 0
expect_out "4 added, 0 updated, 0 unchanged"
expect_out "3 recurrence rules noron cannot keep: imported as their first occurrence"
run --db "$R" list event --json
expect_json "{r['title']: r.get('repeat') for r in d['records']} == {'Every year': 'yearly', 'Three years': None, 'Every other year': None, 'Every week': None}" \
	"only the yearly rule for ever is kept; the others are their first occurrence"
run --db "$R" export --format ics --from 2014-09-01 --to 2014-10-01
expect_rc 0
expect_out "SUMMARY:Every year"
expect_out_not "SUMMARY:Three years"
run --db "$R" import "$T/rules.ics"
expect_rc 0
expect_out "0 added, 0 updated, 4 unchanged"
expect_out "3 recurrence rules noron cannot keep"
sed '11,$d; s/^RRULE:.*/RRULE:FREQ=YEARLY;COUNT=3\r/' "$T/rules.ics" >"$T/one-rule.ics"
printf 'END:VCALENDAR\r\n' >>"$T/one-rule.ics"
run --db "$R" import "$T/one-rule.ics"
expect_rc 0
expect_out "0 added, 1 updated, 0 unchanged"
expect_out "1 recurrence rule noron cannot keep: imported as its first occurrence"
run --db "$R" list event --json
expect_json "[r.get('repeat') for r in d['records'] if r['title'] == 'Every year'] == ['none']" \
	"a yearly event that comes again with a COUNT stops repeating"

# --- broken files: refused with the line, nothing imported ---------------------------------

import_refused()
{
	local file=$1 text=$2
	run import "$file"
	expect_refused 1 "$text"
	expect_err "$(basename "$file")"
	expect_unchanged
}

# A good event first: it is not imported either.
ics "$T/mismatch.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Broken//EN
BEGIN:VEVENT
UID:good-1@example.org
DTSTAMP:20120101T000000Z
SUMMARY:Good
DTSTART:20140101T100000Z
END:VEVENT
BEGIN:VEVENT
UID:bad-1@example.org
DTSTART:20140102T100000Z
END:VTODO
END:VCALENDAR
EOF
import_refused "$T/mismatch.ics" "line 13"
head -n 10 "$T/mismatch.ics" >"$T/truncated.ics"
import_refused "$T/truncated.ics" "line 10"
sed 's/^DTSTART:20140102T100000Z/DTSTART:next Tuesday/; s/^END:VTODO/END:VEVENT/' \
	"$T/mismatch.ics" >"$T/bad-value.ics"
import_refused "$T/bad-value.ics" "line 12"
expect_err "DTSTART"
# libical reads day 99 as a date; the record's check does not
sed 's/^DTSTART:20140102T100000Z/DTSTART:20140199T100000Z/; s/^END:VTODO/END:VEVENT/' \
	"$T/mismatch.ics" >"$T/bad-day.ics"
import_refused "$T/bad-day.ics" "line 10"
expect_err "'start'"
sed 's/^DTSTART:20140102T100000Z/SUMMARY:No start/; s/^END:VTODO/END:VEVENT/' \
	"$T/mismatch.ics" >"$T/no-start.ics"
import_refused "$T/no-start.ics" "line 10"
sed 's/^SUMMARY:Tutorial: emulation/SUMMARY:Tutorial \x1b[2J/' "$T/conf.ics" >"$T/escape.ics"
import_refused "$T/escape.ics" "line 34"
expect_err "SUMMARY"
sed 's/^LOCATION:Toronto/LOCATION:Toronto \x7f/' "$T/conf.ics" >"$T/del.ics"
import_refused "$T/del.ics" "'location'"
printf '{"noron": "export", "records": []}\n' >"$T/json.ics"
import_refused "$T/json.ics" "line 1"
: >"$T/empty.ics"
import_refused "$T/empty.ics" "empty.ics"
run list event --json
expect_json "not [r for r in d['records'] if r.get('uid', '').startswith('good-')]" \
	"nothing of a refused file"

# --- round trip into an empty cache ------------------------------------------------------

run export --format ics -o "$T/all.ics"
expect_rc 0
run list event --json
cp "$OUT" "$T/events.json"
B="$T/b.db"
run --db "$B" init --empty
expect_rc 0
run --db "$B" import "$T/all.ics"
expect_rc 0
expect_out "$((EVENTS + 3)) added, 0 updated, 0 unchanged"
run --db "$B" list event --json
cp "$OUT" "$T/events-b.json"
check "export, import into an empty cache: the same events" python3 - "$T/events.json" "$T/events-b.json" <<'EOF'
import json, sys
fields = ("_id", "title", "kind", "start", "end", "repeat", "location", "url", "description", "uid")
a, b = ([{k: r.get(k) for k in fields} for r in json.load(open(p, encoding="utf-8"))["records"]]
        for p in sys.argv[1:3])
for x, y in zip(a, b):
    if x != y:
        print("#   first difference:\n#     %s\n#     %s" % (x, y))
        break
sys.exit(0 if a == b else 1)
EOF
run --db "$B" export --format ics -o "$T/b.ics"
expect_rc 0
check "exported again from the other cache: the same UIDs" \
	test "$(uids "$T/all.ics")" = "$(uids "$T/b.ics")"

# --- usage ------------------------------------------------------------------------------

run export --format ics --from 2011-13-01
expect_rc_not_0
expect_err "2011-13-01"
expect_out_empty
run export --format ics --kind party
expect_rc_not_0
expect_err "party"
expect_out_empty

finish
