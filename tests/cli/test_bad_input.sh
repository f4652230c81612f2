#!/bin/bash
# Guards the refusal of bad input on add and set: every kind of bad value is
# refused with the right exit code and one clear "noron: ..." line naming the
# field or the value, prints nothing on stdout, and changes nothing in the
# cache (compared through export and status --json).

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

run init
expect_rc 0
# A few records to aim at.
run add project title="Test project" status=ongoing start=2012-01-01 end=2012-06-30
PROJECT=$(cat "$OUT")
run add event title="Test event" kind=meeting start=2012-05-03T10:00+02:00
EVENT=$(cat "$OUT")
run add person name="Test person" institution=kb-se
PERSON=$(cat "$OUT")
check "the records to aim at were added" test -n "$PROJECT" -a -n "$EVENT" -a -n "$PERSON"

# refused RC TEXT ARGS...: noron ARGS is refused with exit code RC and a
# message holding TEXT, and the cache stays as it was.
refused()
{
	local rc=$1 text=$2
	shift 2
	run "$@"
	expect_refused "$rc" "$text"
	expect_unchanged
}

snapshot

# --- unknown type, unknown field ----------------------------------------------------

refused 2 "'widget'" add widget name=x
refused 2 "'peoples'" list peoples
refused 1 "'colour'" add fund name=x colour=red
refused 1 "'colour'" set fund:nordic-funds colour=red
refused 1 "'colour'" set fund:nordic-funds colour=
refused 1 "'Name'" add fund Name=x

# --- enum values -----------------------------------------------------------------

refused 1 "'party'" add event title=x kind=party start=2012-01-01
run add event title=x kind=party start=2012-01-01
expect_err "'kind'"
expect_err "meeting"
refused 1 "'Ongoing'" set "$PROJECT" status=Ongoing
refused 1 "'sometimes'" add event title=x kind=meeting start=2012-01-01 repeat=sometimes
refused 1 "'guru'" add skill topic=x kind=skill institution=kb-se level=guru
refused 1 "'excellent'" add standing area=metadata institution=kb-se level=excellent

# --- dates and date-times -------------------------------------------------------------

refused 1 "'2011-02-30'" add project title=x status=idea start=2011-02-30
run add project title=x status=idea start=2011-02-30
expect_err "'start'"
refused 1 "'2011-02-29'" add project title=x status=idea start=2011-02-29
refused 1 "'2011-13-01'" set "$PROJECT" end=2011-13-01
refused 1 "'2011-2-3'" add fund name=x deadline=2011-2-3
refused 1 "'tomorrow'" add fund name=x deadline=tomorrow
refused 1 "'2012-01-01T10:00Z'" add fund name=x deadline=2012-01-01T10:00Z
refused 1 "'2011-02-03T25:00+01:00'" add event title=x kind=meeting start=2011-02-03T25:00+01:00
refused 1 "'2011-02-03T10:00:61Z'" add event title=x kind=meeting start=2011-02-03T10:00:61Z
refused 1 "'2011-02-03T10:00+25:00'" add event title=x kind=meeting start=2011-02-03T10:00+25:00
refused 1 "'2011-02-30T10:00Z'" add event title=x kind=meeting start=2011-02-30T10:00Z
# A time without its zone is ambiguous.
refused 1 "'2011-02-03T10:00'" add event title=x kind=meeting start=2011-02-03T10:00
run add event title=x kind=meeting start=2011-02-03T10:00
expect_err "'start'"

# --- end before start ---------------------------------------------------------------

refused 1 "'end'" add project title=x status=idea start=2012-03-01 end=2012-02-01
refused 1 "'end'" set "$PROJECT" end=2011-12-31
refused 1 "'end'" set "$PROJECT" start=2012-07-01
refused 1 "'end'" add event title=x kind=meeting start=2012-05-03 end=2012-05-02
# 10:00+01:00 is 09:00Z, 10:30+02:00 is 08:30Z: before, though it reads later.
refused 1 "'end'" add event title=x kind=meeting start=2012-05-03T10:00+01:00 end=2012-05-03T10:30+02:00
# And the other way round: 09:30+01:00 (08:30Z) is after 10:00+02:00 (08:00Z).
run add event title="Across zones" kind=meeting start=2012-05-03T10:00+02:00 end=2012-05-03T09:30+01:00
expect_rc 0
run undo
expect_rc 0
snapshot

# --- yes/no, integers --------------------------------------------------------------

refused 1 "'help_wanted'" add project title=x status=idea help_wanted=maybe
refused 1 "'priority'" add standing area=metadata institution=kb-se priority=2
refused 1 "'exchange'" add skill topic=x kind=skill institution=kb-se exchange=perhaps
refused 1 "'position'" add area title=x position=abc
refused 1 "'position'" add area title=x position=1.5
refused 1 "'position'" add area title=x position=99999999999

# --- url, email -------------------------------------------------------------------

