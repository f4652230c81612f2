#!/bin/bash
# The full-screen interface when the cache cannot take more: a cache that
# is full (its size capped with NORON_MAX_PAGES, as a full disk would) refuses
# a form's save with the reason on the status line, keeps the form open with
# what was typed, and the earlier edits stay; a cache in a directory the user
# cannot write is refused at start with a clear message, the terminal
# untouched.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99
"$NORON" add project title="Before the disk filled" status=ongoing >/dev/null </dev/null || exit 99
# No free page left in the file, so that a record needs new ones.
"$PYTHON" -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("VACUUM")' "$NORON_DB" || exit 99
PAGES=$("$PYTHON" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA page_count").fetchone()[0])' "$NORON_DB")
# A title longer than a page: it needs pages of its own.
TITLE="Mikrofilm i Mo i Rana $(printf 'mikrofilm %.0s' $(seq 1 500))"

# --- a full cache ------------------------------------------------------------
# Capped at the pages it has: the new record needs more.
start_noron 80 24 "NORON_MAX_PAGES=$PAGES"
keys 3
expect_screen "Before the disk filled" "Projects lists the earlier edit"
snapshot
keys a
expect_screen "New project" "a opens an empty project form"
keys Enter
type_text "$TITLE"
keys Enter j Enter
expect_screen "┌─ status" "the status popup"
keys j j Enter
keys C-s
expect_screen "is full" "the save is refused: the cache is full"
expect_screen "not saved" "the status line says it was not saved"
expect_screen "New project" "the form stays open"
expect_line_has "title *" "Mikrofilm i Mo i Rana" "with the typed title"
expect_unchanged "the refused save wrote nothing"
keys Escape
expect_screen "left the form: nothing saved" "Esc leaves the form"
alive "noron runs on after the refused save"
keys q
wait_for "noron exited with 0" || true
check "q ends noron normally after the refused save" test "$(cat "$T/rc" 2>/dev/null)" = 0
check "the cache passes integrity_check" "$PYTHON" -c 'import sqlite3,sys; assert sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0] == "ok"' "$NORON_DB"
run list project
expect_out "Before the disk filled"
expect_out_not "Mikrofilm i Mo i Rana"
stop_noron

# With room again, the same save goes through.
start_noron 80 24
keys 3 a Enter
type_text "$TITLE"
keys Enter j Enter j j Enter C-s
expect_screen "added project:" "with room again the save goes through"
stop_noron

# --- a directory the user cannot write ----------------------------------------
# As root (who may write anywhere) noron runs as nobody, from a copy nobody
# may run.
mkdir -m 755 "$T/ro"
"$NORON" --db "$T/ro/cache.db" init >/dev/null </dev/null || exit 99
chmod 666 "$T/ro/cache.db"
chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "running as root without setpriv (util-linux)"
	chmod 755 "$T" && install -m 755 "$NORON" "$T/noron-copy" || exit 99
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups %s "$@"\n' \
		"$T/noron-copy" >"$T/as-nobody"
	chmod 755 "$T/as-nobody"
	NORON_AS_USER="$T/as-nobody"
else
	NORON_AS_USER="$NORON"
fi
NORON_SAVED=$NORON
NORON=$NORON_AS_USER
START_EXPECT_EXIT=1 start_noron 80 24 "NORON_DB=$T/ro/cache.db"
NORON=$NORON_SAVED
expect_screen "[noron exited with" "in an unwritable directory noron ends at once"
check "with exit code 1 (got $(cat "$T/rc" 2>/dev/null))" test "$(cat "$T/rc" 2>/dev/null)" = 1
check "the message names the directory that is not writable" \
	sh -c '"$0" -S "$1" capture-pane -p -J | grep -qF "$2 is not writable"' "$TMUX_BIN" "$SOCK" "$T/ro"
check "the terminal modes are as before" cmp -s "$T/stty.before" "$T/stty.after"
stop_noron
chmod 755 "$T/ro"

finish
