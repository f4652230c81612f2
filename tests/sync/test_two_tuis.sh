#!/bin/bash
# One person, two SSH logins: two full-screen interfaces and a `noron sync`
# on one cache at once. Both stay usable while the sync writes thousands of
# records; each shows the other's edits without a key pressed (an idle screen
# looks for other writers); no "locked" reaches the user while another
# writer holds the cache for less than the busy timeout, and a lock held
# longer gives the clear message, the form kept open, and the save goes
# through once the lock is gone.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/endpoint.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux is missing"; exit 77; }
NORON=${NORON:-/tmp/bsync/noron}
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-twotuis.XXXXXX")
SOCKA="$T/sock-a" SOCKB="$T/sock-b"
HOLD_PID=
cleanup()
{
	tmux -S "$SOCKA" kill-server 2>/dev/null
	tmux -S "$SOCKB" kill-server 2>/dev/null
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
	endpoint_stop
	rm -rf "$T"
}
trap cleanup EXIT
SOCK=$SOCKA
. "$here/tmux.sh"
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
keys() { tmux -S "$SOCK" send-keys -t t "$@"; }
# on A|B: the interface the next keys and checks are for.
on() { if [ "$1" = A ]; then SOCK=$SOCKA; else SOCK=$SOCKB; fi; }
# open_tui SOCKET ENV...: an interface on the shared cache, 100x30.
open_tui()
{
	local sock=$1
	shift
	tmux -S "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 TZ=UTC USER=anna $* NORON_CONFIG=$T/config $NORON --db $T/c.db"
}
# add_project TITLE: a new project from the form of the interface in focus
# (status 'ongoing', the second choice), saved with C-s.
add_project()
{
	keys a
	wait_for "New project" 5 || return 1
	keys Enter
	keys -l "$1"
	keys Enter j Enter
	wait_for "┌─ status" 5 || return 1
	keys j j Enter C-s
}
pane_alive() { [ "$(tmux -S "$SOCK" display -p -t t '#{pane_dead}' 2>/dev/null)" = 0 ]; }

endpoint_start
DB=$(endpoint_db noron) || { echo "Bail out! cannot create the database"; exit 99; }
printf 'url = %s\ninstitution = kb-se\n' "$DB" >"$T/config"
CLI="env NORON_CONFIG=$T/config USER=anna $NORON --db $T/c.db"
check "the cache is made and synced" $CLI sync

# 3,000 projects from another library wait on the endpoint, for a sync that
# writes for a while.
python3 -S - "$T/load.json" <<'EOF' || exit 99
import json, sys
docs = [{"_id": "project:loaded-%04d" % i, "type": "project", "status": "idea",
         "title": "Delt digitalisering %04d" % i,
         "description": "Samarbeid om digitalisering mellom bibliotekene. " * 8,
         "created_at": "2030-01-01T00:00:00Z", "updated_at": "2030-01-01T00:00:00Z",
         "updated_by": "bulk@nb-no"} for i in range(3000)]
json.dump({"docs": docs}, open(sys.argv[1], "w"))
EOF
check "3,000 projects are loaded on the endpoint" \
	sh -c 'curl -sf --noproxy "*" -H "Content-Type: application/json" -X POST \
		--data-binary @"$1" "$2/_bulk_docs" | grep -q "\"ok\":true"' sh "$T/load.json" "$DB"

open_tui "$SOCKA"
open_tui "$SOCKB"
on A; check_screen "1 Areas" "interface A opens"; keys 3
check_screen "5 projects" "A shows the 5 seeded projects"
on B; check_screen "1 Areas" "interface B opens on the same cache"; keys 3
check_screen "5 projects" "B shows them too"

# An edit in A shows in B without a key pressed in B.
on A
add_project "Harvest from A"
check_screen "added project:" "A saves a new project"
on B
check_screen "Harvest from A" "B shows A's project without a key pressed" 3
check_screen "6 projects" "and counts it" 3

# A sync writes the 3,000 projects while both are used.
$CLI sync >"$T/sync.out" 2>"$T/sync.err" </dev/null &
SYNC_PID=$!
on B
add_project "Preserve from B"
check_screen "added project:" "B saves while the sync runs"
on A
check_screen "Preserve from B" "A shows B's project" 3
keys 2
check_screen "skills" "A switches panes while the sync runs" 3
keys 3
wait "$SYNC_PID"
SYNC_RC=$?
check "the sync beside the two interfaces succeeds (exit $SYNC_RC)" test "$SYNC_RC" = 0
sed -n '1,3p' "$T/sync.err" | sed 's/^/# sync: /'
for who in A B; do
	on $who
	check_screen "Delt digitalisering 0000" "$who shows the projects the sync brought" 5
	check "$who never showed a locked cache" sh -c '! tmux -S "$1" capture-pane -p -t t -S - | grep -qi "locked"' sh "$SOCK"
	check "$who is still running" pane_alive
done

# Another writer holds the cache (as a long import would) for 2.5 s: B, which
# waits up to 5 s, saves without a word about it.
hold()
{
	python3 -S -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
c.execute("COMMIT")' "$T/c.db" "$1" "$T/held" &
	HOLD_PID=$!
	local i
	for i in $(seq 1 100); do [ -e "$T/held" ] && break; sleep 0.05; done
	rm -f "$T/held"
}
on B
hold 2.5
add_project "Held a while"
check_screen "added project:" "B's save waits for a short lock and goes through" 8
check "and no 'locked' was shown" sh -c '! tmux -S "$1" capture-pane -p -t t | grep -qi "locked"' sh "$SOCK"
wait "$HOLD_PID"; HOLD_PID=

# A lock held longer than the busy timeout: one clear message, the form
# stays with what was typed, and C-s again saves once the lock is gone.
tmux -S "$SOCKA" kill-server 2>/dev/null
open_tui "$SOCKA" NORON_BUSY_TIMEOUT=1000
on A
check_screen "1 Areas" "A opens again with a busy timeout of 1 s"
keys 3
hold 5
add_project "After the lock"
check_screen "locked by another process" "a lock held past the busy timeout is named on the status line" 5
check_screen "New project" "the form stays open"
check_screen "After the lock" "with the typed title"
wait "$HOLD_PID"; HOLD_PID=
keys C-s
check_screen "added project:" "once the lock is gone, C-s saves"
check "the project is in the cache once" \
	test "$($CLI list project --filter "After the lock" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["records"]))')" = 1
check "the cache passes integrity_check" \
	python3 -S -c 'import sqlite3,sys; assert sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0] == "ok"' "$T/c.db"
keys q
on B
keys q

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
