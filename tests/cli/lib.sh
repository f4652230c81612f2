# shellcheck shell=bash
# Shared by the command-line tests (tests/cli/test_*.sh), which source it.
#
# It gives each test a private temporary directory holding the cache, HOME,
# the XDG directories and the config, so nothing of the real user is read or
# touched, and small assertions that print TAP-like "ok - ..." / "not ok - ..."
# lines. The harness (make check) sets NORON, the absolute path of the binary,
# and TESTS_DIR, the absolute path of tests/.
#
#   run ARGS...          runs "$NORON" ARGS; keeps stdout, stderr and the exit code
#   expect_rc N          the last run exited with N
#   expect_out TEXT      stdout holds TEXT (a fixed string); expect_out_not TEXT: it does not
#   expect_err TEXT      stderr holds TEXT; expect_err_not TEXT: it does not
#   expect_out_empty     nothing on stdout
#   expect_err_lines N   stderr has exactly N lines
#   expect_json EXPR     stdout is JSON and the python expression EXPR (over d) is true
#   expect_subset JSON   stdout is a JSON object holding these members (null: absent)
#   expect_refused RC TEXT
#                        exit code RC, stderr is "noron: ..." naming TEXT (one line,
#                        plus the "usage:" line when RC is 2), nothing on stdout
#   python_with MODULE   the path of a python3 (with its site-packages) that imports MODULE
#   snapshot [ARGS...]   records the cache's export (without exported_at) and its
#                        status --json; ARGS are global options such as --db PATH
#   expect_unchanged     the cache still matches the snapshot (after a mismatch,
#                        the snapshot moves on, so that one failure is reported once)
#   check DESC CMD...    an assertion of its own: CMD succeeds
#   out_line ERE         (for check) a line of stdout matches ERE; out_count ERE counts them
#   finish               prints "N passed, N failed"; exits 0 only if none failed
#   skip REASON          exits 77 (skipped)

set -u

if [ -z "${NORON:-}" ] || [ ! -x "$NORON" ]; then
	echo "Bail out! NORON must be the path of the noron binary (got '${NORON:-}')" >&2
	exit 99
fi
: "${TESTS_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

