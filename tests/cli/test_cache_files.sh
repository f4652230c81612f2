#!/bin/bash
# Guards the files noron reads and writes: where the cache is (--db,
# $NORON_DB, the XDG default, made with its directories); refusing without
# touching them a file that is not a cache, another program's SQLite database
# and a cache of a newer schema; a cache locked by another process; paths that
# cannot be written; the config file (mode of a file holding a password,
# unknown keys); and the cache's WAL mode and integrity after a run of edits.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

# no_side_files PATH: no -wal, -shm or -journal file beside PATH.
no_side_files()
{
	test ! -e "$1-wal" && test ! -e "$1-shm" && test ! -e "$1-journal"
}

# --- where the cache is ----------------------------------------------------------------

run --db "$T/deep/er/cache.db" status
expect_rc 0
expect_out "$T/deep/er/cache.db"
check "--db: the cache made with its directories" test -s "$T/deep/er/cache.db"
check "--db: \$NORON_DB not touched" test ! -e "$NORON_DB"
run --db="$T/eq.db" status --json
expect_rc 0
expect_json "d['cache'] == '$T/eq.db' and d['records'] > 0" "--db=PATH: a seeded cache there"

run status --json
expect_rc 0
expect_json "d['cache'] == '$NORON_DB'" "\$NORON_DB"
check "\$NORON_DB: the cache made" test -s "$NORON_DB"

# In a subshell, so that the environment changes stay there; its results are
# counted into ours below.
(
	cd "$T" || exit 1
	unset NORON_DB
	export XDG_DATA_HOME="$T/xdg-data"
	run status --json
	expect_rc 0
	expect_json "d['cache'] == '$T/xdg-data/noron/cache.db'" "\$XDG_DATA_HOME/noron/cache.db by default"
	check "the XDG default made with its directories" test -s "$T/xdg-data/noron/cache.db"
	NORON_DB='' run status --json
	expect_json "d['cache'] == '$T/xdg-data/noron/cache.db'" "an empty \$NORON_DB is unset"
	XDG_DATA_HOME='' run status --json
	expect_json "d['cache'] == '$HOME/.local/share/noron/cache.db'" "HOME/.local/share without \$XDG_DATA_HOME"
	check "HOME/.local/share/noron/cache.db made" test -s "$HOME/.local/share/noron/cache.db"
	XDG_DATA_HOME=relative/dir run status --json
	expect_json "d['cache'] == '$HOME/.local/share/noron/cache.db'" "a relative \$XDG_DATA_HOME is ignored"
	check "no cache under a relative XDG_DATA_HOME" test ! -e "$T/relative"
) >"$T/sub.log"
cat "$T/sub.log"
PASSED=$((PASSED + $(grep -c '^ok - ' "$T/sub.log")))
FAILED=$((FAILED + $(grep -c '^not ok - ' "$T/sub.log")))
check "the XDG assertions ran" test "$(grep -c "ok - " "$T/sub.log")" -ge 8

# An empty path is no path (SQLite would open a throwaway database).
run --db "" status
expect_refused 2 "--db"
run --db= add fund name="Into thin air"
expect_refused 2 "--db"

run --db "$T/over.db" add fund name="In over.db"
expect_rc 0
run --db "$T/over.db" list fund
expect_out "In over.db"
run list fund
expect_out_not "In over.db"

# --- a file that is not a cache -----------------------------------------------------------

printf 'Dear diary,\nthis is not a database.\n' >"$T/diary.txt"
cp "$T/diary.txt" "$T/diary.orig"
for args in "status" "list area" "add fund name=x" "export"; do
	# shellcheck disable=SC2086 # the words of args are the arguments
	run --db "$T/diary.txt" $args
	expect_refused 1 "not a noron cache"
	expect_err "$T/diary.txt"
	check "the text file is unchanged" cmp -s "$T/diary.txt" "$T/diary.orig"
	check "no WAL files beside the text file" no_side_files "$T/diary.txt"
