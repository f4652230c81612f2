#!/bin/bash
# Guards the split between noron and its helper noron-io (tui/helper.h):
# noron itself links neither libcurl nor libical (their start-up would cost
# more than a screen); the sync and iCalendar commands still work through it,
# with their options intact; and without the helper they fail with one clear
# line that names it, changing nothing.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317
. "$(dirname "$0")/lib.sh"

HELPER="$(dirname "$NORON")/noron-io"
check "noron-io is built beside noron" test -x "$HELPER"

libs=$(ldd "$NORON") || skip "ldd cannot read $NORON"
check "noron does not link libcurl" eval '! grep -q libcurl <<<"$libs"'
check "noron does not link libical" eval '! grep -q libical <<<"$libs"'
check "noron-io links libcurl" eval 'ldd "$HELPER" | grep -q libcurl'
check "noron-io links libical" eval 'ldd "$HELPER" | grep -q libical'

# The commands noron hands over take their options as given.
run init
expect_rc 0
run add event title=Vinterseminar kind=workshop start=2015-02-10
expect_rc 0
run export --format ics --kind workshop -o "$T/ws.ics"
expect_rc 0
expect_err_lines 0
check "export --format ics (through noron-io) wrote the file" test -s "$T/ws.ics"
check "the --kind option reached noron-io" grep -q "SUMMARY:Vinterseminar" "$T/ws.ics"
check "only workshops were written (--kind)" test "$(grep -c '^BEGIN:VEVENT' "$T/ws.ics")" = 1
run export --format ics --kind workshop --from 2099-01-01 -o "$T/none.ics"
expect_rc 0
check "the --from option reached noron-io" test "$(grep -c '^BEGIN:VEVENT' "$T/none.ics")" = 0
run export --format ics --kind party
expect_rc 2
expect_err "no event kind 'party'"
run import "$T/ws.ics"
expect_rc 0
expect_out "1 unchanged"

# Without noron-io beside it (and none installed where it looks next),
# noron says so, and the cache is left as it was.
LONE="$T/lone"
mkdir -p "$LONE"
cp "$NORON" "$LONE/noron"
snapshot
NORON="$LONE/noron" run sync --url http://127.0.0.1:9/noron
expect_rc 1
expect_err "noron-io"
expect_err_lines 1
NORON="$LONE/noron" run import "$T/ws.ics"
expect_rc 1
expect_err "noron-io"
expect_unchanged
NORON="$LONE/noron" run list event
expect_rc 0
expect_out "Vinterseminar"

finish
