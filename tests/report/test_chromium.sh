#!/bin/bash
# The HTML report in a real browser: headless Chromium opens the report of
# a cache with standings, priorities, projects, skills, events and votes
# (and the same from one library's point of view); it loads nothing but the
# file, logs no error, its text names every area and every library (as
# `noron list` gives them), a screenshot shows it, at a phone's width
# (390x844) only the matrix's own box scrolls sideways, and printed it is
# A4 landscape. The checks are tests/report/check_report.py.
#
# Needs Debian's chromium, chromium-driver and python3-selenium. Outside CI
# a missing one skips the test (exit 77); with CI=true it fails.

# shellcheck source=../cli/lib.sh
. "$(dirname "$0")/../cli/lib.sh"
need_python

missing()
{
	if [ "${CI:-}" = true ]; then
		echo "not ok - $* (CI=true: a required test cannot skip)"
		exit 1
	fi
	skip "$*"
}

NEED="apt-get install chromium chromium-driver python3-selenium"
CHROMIUM=
for c in /usr/lib/chromium/chromium "$(type -P chromium)" "$(type -P chromium-browser)"; do
	[ -n "$c" ] && [ -x "$c" ] && { CHROMIUM=$c; break; }
done
[ -n "$CHROMIUM" ] || missing "chromium is missing ($NEED)"
DRIVER=$(type -P chromedriver) || missing "chromedriver is missing ($NEED)"
SEL_PY=$(python_with selenium) || missing "python3-selenium is missing ($NEED)"

"$NORON" init >/dev/null </dev/null || exit 99
printf 'institution = kb-se\n' >"$NORON_CONFIG"
add() { "$NORON" add "$@" </dev/null >"$T/id" 2>"$T/add.err" || { cat "$T/add.err"; exit 99; }; cat "$T/id"; }
SOON=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=20))')
levels=(none planned started operational advanced)
n=0
# A standing in most cells, every level, some priorities.
for area in storage repository-technology web-harvesting metadata digitization \
	audiovisual-digitization technical-infrastructure staff-exchange; do
	for inst in kb-dk kb-se lbs-is nb-no nl-fi; do
		n=$((n + 1))
		[ $((n % 4)) = 0 ] && continue
		add standing area=$area institution=$inst level=${levels[$((n % 5))]} \
			priority=$([ $((n % 3)) = 0 ] && echo yes || echo no) \
			note="Note number $n on where $inst stands" >/dev/null
	done
done
add skill topic="Heritrix crawls" kind=skill institution=nb-no area=web-harvesting \
	level=expert exchange=yes >/dev/null
add skill topic="Tape robot" kind=equipment institution=kb-dk area=storage exchange=yes >/dev/null
add project title="Shared WARC index with a rather long title that must wrap on a phone" \
	status=ongoing help_wanted=yes lead=kb-se institutions=kb-se,nb-no,nl-fi \
	contact="anna.andersson@kb.example.se" start=2026-01-01 >/dev/null
add event title="Storage workshop" kind=workshop start="$SOON" location="Oslo" host=nb-no \
	url="https://example.org/a/very/long/address/that/has/no/spaces/in/it/at/all/storage-workshop" \
	>/dev/null
P=$(add proposal title="Web archive quality assurance" area=web-harvesting institution=kb-dk \
	proposer="Anna")
"$NORON" triage "$P" vote +1 >/dev/null </dev/null || exit 99

"$NORON" list area --json </dev/null >"$T/areas.json" || exit 99
"$NORON" list institution --json </dev/null >"$T/insts.json" || exit 99
run report -o "$T/report.html"
expect_rc 0
run report --institution kb-se -o "$T/report-kb-se.html"
expect_rc 0

mkdir -p "$T/shots"
"$SEL_PY" "$TESTS_DIR/report/check_report.py" --chromium "$CHROMIUM" --driver "$DRIVER" \
	--areas "$T/areas.json" --institutions "$T/insts.json" --shots "$T/shots" \
	"$T/report.html" "$T/report-kb-se.html" >"$T/browser.out" 2>"$T/browser.err"
rc=$?
cat "$T/browser.out"
ok=$(grep -c '^ok - ' "$T/browser.out")
bad=$(grep -c '^not ok - ' "$T/browser.out")
PASSED=$((PASSED + ok))
FAILED=$((FAILED + bad))
if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then
	FAILED=$((FAILED + 1))
	echo "not ok - check_report.py ran to its end (exit code $rc)"
	_indent <"$T/browser.err"
fi
check "the browser checks ran (2 pages)" test "$ok" -ge 20
finish