done
run --db "$T/diary.txt" init
expect_refused 1 "already exists"
check "init did not overwrite the text file" cmp -s "$T/diary.txt" "$T/diary.orig"
head -c 8192 /dev/urandom >"$T/noise.bin"
cp "$T/noise.bin" "$T/noise.orig"
run --db "$T/noise.bin" status
expect_refused 1 "not a noron cache"
check "the binary file is unchanged" cmp -s "$T/noise.bin" "$T/noise.orig"

# --- another program's SQLite database -------------------------------------------------------

python3 - "$T/other.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE recipes(name TEXT, minutes INTEGER)")
db.execute("INSERT INTO recipes VALUES ('pancakes', 20)")
db.commit()
EOF
cp "$T/other.db" "$T/other.orig"
for args in "status" "add fund name=x"; do
	# shellcheck disable=SC2086
	run --db "$T/other.db" $args
	expect_refused 1 "not a noron cache"
	expect_err "$T/other.db"
done
check "the other program's database: the same bytes" cmp -s "$T/other.db" "$T/other.orig"
check "the other program's database: no WAL files left" no_side_files "$T/other.db"
check "the other program's database: still in its own journal mode, its table alone" \
	python3 - "$T/other.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
mode = db.execute("PRAGMA journal_mode").fetchone()[0]
tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
ok = mode == "delete" and tables == ["recipes"]
if not ok:
    print("#   journal_mode %s, tables %s" % (mode, tables))
sys.exit(0 if ok else 1)
EOF

# --- a cache of a newer schema ----------------------------------------------------------------

run --db "$T/newer.db" init
expect_rc 0
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA user_version = 99"); db.commit()' "$T/newer.db"
cp "$T/newer.db" "$T/newer.orig"
for args in "status" "list area" "add fund name=x" "import $T/other.db"; do
	# shellcheck disable=SC2086
	run --db "$T/newer.db" $args
	expect_refused 1 "99"
	expect_err "newer"
done
check "the newer cache: the same bytes" cmp -s "$T/newer.db" "$T/newer.orig"

# --- a cache locked by another process ------------------------------------------------------

run --db "$T/locked.db" init
expect_rc 0
run --db "$T/locked.db" status --json
cp "$OUT" "$T/locked.status"
# The holder takes the write lock, says so, and lets go when told (or after 30 s).
python3 - "$T/locked.db" "$T/lock.held" "$T/lock.release" <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
for _ in range(600):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.05)
db.execute("ROLLBACK")
db.close()
EOF
HOLDER=$!
for _ in $(seq 100); do
	[ -e "$T/lock.held" ] && break
	sleep 0.05
done
check "another process holds the cache's write lock" test -e "$T/lock.held"
START=$(date +%s%N)
NORON_BUSY_TIMEOUT=300 run --db "$T/locked.db" add fund name="While locked"
END=$(date +%s%N)
expect_refused 1 "locked"
expect_err "$T/locked.db"
MS=$(((END - START) / 1000000))
check "it waited NORON_BUSY_TIMEOUT=300 ms, not much more (${MS} ms)" test "$MS" -ge 250 -a "$MS" -lt 3000
NORON_BUSY_TIMEOUT=300 run --db "$T/locked.db" set fund:nordic-funds scope=x
expect_refused 1 "locked"
# Readers are not held up by a writer (WAL).
NORON_BUSY_TIMEOUT=300 run --db "$T/locked.db" list institution
expect_rc 0
expect_out "institution:kb-se"
touch "$T/lock.release"
wait "$HOLDER"
check "the lock holder ended cleanly" test $? -eq 0
NORON_BUSY_TIMEOUT=300 run --db "$T/locked.db" add fund name="While locked"
expect_rc 0
run --db "$T/locked.db" list fund
expect_out "While locked"
run --db "$T/locked.db" list fund --json
expect_json "[r['name'] for r in d['records']].count('While locked') == 1" "added once, by the run after the lock"

# Writers in parallel wait for each other (the default busy timeout).
PIDS=()
for i in 1 2 3 4 5 6; do
	"$NORON" --db "$T/locked.db" add fund name="Parallel $i" >/dev/null 2>"$T/par.$i" &
	PIDS+=($!)
done
PAR_FAILED=0
for p in "${PIDS[@]}"; do
	wait "$p" || PAR_FAILED=$((PAR_FAILED + 1))
