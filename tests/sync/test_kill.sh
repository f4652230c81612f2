#!/usr/bin/env bash
# tests/sync/test_kill.sh: kill -9 of noron sync at random moments of a
# 5,000-record pull and of a 2,000-edit push, again and again. After each
# kill the cache passes PRAGMA integrity_check; after a final uninterrupted
# sync each cache holds exactly the endpoint's records (ids and fields), none
# lost, none twice, nothing unsynced, no conflict.
# SYNC_KILLS (default 8) is the number of kills of each kind.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
KILLS=${SYNC_KILLS:-8}
case $KILLS in '' | *[!0-9]*) KILLS=8 ;; esac
[ "$KILLS" -ge 1 ] || KILLS=1

usec() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }

# ------------------------------------------------------------------ load the endpoint
sc gen-export 5000 1 "" "$T/load.json"
check "the endpoint is loaded with 5,000 records (person, skill, event) in _bulk_docs batches" \
	sc post "$DB" "$T/load.json" 500
LOADED_SEQ=$(curl -s --noproxy '*' "$DB" | sc get doc_count)
echo "# endpoint doc_count $LOADED_SEQ"

# kill_run NAME MAXMS: starts noron sync on NAME, kills it with SIGKILL after
# a random 50..MAXMS ms (unless it ended first). KILL_RC: 137 when killed,
# else the sync's own exit code; KILL_MS: the delay; RUN_MS: how long it ran.
kill_run() {
	local name=$1 max=$2 pid t0
	KILL_MS=$((50 + (RANDOM * 32768 + RANDOM) % (max - 50 + 1)))
	t0=$(usec)
	NORON_CONFIG="$T/$name.cfg" "$NORON" --db "$T/$name.db" sync --verbose >"$T/kill.out" 2>"$T/kill.err" </dev/null &
	pid=$!
	sleep "$((KILL_MS / 1000)).$(printf '%03d' $((KILL_MS % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	KILL_RC=$?
	RUN_MS=$((($(usec) - t0) / 1000))
	cat "$T/kill.out" "$T/kill.err" >>"$T/transcript"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/kill.err"; then
		LAST="noron($name) sync (to be killed)" RC=$KILL_RC OUT=$T/kill.out ERR=$T/kill.err \
			not_ok "noron($name) sync before the kill: a sanitizer report"
	fi
}

# integrity_after_kill DESC DB: PRAGMA integrity_check is ok (the cache may
# not exist yet if the kill came before it was created). Sets AFTER_UNSYNCED
# and AFTER_CP (the cache's checkpoint, "none" before any).
integrity_after_kill() {
	local out
	AFTER_UNSYNCED=0 AFTER_CP=none
	if [ ! -e "$2" ]; then
		ok "$1: killed before the cache file was created"
		return
	fi
	if out=$(sc integrity "$2" 2>&1); then
		ok "$1: integrity_check $out"
	else
		not_ok "$1: integrity_check ok" "$out"
	fi
	AFTER_UNSYNCED=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) unsynced.*/\1/p')
	AFTER_CP=$(printf '%s\n' "$out" | sed -n 's/.*checkpoint \(.*\)$/\1/p')
}
# resumed_from CP DESC: the last run's first _changes request went on from
# checkpoint CP (a run that was cut off must not start the pull over).
resumed_from() {
	local since
	since=$(grep -m 1 -o '_changes?[^ ]*' "$T/kill.err" | sed -n 's/.*[?&]since=\([^&]*\).*/\1/p')
	[ -z "$since" ] && return 0	# killed before it asked for changes
	if [ "$since" = "$1" ]; then
		ok "$2: the next run went on from the checkpoint ($1)"
	else
		not_ok "$2: the next run goes on from the checkpoint $1, not since=$since" \
			"$(grep -E '_changes|_local|_bulk' "$T/kill.err" | head -n 4)"
	fi
}

