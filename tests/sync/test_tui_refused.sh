#!/bin/bash
# Guards the Conflicts screen (C) on edits the endpoint refused: each is
# listed with the endpoint's reason; t discards one (a record the endpoint
# never had goes from the cache), m sends one again at the next sync, where
# the endpoint's validation refuses it once more, which S says on the
# status line as an error, as it says conflicts; noron sync exits 3 and
# says so in one line while a refused edit waits.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/endpoint.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux is missing"; exit 77; }
NORON=${NORON:-/tmp/bsync/noron}
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-tuirefused.XXXXXX")
SOCK="$T/sock"
cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null; endpoint_stop; rm -rf "$T"; }
trap cleanup EXIT
. "$here/tmux.sh"
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# error_colour TEXT: the screen line holding TEXT is drawn on red (SGR 41).
error_colour() {
	tmux -S "$SOCK" capture-pane -p -e -t t | grep -F -- "$1" |
		grep -qE $'\e\\[([0-9]*;)*41(;[0-9]*)*m'
}
rejected() { $A status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rejected"])'; }

endpoint_start
printf 'url = %s/noron\ninstitution = kb-se\n' "$ENDPOINT_URL" >"$T/config"
A="env NORON_CONFIG=$T/config $NORON --db $T/a.db"
check "the endpoint is set up with noron's validation" $A endpoint setup
check "the seeded cache syncs" $A sync

# Two records written into the cache's table, past noron's own validation.
python3 -S - "$T/a.db" <<'PYEOF'
import json, sqlite3, sys
now = "2030-01-01T00:00:00Z"
c = sqlite3.connect(sys.argv[1], timeout=30)
for d in ({"_id": "event:bad-start", "type": "event", "title": "A number for a date",
           "kind": "meeting", "start": 20300101},
          {"_id": "person:no-institution", "type": "person", "name": "No institution"}):
    d.update(created_at=now, updated_at=now, updated_by="bypass@kb-se")
    c.execute("INSERT INTO docs(id, type, body, dirty, updated_at) VALUES(?, ?, ?, 1, ?)",
              (d["_id"], d["type"], json.dumps(d), now))
c.commit()
PYEOF
$A sync >/dev/null 2>"$T/sync.err"
rc=$?
check "the sync leaves two refused edits" test "$(rejected)" = 2
check "... and exits 3: something waits for a person (got $rc)" test "$rc" = 3
check "... saying so in one line, as cron would mail it: $(cat "$T/sync.err")" \
	grep -qx 'noron: synced, but the endpoint refused 2 edits: noron status shows them' "$T/sync.err"

tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 NORON_CONFIG=$T/config $NORON --db $T/a.db"
check_screen "1 Areas" "the interface opens"
tmux -S "$SOCK" send-keys -t t C
check_screen "event:bad-start" "C lists the refused event"
check_screen "person:no-institution" "and the refused person"
check_screen "must be date" "with the endpoint's reason"
check_screen "t discard" "the keys for a refused edit are on the status line"
tmux -S "$SOCK" send-keys -t t t
check_screen "refused edit discarded" "t discards the selected refused edit"
first=$(screen | grep -o '[a-z]*:[a-z-]*: refused edit discarded' | cut -d: -f1,2)
case $first in
event:bad-start) other=person:no-institution ;;
person:no-institution) other=event:bad-start ;;
*) other= ;;
esac
check "the status line names the discarded record ($first)" test -n "$other"
tmux -S "$SOCK" send-keys -t t m
check_screen "goes up again at the next sync" "m sends the other one again"
check "no refused edit is left until the next sync" test "$(rejected)" = 0
tmux -S "$SOCK" send-keys -t t q
check_screen "1 Areas" "q closes the Conflicts screen"
tmux -S "$SOCK" send-keys -t t S
check_screen "edits refused by the endpoint (C)" "S: the endpoint refuses it again, said on the status line"
check "... as an error, as conflicts are (white on red)" error_colour "edits refused by the endpoint"
check "the sync from S refused it once more" test "$(rejected)" = 1
tmux -S "$SOCK" send-keys -t t j
check_screen "1 refused" "after the next key the status line counts the refused edit"
tmux -S "$SOCK" send-keys -t t q
sleep 0.3
check "the discarded record, which the endpoint never had, is deleted in the cache" \
	bash -c "$A show '$first' | head -1 | grep -q '(.*, deleted)'"
check "the one sent again is still in the cache" bash -c "$A show '$other' >/dev/null"
$A sync >/dev/null 2>&1
rc=$?
check "a sync from the command line exits 3 while it waits (got $rc)" test "$rc" = 3

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