done
check "six parallel adds all succeeded" test "$PAR_FAILED" -eq 0
run --db "$T/locked.db" list fund --json
expect_json "sum(r['name'].startswith('Parallel ') for r in d['records']) == 6" "six parallel records"

# --- paths that cannot be written ------------------------------------------------------------

echo "a file" >"$T/plainfile"
run --db "$T/plainfile/cache.db" status
expect_refused 1 "$T/plainfile"
check "the message says what is wrong with the path" grep -qi "not a directory" "$ERR"
run --db "$T/plainfile/sub/cache.db" status
expect_refused 1 "$T/plainfile"
check "the message says what is wrong with the path" grep -qi "not a directory" "$ERR"
mkdir "$T/adir"
run --db "$T/adir" status
expect_refused 1 "$T/adir"
expect_err "directory"
run --db "$T/adir" init
expect_refused 1 "$T/adir"
check "the directory stayed empty" test -z "$(ls -A "$T/adir")"
# Permissions are checked as a user who does not own the directories: as
# root (which may write anywhere), the checks run as nobody with setpriv,
# with a copy of the binary that nobody may run.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "running as root without setpriv (util-linux)"
	chmod 755 "$T" && install -m 755 "$NORON" "$T/noron-copy" || exit 99
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T" "$T/noron-copy" "$@"; }
else
	as_user() { "$NORON" "$@"; }