# ------------------------------------------------------------------ kills during a pull
# Each cache K<i> is new (so the first run also creates and seeds it), adds a
# record of its own, and is synced under kills until one run completes;
# then the next cache starts. The delay's upper bound follows the length of a
# complete run, so that the kills land inside the pull.
est=1500 kills=0 tries=0 i=1 caches=()
new_pull_cache() {
	cache_new "K$i"
	caches+=("K$i")
	nr "K$i" add person name="Kill pull cache $i" institution=nl-fi
	[ "$RC" = 0 ] || not_ok "a record of K$i's own (noron add)"
}
new_pull_cache
cp=none
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 4)) ]; do
	tries=$((tries + 1))
	kill_run "K$i" "$est"
	[ "$cp" != none ] && resumed_from "$cp" "pull, after kill $kills"
	case $KILL_RC in
	137)
		kills=$((kills + 1))
		integrity_after_kill "pull kill $kills (K$i after $KILL_MS ms)" "$T/K$i.db"
		cp=$AFTER_CP
		if [ "${AFTER_UNSYNCED:-0}" -le 1 ]; then
			ok "pull kill $kills: the pulled records are not unsynced edits ($AFTER_UNSYNCED: K$i's own)"
		else
			not_ok "pull kill $kills: only K$i's own record is unsynced, not $AFTER_UNSYNCED pulled ones" \
				"after the kill the cache has $AFTER_UNSYNCED unsynced records, checkpoint $AFTER_CP"
		fi
		;;
	0)
		echo "# K$i: a sync completed in $RUN_MS ms before the kill at $KILL_MS ms"
		[ "$RUN_MS" -lt "$est" ] && [ "$RUN_MS" -gt 100 ] && est=$RUN_MS
		i=$((i + 1))
		cp=none
		new_pull_cache
		;;
	*)
		LAST="noron(K$i) sync (to be killed)" RC=$KILL_RC OUT=$T/kill.out ERR=$T/kill.err \
			not_ok "pull: the sync exited $KILL_RC on its own (0, or killed, expected)"
		;;
	esac
done
check "pull: $KILLS kills landed during a sync ($kills in $tries runs)" test "$kills" -ge "$KILLS"

# Final uninterrupted syncs: two rounds over every cache, so that each has
# the others' own records too.
for round in 1 2; do
	for n in "${caches[@]}"; do
		nr "$n" sync
		[ "$RC" = 0 ] || not_ok "pull: the uninterrupted sync of $n (round $round) exits 0"
	done
done
converged "pull" "${caches[@]}"
check "pull: each cache's own record made before the kills is there, once, in every cache" \
	eval 'for n in "${caches[@]}"; do for k in $(seq 1 $i); do
		test "$(sc sql "$T/$n.db" "select count(*) from docs where deleted = 0 and body like '"'"'%\"Kill pull cache $k\"%'"'"'")" = 1 ||
			{ echo "$n lacks cache $k'"'"'s record"; exit 1; }
	done; done'
check "pull: every cache holds all 5,000 loaded records unchanged" \
	eval 'for n in "${caches[@]}"; do sc contains "$T/$n.db" "$T/load.json" || exit 1; done'
no_duplicates "${caches[-1]}" "pull: ${caches[-1]}: no id twice, the live records are the exported ones"

# ------------------------------------------------------------------ kills during a push
# P is the last pull cache, fully synced. Each round imports 2,000 new records
# (one import: all unsynced), then syncs under kills until a run completes.
P=${caches[-1]}
est=1500 kills=0 tries=0 r=0 rounds=()
new_push_round() {
	r=$((r + 1))
	sc gen-export 2000 $((100 + r)) "Push $r " "$T/push$r.json"
	nr "$P" import "$T/push$r.json"
	[ "$RC" = 0 ] || not_ok "push round $r: noron import of 2,000 records"
	rounds+=("$T/push$r.json")
}
new_push_round
unsynced_is "$P" 2000 "push: the 2,000 imported records are unsynced"
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 4)) ]; do
	tries=$((tries + 1))
	kill_run "$P" "$est"
	case $KILL_RC in
	137)
		kills=$((kills + 1))
		integrity_after_kill "push kill $kills (round $r after $KILL_MS ms)" "$T/$P.db"
		;;
	0)
		echo "# push round $r: a sync completed in $RUN_MS ms before the kill at $KILL_MS ms"
		[ "$RUN_MS" -lt "$est" ] && [ "$RUN_MS" -gt 100 ] && est=$RUN_MS
		new_push_round
		;;
	*)
		LAST="noron($P) sync (to be killed)" RC=$KILL_RC OUT=$T/kill.out ERR=$T/kill.err \
			not_ok "push: the sync exited $KILL_RC on its own (0, or killed, expected)"
		;;
	esac
done
check "push: $KILLS kills landed during a sync ($kills in $tries runs, $r rounds of 2,000)" test "$kills" -ge "$KILLS"

nr "$P" sync
expect_rc 0 "push: the final uninterrupted sync"
unsynced_is "$P" 0 "push: nothing unsynced"
check "push: no conflict (a push stored before a kill is not a conflict)" test "$(statusv "$P" conflicts)" = 0
check "push: $P equals the endpoint (ids and fields, each id once)" \
	sc same-endpoint "$T/$P.db" "$DB" "$SEED_JSON"
check "push: every imported record is on the endpoint, unchanged" sc ep-contains "$DB" "${rounds[@]}"
check "push: every imported record is still in $P, unchanged" sc contains "$T/$P.db" "${rounds[@]}"
no_duplicates "$P" "push: $P holds no record twice"
integrity_ok "$P"

finish