refused 1 "'ftp://example.org/'" add fund name=x url=ftp://example.org/
refused 1 "'notaurl'" add fund name=x url=notaurl
refused 1 "'https://a b.org/'" add fund name=x url="https://a b.org/"
refused 1 "'url'" set event:2011-stockholm url=https://
refused 1 "'nope'" add person name=x institution=kb-se email=nope
refused 1 "'a@b'" set "$PERSON" email=a@b
refused 1 "'a b@c.se'" set "$PERSON" email="a b@c.se"
refused 1 "'a@@b.se'" set "$PERSON" email=a@@b.se
run set "$PERSON" email=nope
expect_err "'email'"

# --- references -----------------------------------------------------------------------

refused 1 "xx-yy" add person name=x institution=xx-yy
run add person name=x institution=xx-yy
expect_err "'institution'"
refused 1 "nowhere" add project title=x status=idea areas=storage,nowhere
refused 1 "nowhere" add proposal title=x votes=kb-se=1,nowhere=1
refused 1 "nowhere" set area:storage parent=nowhere
refused 1 "event:no-such-event" add proposal title=x event=event:no-such-event
refused 1 "listed twice" add project title=x status=idea areas=storage,area:storage
refused 1 "'votes'" add proposal title=x votes=kb-se=2
refused 1 "'votes'" add proposal title=x votes=kb-se
# A reference to a record of the wrong type names the field and the id as typed.
refused 1 "'institution'" add person name=x institution=area:storage
run add person name=x institution=area:storage
expect_err "area:storage"
expect_err_not "institution:area:storage"
refused 1 "'person'" add skill topic=x kind=skill institution=kb-se person=institution:kb-se
run add skill topic=x kind=skill institution=kb-se person=institution:kb-se
expect_err_not "person:institution:kb-se"
refused 1 "'event'" add proposal title=x event="$PROJECT"
run add proposal title=x event="$PROJECT"
expect_err_not "event:$PROJECT"
refused 1 "'areas'" set "$PROJECT" areas=institution:kb-se
# A deleted record cannot be referred to.
run delete "$PERSON"
expect_rc 0
snapshot
refused 1 "$PERSON" add skill topic=x kind=skill institution=kb-se person="$PERSON"
run undo
expect_rc 0
snapshot

# --- control characters and escape sequences ---------------------------------------------

refused 1 "'name'" add fund name=$'Red \e[31mfund'
refused 1 "'name'" add fund name=$'Title \e]0;pwned\a'
refused 1 "'note'" add fund name=x note=$'Clear \e[2J screen'
refused 1 "'title'" set "$PROJECT" title=$'bell \a'
refused 1 "'title'" set "$PROJECT" title=$'nul-ish \x01'
refused 1 "'title'" set "$PROJECT" title=$'del \x7f'
refused 1 "'title'" set "$PROJECT" title=$'c1 csi \xc2\x9b31m'
refused 1 "'title'" set "$PROJECT" title=$'not utf-8 \xff\xfe'
refused 1 "'title'" set "$PROJECT" title=$'over\xc0\xafl ong'
refused 1 "'title'" set "$PROJECT" title=$'two\nlines'
refused 1 "'description'" set "$PROJECT" description=$'carriage\rreturn'
run add fund name=$'Red \e[31mfund'
check "the refusal does not echo the escape sequence raw" test "$(grep -c $'\e' "$ERR")" -eq 0

# --- missing records, FIELD=VALUE syntax ------------------------------------------------

refused 1 "fund:no-such-fund" set fund:no-such-fund name=x
refused 1 "no-prefix" set no-prefix name=x
refused 2 "'name'" set fund:nordic-funds name
refused 2 "'=x'" add fund =x
refused 2 "missing argument" set fund:nordic-funds
refused 2 "'--bogus'" add fund --bogus name=x
refused 1 "'name'" add fund name=
refused 1 "'name'" add fund
refused 1 "'institution'" add person name=x
refused 1 "'area'" add standing institution=kb-se
refused 1 "'start'" add event title=x kind=meeting

# --- fields kept by noron ---------------------------------------------------------

for meta in _id _rev type created_at updated_at updated_by; do
	refused 1 "'$meta'" set fund:nordic-funds "$meta=x"
done
refused 1 "'_id'" add fund name=x _id=fund:chosen
refused 1 "'updated_at'" set fund:nordic-funds updated_at=2020-01-01T00:00:00Z
refused 1 "'updated_by'" add fund name=x updated_by=someone-else

# --- loops in the area tree ---------------------------------------------------------

refused 1 "'parent'" set area:organization parent=staff-exchange
refused 1 "'parent'" set area:organization parent=organization
run add area title="Grandchild" parent=staff-exchange
GRANDCHILD=$(cat "$OUT")
snapshot
refused 1 "'parent'" set area:organization parent="$GRANDCHILD"
run set area:organization parent="$GRANDCHILD"
expect_err "loop"
refused 1 "'parent'" set area:organization parent=area:metadata parent="$GRANDCHILD"

# A refusal on a first run leaves no cache behind.
run --db "$T/never.db" add widget name=x
expect_rc 2
check "a refused add did not create the cache" test ! -e "$T/never.db"

finish
