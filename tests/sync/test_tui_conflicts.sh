#!/bin/bash
# Guards the keys of the Conflicts screen (C) on real conflicts: A and B
# change the title and description of four areas differently, and B's sync
# leaves four conflicts. Enter shows the record as merged so far in its
# pane (the conflict stays); m keeps mine; f asks field by field (mine for
# the first field, theirs for the second here); E edits the record in
# $EDITOR (a script) and settles with what it saved; t takes theirs. S then
# sends every resolution, and A receives them: both caches and the endpoint
# agree.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/endpoint.sh"
command -v tmux >/dev/null || { echo "SKIP: tmux is missing"; exit 77; }
NORON=${NORON:-/tmp/bsync/noron}
T=$(mktemp -d "${TMPDIR:-/tmp}/noron-tuiconflicts.XXXXXX")
SOCK="$T/sock"
cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null; endpoint_stop; rm -rf "$T"; }
trap cleanup EXIT
. "$here/tmux.sh"
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
keys() { tmux -S "$SOCK" send-keys -t t "$@"; }
# field CACHE ID NAME: the field of the record in cache A or B, as text.
field() {
	local cli=$A
	[ "$1" = B ] && cli=$B
	$cli show "$2" --json | "$SYNC_PYTHON" -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$3"
}
# ep_field ID NAME: the same on the endpoint.
ep_field() {
	curl -s --noproxy '*' "$DB/$1" | "$SYNC_PYTHON" -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]))' "$2"
}
conflicts() { $B status --json | "$SYNC_PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["conflicts"])'; }

endpoint_start
DB=$(endpoint_db noron) || { echo "Bail out! cannot create the database"; exit 99; }
printf 'url = %s\ninstitution = kb-se\n' "$DB" >"$T/config-a"
printf 'url = %s\ninstitution = nb-no\n' "$DB" >"$T/config-b"
A="env NORON_CONFIG=$T/config-a $NORON --db $T/a.db"
B="env NORON_CONFIG=$T/config-b $NORON --db $T/b.db"
check "A syncs" $A sync
check "B syncs" $B sync
AREAS="area:digitization area:metadata area:storage area:web-harvesting"
for id in $AREAS; do
	$A set "$id" title="$id at A" description="text of $id at A" >/dev/null
	$B set "$id" title="$id at B" description="text of $id at B" >/dev/null
done
check "A sends its changes" $A sync
$B sync >/dev/null 2>&1
rc=$?
check "B's sync leaves conflicts (exit 3, got $rc)" test "$rc" = 3
check "four of them" test "$(conflicts)" = 4

cat >"$T/ed.sh" <<'EOF'
#!/bin/sh
# The editor for E: the title changes, the rest stays.
sed -i 's/^title: .*/title: Storage, merged in the editor/' "$1"
EOF
chmod +x "$T/ed.sh"
tmux -S "$SOCK" -f /dev/null new-session -d -s t -x 110 -y 34 \
	"env -i PATH=$PATH HOME=$T TERM=xterm-256color LANG=C.UTF-8 EDITOR=$T/ed.sh NORON_CONFIG=$T/config-b $NORON --db $T/b.db"
check_screen "4 conflicts" "the status line counts four conflicts"

# Enter: the record in its pane, as merged so far (mine where they conflict).
keys C
check_screen "conflict  area:digitization" "C lists the conflicts, the first selected"
check_screen "Enter open" "the keys are on the status line, Enter among them"
keys Enter
check_screen "area:digitization at B" "Enter closes the screen and shows the record with mine"
if screen | grep -qF "Conflicts and refused edits"; then
	not_ok "Enter leaves the Conflicts screen"
else
	ok "Enter leaves the Conflicts screen"
fi
check "Enter settles nothing: still four conflicts" test "$(conflicts)" = 4

# m: keep mine.
keys C
check_screen "conflict  area:digitization" "C again"
keys m
check_screen "area:digitization: kept mine" "m keeps mine"
check "m: the record holds B's title and description" \
	test "$(field B area:digitization title)/$(field B area:digitization description)" = \
	"area:digitization at B/text of area:digitization at B"

# f: field by field; the first field asked keeps mine, the second takes theirs.
check_screen "conflict  area:metadata" "the next conflict is selected"
keys f
check_screen "mine:   " "f asks for the first field"
first=$(screen | grep -o '─ \(title\|description\) ' | head -1 | tr -d '─ ')
keys Enter
check_screen "theirs: " "then for the second field"
keys j Enter
check_screen "area:metadata: merged field by field" "f settles the conflict"
if [ "$first" = title ]; then
	want="area:metadata at B/text of area:metadata at A"
else
	want="area:metadata at A/text of area:metadata at B"
fi
check "f: $first is mine, the other field theirs" \
	test "$(field B area:metadata title)/$(field B area:metadata description)" = "$want"

# E: the record in the editor; what it saves settles the conflict.
check_screen "conflict  area:storage" "the storage conflict is selected"
keys E
check_screen "area:storage: edited" "E runs the editor and settles with what it saved"
check "E: the editor's title, mine for the rest" \
	test "$(field B area:storage title)/$(field B area:storage description)" = \
	"Storage, merged in the editor/text of area:storage at B"

# t: take theirs, for the last one.
keys t
check_screen "area:web-harvesting: took theirs" "t takes theirs"
check_screen "nothing to resolve" "no conflict is left"
check "no conflict in the cache" test "$(conflicts)" = 0

keys q
check_screen "1 Areas" "q closes the screen"
keys S
check_screen "synced:" "S sends the resolutions" 60
keys q
sleep 0.3
check "A pulls them" $A sync
for id in $AREAS; do
	for f in title description; do
		a=$(field A "$id" "$f") b=$(field B "$id" "$f") e=$(ep_field "$id" "$f")
		check "$id $f agrees in A, B and on the endpoint ($b)" test "$a" = "$b" -a "$b" = "$e"
	done
done
check "the endpoint has the editor's title" test "$(ep_field area:storage title)" = "Storage, merged in the editor"
check "... and A's text of web-harvesting, taken by B" \
	test "$(ep_field area:web-harvesting description)" = "text of area:web-harvesting at A"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
