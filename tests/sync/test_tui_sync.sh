#!/bin/bash
# Guards the full-screen interface's sync: S runs it in a child process, so
# keys are answered while a slow endpoint answers a byte at a time; the
# status line shows it running and then its result; the lists show what the
# sync brought. With auto_sync, rounds start by themselves.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/endpoint.sh"
. "$here/proxy.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux is missing"; exit 77; }
NORON=${NORON:-/tmp/bsync/noron}
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-tuisync.XXXXXX")
SOCK="$T/sock"
cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null; proxy_stop; endpoint_stop; rm -rf "$T"; }
trap cleanup EXIT
. "$here/tmux.sh"

endpoint_start
DB=$(endpoint_db noron)
# Cache A puts a record on the endpoint for B's sync to bring in.
printf 'url = %s\n' "$DB" >"$T/config-a"
NORON_CONFIG="$T/config-a" "$NORON" --db "$T/a.db" add project title="Shared web archive index" \
	status=ongoing >/dev/null
NORON_CONFIG="$T/config-a" "$NORON" --db "$T/a.db" sync >/dev/null 2>&1 \
	&& ok "cache A synced a new project" || not_ok "cache A synced a new project"

# B reaches the endpoint through a proxy that sends _changes a byte at a time.
proxy_start "$ENDPOINT_URL" "slow-body _changes 1"
printf 'url = %s/noron\ninstitution = kb-se\n' "$PROXY_URL" >"$T/config-b"
tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 NORON_CONFIG=$T/config-b $NORON --db $T/b.db"
check_screen "1 Areas" "the interface opens"
check_screen " not connected yet  0 unsynced  never synced" "before a sync: not connected yet"
tmux -S "$SOCK" send-keys -t t S
check_screen "sync started" "S starts a sync and says so on the status line" 5
# While the slow answer trickles in, keys are answered at once.
tmux -S "$SOCK" send-keys -t t 6
if wait_for "Kungliga biblioteket" 3 && screen | grep -qF "syncing"; then
	ok "keys are answered while the sync runs (pane 6 drawn, still syncing)"
else
	not_ok "keys are answered while the sync runs"
	screen | sed 's/^/#   /'
fi
tmux -S "$SOCK" send-keys -t t 3
check_screen "3 Projects" "another pane switch while syncing" 3
check_screen "synced:" "the result shows on the status line" 120
check_screen "Shared web archive index" "the list shows what the sync brought" 5
tmux -S "$SOCK" send-keys -t t C-l
check_screen " online  0 unsynced  synced " "then the status line says online and when it synced" 5
if [ "$(tmux -S "$SOCK" display -p -t t '#{pane_dead}')" = 0 ]; then
	ok "the interface is still running"
else
	not_ok "the interface is still running"
fi
# A failing endpoint: one clear line, and the interface stays.
proxy_mode 500
tmux -S "$SOCK" send-keys -t t S
check_screen "sync failed" "a failed sync is reported on the status line" 60
tmux -S "$SOCK" send-keys -t t C-l
check_screen " offline  0 unsynced  synced " "then it says offline, with the last good sync" 5
tmux -S "$SOCK" send-keys -t t q
tmux -S "$SOCK" kill-server 2>/dev/null

# The Conflicts screen: A and B change one field differently; B's sync
# leaves a conflict that C shows with base, mine and theirs, and t settles.
proxy_mode pass
A="env NORON_CONFIG=$T/config-a $NORON --db $T/a.db"
printf 'url = %s\n' "$DB" >"$T/config-b2"
B="env NORON_CONFIG=$T/config-b2 $NORON --db $T/b.db"
$B sync >/dev/null 2>&1
$A set area:storage title="Storage at A" >/dev/null
$B set area:storage title="Storage at B" >/dev/null
$A sync >/dev/null 2>&1
$B sync >/dev/null 2>&1
[ $? -eq 3 ] && ok "B's sync leaves a conflict (exit 3)" || not_ok "B's sync leaves a conflict (exit 3)"
tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 NORON_CONFIG=$T/config-b2 $NORON --db $T/b.db"
check_screen "1 conflict" "the status line counts the conflict"
tmux -S "$SOCK" send-keys -t t C
check_screen "conflict  area:storage" "C lists the conflict"
check_screen "mine   Storage at B" "C shows mine"
check_screen "theirs Storage at A" "C shows theirs"
check_screen "base   Storage" "C shows the base"
tmux -S "$SOCK" send-keys -t t t
check_screen "took theirs" "t takes theirs"
check_screen "nothing to resolve" "the conflict is gone from the list"
tmux -S "$SOCK" send-keys -t t q
if $B show area:storage | grep -q "Storage at A"; then
	ok "the cache holds theirs"
else
	not_ok "the cache holds theirs"
fi
tmux -S "$SOCK" send-keys -t t q
sleep 0.3
tmux -S "$SOCK" kill-server 2>/dev/null

# auto_sync: rounds start by themselves every auto_sync seconds, and what
# they bring shows without a key pressed (other than choosing the pane).
printf 'url = %s/noron\ninstitution = kb-se\nauto_sync = 2\n' "$PROXY_URL" >"$T/config-c"
rounds() { grep -c 'GET /noron/_local/' "$PROXY_LOG"; }
before=$(rounds)
tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 100 -y 30 \
	"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 NORON_CONFIG=$T/config-c $NORON --db $T/c.db"
check_screen "1 Areas" "auto_sync: the interface opens"
check_screen "synced:" "auto_sync: a round starts when the interface opens, with no S" 30
tmux -S "$SOCK" send-keys -t t 3
$A add project title="Arrived by itself" status=idea >/dev/null
$A sync >/dev/null 2>&1
check_screen "Arrived by itself" "auto_sync: a project added elsewhere shows by itself" 30
n=$(( $(rounds) - before ))
if [ "$n" -ge 2 ]; then
	ok "auto_sync: rounds keep starting by themselves ($n so far)"
else
	not_ok "auto_sync: rounds keep starting by themselves (only $n)"
fi
tmux -S "$SOCK" send-keys -t t q
sleep 0.3
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
