#!/usr/bin/env bash
# tests/sync/test_validate.sh: the validate_doc_update that noron endpoint
# setup installs, run in Node by tests/sync/validate_test.js against a table
# of documents and user contexts: every rule, every record type. The
# function comes from `noron endpoint design`, the valid records from a
# cache holding one of each type, the field kinds from `noron help TYPE`.
# Then each structural refusal's sample is offered to noron's own validation
# (noron import), which must refuse it with the same words: the endpoint and
# the client hold records to one set of rules.
# Exit 0 all passed, 1 something failed, 77 skipped (no node).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${NORON:-}" ] || [ ! -x "$NORON" ]; then
	echo "Bail out! NORON must be the path of the noron binary (got '${NORON:-}')" >&2
	exit 99
fi
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-validate.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/help"
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_DATA_HOME="$T/home/.local/share"
export LC_ALL=C.UTF-8 TZ=UTC
unset NORON_DB NORON_CONFIG
PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '#   %s\n' "${@:2}"; }
n() { "$NORON" --db "$T/c.db" "$@" 2>>"$T/err"; }

# ------------------------------------------------------------------ a record of each type
n init >/dev/null &&
	n add standing area=storage institution=kb-se level=operational priority=yes \
		note="Tape and disk in two places" >/dev/null &&
	PERSON=$(n add person name="Ada Lindqvist" institution=kb-se role="Digital archivist" \
		email=ada@kb.se) &&
	n add skill topic="WARC validation" kind=skill person="$PERSON" institution=kb-se \
		area=web-harvesting level=expert exchange=yes >/dev/null &&
	n add proposal title="Format identification" area=storage institution=nb-no \
		format=workshop abstract="Comparing DROID and Siegfried" >/dev/null &&
	n export -o "$T/export.json" >/dev/null ||
	{ echo "Bail out! cannot make the records: $(cat "$T/err")"; exit 99; }
for t in institution area standing person skill project event proposal fund; do
	n help "$t" >"$T/help/$t.txt" || { echo "Bail out! noron help $t failed"; exit 99; }
done
if "$NORON" endpoint design >"$T/design.json" 2>"$T/design.err"; then
	ok "noron endpoint design prints the design document"
else
	not_ok "noron endpoint design prints the design document" "$(cat "$T/design.err")"
fi

# ------------------------------------------------------------------ the table, in Node
node "$here/validate_test.js" "$T/design.json" "$T/export.json" "$T/help" "$T/samples.json" \
	>"$T/node.out" 2>&1
node_rc=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$T/node.out"
counts=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/node.out")
if [ -n "$counts" ]; then
	PASSED=$((PASSED + ${counts% *}))
	FAILED=$((FAILED + ${counts#* }))
fi
[ "$node_rc" = 0 ] || [ "$FAILED" -gt 0 ] || not_ok "validate_test.js ran to its end (exit $node_rc)"

# ------------------------------------------------------------------ the same refusals in noron
# One sample per structural rule (rights are the endpoint's alone).
node -e '
const s = require(process.argv[1]);
for (const [rule, c] of Object.entries(s)) {
	if (/rights/.test(rule)) continue;
	const f = process.argv[2] + "/sample-" + rule.replace(/ /g, "-");
	require("fs").writeFileSync(f + ".json", JSON.stringify({ noron: "export", version: 1,
		records: [c.doc] }));
	require("fs").writeFileSync(f + ".want", c.want[0] + "\n");
}' "$T/samples.json" "$T" || not_ok "the samples could be written"
nsamples=0
for f in "$T"/sample-*.json; do
	[ -e "$f" ] || continue
	nsamples=$((nsamples + 1))
	rule=${f##*/sample-}
	rule=${rule%.json}
	want=$(cat "${f%.json}.want")
	cp "$T/c.db" "$T/s.db"
	"$NORON" --db "$T/s.db" import "$f" >"$T/imp.out" 2>"$T/imp.err"
	rc=$?
	if [ "$rc" = 1 ] && grep -qF -- "$want" "$T/imp.err"; then
		ok "noron refuses the endpoint's '$rule' sample too: $(head -c 150 "$T/imp.err")"
	else
		not_ok "noron refuses the endpoint's '$rule' sample too (exit $rc)" "want: $want" \
			"got: $(head -c 300 "$T/imp.err")"
	fi
done
[ "$nsamples" -ge 10 ] && ok "$nsamples rules offered to noron's own validation" ||
	not_ok "at least 10 rules offered to noron's own validation (got $nsamples)"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
