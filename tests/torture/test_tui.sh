#!/usr/bin/env bash
# tests/torture/test_tui.sh: crash safety of the full-screen interface.
# tui_torture.py (beside this file) kills noron, in tmux, with SIGKILL while a
# form save, an $EDITOR save or a sync (S) is under way; after each kill the
# cache passes PRAGMA integrity_check and opens, a save the screen confirmed
# is there whole, an unconfirmed one is whole or absent; at the end
# `noron sync` makes the caches and the endpoint equal.
#   TORTURE_TUI_ROUNDS  rounds of each kind (default 2; make torture: 15)
#   TORTURE_SEED        the seed of every choice (default: a new one, printed)
#   TORTURE_SUMMARY     a file the closing figures line is added to
# Exit 0 all passed, 1 something failed, 77 skipped (no tmux, node/PouchDB
# Server, python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../sync/lib.sh"
command -v tmux >/dev/null 2>&1 || skip "tmux is missing"
sync_init
sync_endpoint noron
cache_new U
cache_new W

ROUNDS=${TORTURE_TUI_ROUNDS:-2}
case $ROUNDS in '' | *[!0-9]*) ROUNDS=2 ;; esac
SEED=${TORTURE_SEED:-$((RANDOM * 32768 + RANDOM + 1))}
echo "# replay with: TORTURE_SEED=$SEED TORTURE_TUI_ROUNDS=$ROUNDS bash $here/test_tui.sh"

"$SYNC_PYTHON" "$here/tui_torture.py" --noron "$NORON" --dir "$T" --url "$DB" \
	--seed-json "$SEED_JSON" --seed "$SEED" --rounds "$ROUNDS" --counts "$T/counts" \
	${TORTURE_SUMMARY:+--summary "$TORTURE_SUMMARY"}
rc=$?
if [ -s "$T/counts" ]; then
	read -r p f <"$T/counts"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
else
	not_ok "tui_torture.py ran to its end (exit $rc)"
fi
finish
