#!/usr/bin/env bash
# tests/torture/test_cli_sync.sh: crash safety of the command line and the
# sync. torture.py (beside this file) runs random edits and syncs on two
# caches sharing a PouchDB Server and kills noron with SIGKILL at random
# moments; after each kill the cache passes PRAGMA integrity_check and opens,
# the killed edit is whole or absent, every edit that returned is there; at
# the end a sync without kills makes the caches and the endpoint equal.
#   TORTURE_KILLS   kills during edits and syncs (default 20; make torture: 200)
#   TORTURE_SEED    the seed of every choice (default: a new one, printed)
#   TORTURE_SUMMARY a file the closing figures line is added to (make torture)
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../sync/lib.sh"
sync_init
sync_endpoint noron
cache_new A
cache_new B

KILLS=${TORTURE_KILLS:-20}
case $KILLS in '' | *[!0-9]*) KILLS=20 ;; esac
SEED=${TORTURE_SEED:-$((RANDOM * 32768 + RANDOM + 1))}
echo "# replay with: TORTURE_SEED=$SEED TORTURE_KILLS=$KILLS bash $here/test_cli_sync.sh"

"$SYNC_PYTHON" "$here/torture.py" --noron "$NORON" --dir "$T" --url "$DB" \
	--seed-json "$SEED_JSON" --seed "$SEED" --kills "$KILLS" --counts "$T/counts" \
	${TORTURE_SUMMARY:+--summary "$TORTURE_SUMMARY"} A B
rc=$?
if [ -s "$T/counts" ]; then
	read -r p f <"$T/counts"
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
else
	not_ok "torture.py ran to its end (exit $rc)"
fi
finish