fi
# run_as_user ARGS...: run, as that user.
run_as_user()
{
	LAST="noron (as a user without write access) $*"
	as_user "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}
mkdir -m 755 "$T/readonly"
chmod 555 "$T/readonly"
run_as_user --db "$T/readonly/cache.db" status
expect_refused 1 "$T/readonly is not writable"
check "no cache made in the read-only directory" test -z "$(ls -A "$T/readonly")"
mkdir -m 755 "$T/ro-dir"
"$NORON" --db "$T/ro-dir/cache.db" init >/dev/null </dev/null || exit 99
chmod 666 "$T/ro-dir/cache.db"
chmod 555 "$T/ro-dir"
snapshot --db "$T/ro-dir/cache.db"
for args in "status" "list fund" "add fund name=Blocked" "set fund:nordic-funds scope=x"; do
	# shellcheck disable=SC2086
	run_as_user --db "$T/ro-dir/cache.db" $args
	expect_refused 1 "$T/ro-dir is not writable"
	expect_err "journal files"
done
expect_unchanged
chmod 755 "$T/ro-dir"
chmod 644 "$T/ro-dir/cache.db"
run_as_user --db "$T/ro-dir/cache.db" add fund name=Blocked
expect_refused 1 "the file is read-only"
expect_unchanged

# --- a full disk -----------------------------------------------------------------------------
# NORON_MAX_PAGES caps the cache's size (PRAGMA max_page_count) as a full disk
# would: edits are added until one does not fit; that one is refused whole.

FULL="$T/full.db"
"$NORON" --db "$FULL" init >/dev/null </dev/null || exit 99
PAGES=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA page_count").fetchone()[0])' "$FULL")
LONG=$(printf 'Nordisk fond %.0s' $(seq 1 200))
added=0
for i in $(seq 1 60); do
	NORON_MAX_PAGES=$((PAGES + 12)) run --db "$FULL" add fund name="Full $i" scope="$LONG"
	[ "$RC" = 0 ] || break
	added=$i
done
check "some edits fitted before the cache was full ($added)" test "$added" -ge 1
check "an edit was refused when the cache was full (after $added)" test "$added" -lt 60
expect_refused 1 "is full"
expect_err "nothing was changed"
snapshot --db "$FULL"
NORON_MAX_PAGES=$((PAGES + 12)) run --db "$FULL" set fund:nordic-funds scope="$LONG $LONG $LONG $LONG"
expect_refused 1 "is full"
NORON_MAX_PAGES=$((PAGES + 12)) run --db "$FULL" list fund
expect_rc 0
expect_out "Full 1"
expect_unchanged
run --db "$FULL" list fund --json
expect_json "sorted(r['name'] for r in d['records'] if r['name'].startswith('Full ')) == sorted('Full %d' % i for i in range(1, $added + 1))" \
	"every edit that fitted is there, the refused one is not"
check "the full cache passes integrity_check" python3 -c 'import sqlite3,sys; assert sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0] == "ok"' "$FULL"
run --db "$FULL" add fund name="After the disk was freed"
expect_rc 0

# --- the config file ---------------------------------------------------------------------

CFG="$NORON_CONFIG"
printf 'user = anna\npassword = hunter2\n' >"$CFG"
chmod 644 "$CFG"
snapshot
for args in "status" "list area" "add fund name=x" "export"; do
	# shellcheck disable=SC2086
	run $args
	expect_refused 1 "chmod 600"
	expect_err "$CFG"
	expect_err_not "hunter2"
done
expect_unchanged
chmod 640 "$CFG"
run status
expect_refused 1 "chmod 600"
run --db "$T/not-made.db" status
expect_rc 1
check "no cache made while the config is refused" test ! -e "$T/not-made.db"
chmod 600 "$CFG"
run status
expect_rc 0
printf 'user = anna\npassword_command = pass show noron\n' >"$CFG"
chmod 644 "$CFG"
run status
expect_rc 0
# A password inside the url is a password in the file all the same.
printf 'url = https://anna:url-hunter2@couch.example.org/noron\n' >"$CFG"
chmod 644 "$CFG"
run status
expect_refused 1 "chmod 600"
expect_err "holds a password but others can read it"
expect_err "$CFG"
expect_err_not "url-hunter2"
chmod 604 "$CFG"
run list area
expect_refused 1 "chmod 600"
chmod 600 "$CFG"
run status
expect_rc 0
printf 'url = https://anna@couch.example.org/noron\n' >"$CFG"
chmod 644 "$CFG"
run status
expect_rc 0

printf '# noron config\nuser = anna\n\ncolour = blue\ninstitution = kb-se\n' >"$CFG"
run status
expect_refused 1 "line 4"
expect_err "'colour'"
expect_err "$CFG"
printf 'user = anna\nthis line has no equals sign\n' >"$CFG"
run list area
expect_refused 1 "line 2"
printf 'allow_http = maybe\n' >"$CFG"
run status
expect_refused 1 "allow_http"
printf 'auto_sync = often\n' >"$CFG"
run status
expect_refused 1 "auto_sync"
printf '  # only comments\n\n   user   =   spaced   \n' >"$CFG"
run status
expect_rc 0
rm -f "$CFG"
mkdir "$CFG"
run status
expect_refused 1 "$CFG"
rmdir "$CFG"
run status
expect_rc 0

# --- WAL mode and integrity after a run of edits -------------------------------------------

W="$T/wal.db"
run --db "$W" init
expect_rc 0
for i in $(seq 1 10); do
	run --db "$W" add fund name="Fund $i" scope="Scope $i"
done
run --db "$W" set area:storage title="Storage and backup"
run --db "$W" add area title="Cold storage" parent=storage
AREA=$(cat "$OUT")
run --db "$W" delete "$AREA"
run --db "$W" undo
run --db "$W" undo
run --db "$W" export -o "$T/wal.json"
run --db "$W" import "$T/wal.json"
expect_rc 0
check "the cache is in WAL mode, whole, and its references hold" python3 - "$W" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
mode = db.execute("PRAGMA journal_mode").fetchone()[0]
integrity = db.execute("PRAGMA integrity_check").fetchall()
fk = db.execute("PRAGMA foreign_key_check").fetchall()
version = db.execute("PRAGMA user_version").fetchone()[0]
ok = mode == "wal" and integrity == [("ok",)] and fk == [] and version >= 1
if not ok:
    print("#   journal_mode %s, integrity %s, foreign keys %s, user_version %s"
          % (mode, integrity[:3], fk[:3], version))
sys.exit(0 if ok else 1)
EOF
check "the full-text index agrees with the records" python3 - "$W" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
try:
    db.execute("INSERT INTO search(search) VALUES('integrity-check')")
except sqlite3.DatabaseError as e:
    print("#   %s" % e)
    sys.exit(1)
EOF
run --db "$W" status --json
expect_json "d['records'] > 40 and d['unsynced'] >= 11" "the edits counted"

finish
