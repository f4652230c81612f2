#!/usr/bin/env bash
# tests/torture/run.sh: `make torture`, the long runs that prove what the
# quick ones in make check only sample. Each part runs in turn with its log in
# torture-logs/ (in the current directory); each ends with one line of
# figures starting "torture NAME:", which it adds to the file named by
# TORTURE_SUMMARY. When all have run, the figures lines are printed together,
# one per check, so a person can see what was proven.
#
# To add a part, append "NAME SCRIPT" to PARTS below: SCRIPT is run with bash
# and the environment make torture sets (NORON, TESTS_DIR, TORTURE_*), exits 0
# when all passed, and adds its "torture NAME: ..." line(s) to $TORTURE_SUMMARY.
#   TORTURE_KILLS       kills of the command line and sync part (default 200)
#   TORTURE_TUI_ROUNDS  rounds of each kind of the interface part (default 15)
#   TORTURE_SEED        one seed for every part (default: a new one each, printed)
# Exit 0 when every part passed; 1 otherwise (a skipped part counts as failed:
# it proved nothing).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${NORON:?NORON must be the path of the noron binary}"
export NORON TESTS_DIR=${TESTS_DIR:-$(cd "$here/.." && pwd)}
export TORTURE_KILLS=${TORTURE_KILLS:-200} TORTURE_TUI_ROUNDS=${TORTURE_TUI_ROUNDS:-15}
export LC_ALL=C.UTF-8

PARTS=(
	"cli+sync $here/test_cli_sync.sh"
	"tui $here/test_tui.sh"
)

logs=$PWD/torture-logs
mkdir -p "$logs" || exit 1
export TORTURE_SUMMARY=$logs/summary
: >"$TORTURE_SUMMARY"
failed=0
for part in "${PARTS[@]}"; do
	name=${part%% *} script=${part#* }
	log=$logs/${name//[^a-z0-9]/-}.log
	echo "== torture $name: $script (log: $log)"
	start=$SECONDS
	before=$(wc -l <"$TORTURE_SUMMARY")
	bash "$script" >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|# replay|# seed)' "$log" | head -n 20
	tail -n 1 "$log"
	echo "   exit $rc in $((SECONDS - start)) s"
	if [ "$rc" != 0 ]; then
		failed=$((failed + 1))
		[ "$rc" = 77 ] && echo "torture $name: SKIPPED ($(grep -m 1 SKIP "$log"))" >>"$TORTURE_SUMMARY"
	fi
	if [ "$(wc -l <"$TORTURE_SUMMARY")" = "$before" ]; then
		echo "torture $name: no figures (exit $rc), see $log" >>"$TORTURE_SUMMARY"
	fi
done
echo
echo "== make torture: what was proven"
cat "$TORTURE_SUMMARY"
if [ "$failed" -ne 0 ]; then
	echo "make torture: $failed part(s) failed; their logs are in $logs"
	exit 1
fi