T=$(mktemp -d "${TMPDIR:-/tmp}/noron-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" || exit 99

export HOME="$T/home"
export XDG_DATA_HOME="$T/home/.local/share"
export XDG_CONFIG_HOME="$T/home/.config"
export NORON_DB="$T/cache.db"
export NORON_CONFIG="$T/config"
export USER=tester
export LC_ALL=C.UTF-8
export TZ=UTC
unset NORON_BUSY_TIMEOUT EDITOR VISUAL LANG LANGUAGE

PASSED=0
FAILED=0
RC=
LAST=
OUT="$T/out"
ERR="$T/err"
: >"$OUT"
: >"$ERR"

skip()
{
	echo "SKIP: $*"
	exit 77
}

# The tests call python3 (standard library only) through this function: the
# interpreter itself, found once, starts much faster than a pyenv-style shim.
PYTHON=
need_python()
{
	PYTHON=$(type -P python3) || skip "python3 is missing"
	local exe
	exe=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$exe" ] && PYTHON=$exe
}

python3()
{
	"${PYTHON:-$(type -P python3)}" -S "$@"
}

# python_with MODULE: prints the path of a python3 that imports MODULE, with
# its site-packages (Debian's python3-* packages live in /usr/bin/python3's,
# which need not be the python3 first on PATH); fails when none does.
python_with()
{
	local py
	for py in "$PYTHON" /usr/bin/python3; do
		if [ -x "$py" ] && "$py" -c "import $1" 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

# The binary's output is kept in files, so that bytes (NUL aside) survive.
# The assertions read them with shell builtins: a fork costs more than a check.
run()
{
	LAST="noron $*"
	LAST=${LAST//$'\n'/\\n}
	"$NORON" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# slurp FILE: the whole of FILE in $SLURP.
SLURP=
slurp()
{
	SLURP=
	IFS= read -r -d '' SLURP <"$1" || true
}

_indent()
{
	local line n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[ "$n" -gt 40 ] && { echo "#   ..."; break; }
		echo "#   $line"
	done
}

_show_last()
{
	echo "#   exit code $RC"
	if [ -s "$OUT" ]; then
		echo "#   stdout:"
		_indent <"$OUT"
	fi
	if [ -s "$ERR" ]; then
		echo "#   stderr:"
		_indent <"$ERR"
	fi
}

_show_why()
{
	_indent <"$T/why"
	_show_last
}

pass()
{
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

# fail DESC [DETAIL-FUNCTION]: a failed assertion, with the last run's output.
fail()
{
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	"${2:-_show_last}"
}

expect_rc()
{
	if [ "$RC" = "$1" ]; then
		pass "$LAST: exit code $1"
	else
		fail "$LAST: exit code $1 expected"
	fi
}

expect_out()
{
	slurp "$OUT"
	if [[ $SLURP == *"$1"* ]]; then
		pass "$LAST: stdout has '$1'"
	else
		fail "$LAST: stdout should have '$1'"
	fi
}

expect_out_not()
{
	slurp "$OUT"
	if [[ $SLURP == *"$1"* ]]; then
		fail "$LAST: stdout should not have '$1'"
	else
		pass "$LAST: stdout has no '$1'"
	fi
}

expect_out_empty()
{
	if [ -s "$OUT" ]; then
		fail "$LAST: stdout should be empty"
	else
		pass "$LAST: nothing on stdout"
	fi
}

expect_err()
{
	slurp "$ERR"
	if [[ $SLURP == *"$1"* ]]; then
		pass "$LAST: stderr has '$1'"
	else
		fail "$LAST: stderr should have '$1'"
	fi
}

expect_err_not()
{
	slurp "$ERR"
	if [[ $SLURP == *"$1"* ]]; then
		fail "$LAST: stderr should not have '$1'"
	else
		pass "$LAST: stderr has no '$1'"
	fi
}

# A last line without its newline counts too.
expect_err_lines()
{
	local lines
	mapfile -t lines <"$ERR"
	if [ "${#lines[@]}" -eq "$1" ]; then
		pass "$LAST: $1 line(s) on stderr"
	else
		fail "$LAST: $1 line(s) on stderr expected, got ${#lines[@]}"
	fi
}

# expect_json EXPR [DESC]: EXPR is a python expression over d, the parsed stdout.
expect_json()
{
	local desc=${2:-$1}
	if python3 - "$1" "$OUT" >"$T/why" <<'EOF'
import json, sys
try:
    with open(sys.argv[2], encoding="utf-8") as f:
        d = json.load(f)
except ValueError as e:
    print("#   stdout is not JSON: %s" % e)
    sys.exit(1)
try:
    ok = eval(sys.argv[1], {"d": d, "json": json})
except Exception as e:
    print("#   %s: %r" % (type(e).__name__, e))
    sys.exit(1)
sys.exit(0 if ok else 1)
EOF
	then
		pass "$LAST: JSON $desc"
	else
		fail "$LAST: JSON should satisfy $desc" _show_why
	fi
}

# expect_subset JSON [DESC]: stdout is a JSON object holding every member of
# the JSON object given, with equal values; a member given as null must be absent.
expect_subset()
{
	local desc=${2:-$1}
	if python3 - "$1" "$OUT" >"$T/why" <<'EOF'
import json, sys
want = json.loads(sys.argv[1])
try:
    with open(sys.argv[2], encoding="utf-8") as f:
        got = json.load(f)
except ValueError as e:
    print("#   stdout is not JSON: %s" % e)
    sys.exit(1)
bad = 0
for k, v in want.items():
    if got.get(k) != v:
        print("#   %s: got %s, want %s" % (k, json.dumps(got.get(k), ensure_ascii=False),
                                         json.dumps(v, ensure_ascii=False)))
        bad = 1
sys.exit(bad)
EOF
	then
		pass "$LAST: JSON holds $desc"
	else
		fail "$LAST: JSON should hold $desc" _show_why
	fi
}

# A refused command: the exit code, one clear "noron: ..." line naming the
# problem (the usage line too for exit code 2), nothing on stdout.
expect_refused()
{
	local rc=$1 text=$2 lines
	expect_rc "$rc"
	expect_err "$text"
	expect_err_lines $((rc == 2 ? 2 : 1))
	mapfile -t lines <"$ERR"
	if [[ ${lines[0]-} == "noron: "* ]]; then
		pass "$LAST: the message starts with 'noron: '"
	else
		fail "$LAST: the message should start with 'noron: '"
	fi
	if [ "$rc" = 2 ]; then
		if [[ ${lines[1]-} == "usage: "* ]]; then
			pass "$LAST: a usage line follows"
		else
			fail "$LAST: a 'usage: ...' line should follow"
		fi
	fi
	expect_out_empty
}

# The snapshot: the export without its exported_at, then status --json.
SNAP_ARGS=()
SNAP_BEFORE=
SNAP_AFTER=
_take_snapshot()
{
	"$NORON" "${SNAP_ARGS[@]}" export >"$T/snap" 2>&1 </dev/null
	"$NORON" "${SNAP_ARGS[@]}" status --json >>"$T/snap" 2>&1 </dev/null
	slurp "$T/snap"
	SLURP=${SLURP/\"exported_at\": \"????-??-??T??:??:??Z\"/\"exported_at\": \"-\"}
}

# shellcheck disable=SC2120 # its arguments are optional
snapshot()
{
	SNAP_ARGS=("$@")
	_take_snapshot
	SNAP_BEFORE=$SLURP
}

_show_snapshot_diff()
{
	diff <(printf '%s' "$SNAP_BEFORE") <(printf '%s' "$SNAP_AFTER") | _indent
}

expect_unchanged()
{
	_take_snapshot
	SNAP_AFTER=$SLURP
	if [ "$SNAP_BEFORE" = "$SNAP_AFTER" ]; then
		pass "$LAST: the cache is unchanged"
	else
		fail "$LAST: the cache should be unchanged" _show_snapshot_diff
		# Later assertions measure their own command, not this one's change.
		SNAP_BEFORE=$SNAP_AFTER
	fi
}

# out_line ERE: some line of the last stdout matches ERE (for check).
out_line()
{
	local line lines
	mapfile -t lines <"$OUT"
	for line in "${lines[@]}"; do
		[[ $line =~ $1 ]] && return 0
	done
	return 1
}

# out_count ERE: prints how many lines of the last stdout match ERE.
out_count()
{
	local line lines n=0
	mapfile -t lines <"$OUT"
	for line in "${lines[@]}"; do
		[[ $line =~ $1 ]] && n=$((n + 1))
	done
	echo "$n"
}

# check DESC CMD...: passes when CMD succeeds.
check()
{
	local desc=$1
	shift
	if "$@"; then
		pass "$desc"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $desc"
	fi
}

# The value of one field of a record, from show --json ("" when it has none).
field_of()
{
	"$NORON" show "$1" --json </dev/null 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else v if isinstance(v, str) else json.dumps(v))' "$2"
}

# The number of unsynced edits, from status --json.
unsynced()
{
	"$NORON" status --json >"$T/unsynced" 2>&1 </dev/null
	slurp "$T/unsynced"
	[[ $SLURP =~ \"unsynced\":[[:space:]]*([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

finish()
{
	echo "$PASSED passed, $FAILED failed"
	if [ $((PASSED + FAILED)) -eq 0 ]; then
		echo "Bail out! no assertion ran"
		exit 99
	fi
	[ "$FAILED" -eq 0 ]
	exit
}
