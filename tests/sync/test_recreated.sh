#!/usr/bin/env bash
# tests/sync/test_recreated.sh: the endpoint's database is deleted and created
# again (a reset, a restore from nothing). A cache that synced before finds
# its _local checkpoint gone, pulls from the start and pushes everything
# again, tombstones included, so that a cache that syncs afterwards receives
# all of it; a second cache that also re-pushes the same records makes no
# conflict. A database put back from a backup is found by the checkpoint
# each cache wrote last (its mark and revision): the edits the backup lacks
# are sent again, and nothing else. A database that is missing altogether
# is said so clearly, and sync --create makes it.
# Exit 0 all passed, 1 something failed, 77 skipped (no node/PouchDB Server,
# python3 or curl).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
cache_new A
cache_new B

synced() {
	nr "$1" sync "${@:3}"
	expect_rc "${2:-0}" "sync of $1${3:+ $3}"
}
recreate() {
	local d p
	d=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X DELETE "$DB")
	p=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT "$DB")
	check "the endpoint's database is deleted ($d) and created again ($p), empty" \
		eval "test '$d $p' = '200 201' && test \"\$(curl -s --noproxy '*' '$DB' | sc get doc_count)\" = 0"
}

# ------------------------------------------------------------------ before
synced A
nr A add person name="Recreated Person" institution=kb-se
PA=$(tr -d '\n' <"$OUT")
nr A add project title="Before the reset" status=ongoing areas=storage institutions=kb-se,nb-no
PJ=$(tr -d '\n' <"$OUT")
nr A set area:storage title="Storage, before the reset"
nr A delete event:2011-copenhagen
synced A
synced B
fieldis "before: B has A's person" '"Recreated Person"' "$PA" name B
converged "before the reset" A B
# checkpoint_there NAME: NAME's checkpoint document is on the endpoint.
checkpoint_there() {
	curl -sf --noproxy '*' -o /dev/null \
		"$DB/_local/noron-$(sc sql "$T/$1.db" "select value from meta where key = 'uuid'")"
}
check "before: A's checkpoint is on the endpoint" checkpoint_there A

# ------------------------------------------------------------------ the reset
recreate
nr A set area:metadata title="Metadata, after the reset"
synced A 0 "--progress"
check "A's sync after the reset pushed its records again (progress: $(tail -n 1 "$OUT"))" \
	eval "tail -n 1 '$OUT' | awk '\$1 == \"done\" && \$3 >= 5 { ok = 1 } END { exit !ok }'"
same_as_endpoint A "after the reset: A's records (not only its latest edit) are on the endpoint"
fieldis "after the reset: A's edit made after it is on the endpoint" '"Metadata, after the reset"' \
	area:metadata title @
check "after the reset: A's delete is on the endpoint again as a tombstone" sc ep-deleted "$DB" event:2011-copenhagen
synced A 0 "--progress"
check "A's next sync changes nothing (progress: $(tail -n 1 "$OUT"))" grep -qx 'done 0 0 0 0' "$OUT"
check "A's checkpoint is on the new database" checkpoint_there A

# B synced before the reset too: it re-pushes the same records, with no conflict.
synced B 0
check "B: no conflict from records both caches pushed again" test "$(statusv B conflicts)" = 0
cache_new C
synced C
fieldis "a new cache C receives A's person" '"Recreated Person"' "$PA" name C
fieldis "C receives A's project" '["area:storage"]' "$PJ" areas C
fieldis "C receives A's edit of a seed record" '"Storage, before the reset"' area:storage title C
fieldis "C receives A's delete of a seed record" DELETED event:2011-copenhagen title C
synced A
converged "after the reset" A B C

# ------------------------------------------------------------------ reset again, B first, both edited
recreate
nr A set "$PA" role="Role set by A after the second reset"
nr B set "$PJ" status=completed
synced B 0
synced A 0
synced B
fieldis "second reset: A's edit reached B and the endpoint" '"Role set by A after the second reset"' \
	"$PA" role B @
fieldis "second reset: B's edit reached A and the endpoint" '"completed"' "$PJ" status A @
check "second reset: no conflicts" test "$(statusv A conflicts)/$(statusv B conflicts)" = 0/0
synced C
converged "after the second reset" A B C

# ------------------------------------------------------------------ put back from a backup
# A backup is taken (every document at its revision, and the caches'
# checkpoint documents), A edits, adds and deletes and syncs, B pulls all
# of it; then the backup is put back over the database. A finds its
# checkpoint is not the one it wrote last and sends again exactly what the
# backup lacks; B and C find theirs changed too and pull everything again.
uuid_of() { sc sql "$T/$1.db" "select value from meta where key = 'uuid'"; }
locals_of() { local n; for n in "$@"; do printf 'noron-%s\n' "$(uuid_of "$n")"; done; }
BAK=$ENDPOINT_URL/noron_backup
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT "$BAK")
check "backup: a database for the backup is made ($code)" test "$code" = 201
# shellcheck disable=SC2046 # one _local document name per cache
check "backup: the database is copied, checkpoints included" \
	sc copy-db "$DB" "$BAK" $(locals_of A B C)
nr A add person name="Added after the backup" institution=kb-se
PB=$(tr -d '\n' <"$OUT")
nr A set area:storage title="Storage, after the backup"
nr A set "$PA" role="Role set after the backup"
nr A delete "$PJ"
synced A
synced B
fieldis "backup: B has A's edits made after the backup" '"Role set after the backup"' "$PA" role B @
recreate
# shellcheck disable=SC2046
check "backup: the backup is put back over the database" sc copy-db "$BAK" "$DB" $(locals_of A B C)
fieldis "backup: the database put back lacks A's new person" MISSING "$PB" name @
fieldis "backup: ... has A's project again" '"completed"' "$PJ" status @
# On a terminal, as a person runs it: the summary says what happened.
NORON_CONFIG="$T/A.cfg" script -qec "$NORON --db $T/A.db sync" /dev/null >"$T/tty.out" 2>&1 </dev/null
check "backup: A sends again exactly the 4 edits the backup lacks, and says why ($(tr -d '\r' <"$T/tty.out" | tail -n 1))" \
	grep -q "synced: [0-9]* pulled, 4 pushed, .*the endpoint's database was put back from a backup" "$T/tty.out"
fieldis "backup: A's person added after the backup is on the endpoint again" \
	'"Added after the backup"' "$PB" name A @
fieldis "backup: A's edit of a seed record made after the backup is back" \
	'"Storage, after the backup"' area:storage title A @
fieldis "backup: A's edit of its own record made after the backup is back" \
	'"Role set after the backup"' "$PA" role A @
check "backup: A's delete made after the backup is back, as a tombstone" sc ep-deleted "$DB" "$PJ"
check "backup: no conflict in A" test "$(statusv A conflicts)" = 0
synced A 0 --progress
check "backup: A's next sync changes nothing (progress: $(tail -n 1 "$OUT"))" grep -qx 'done 0 0 0 0' "$OUT"
nr A sync --progress
check "backup: ... and the one after it neither: no reset twice" grep -qx 'done 0 0 0 0' "$OUT"
synced B
synced C
check "backup: no conflict in B or C" test "$(statusv B conflicts)/$(statusv C conflicts)" = 0/0
fieldis "backup: C has A's edits made after the backup" '"Role set after the backup"' "$PA" role C
converged "after the backup was put back" A B C

# A checkpoint written whose answer never came (the round was killed after
# the endpoint stored it) is still this cache's, and so is the one before
# it when the round was killed before sending: no reset either way.
nr A set area:metadata title="Metadata, before a lost answer"
synced A 0 --progress
check "killed: a round that writes a new checkpoint pushed the edit" \
	eval "tail -n 1 '$OUT' | awk '\$1 == \"done\" && \$3 == 1 { ok = 1 } END { exit !ok }'"
"$SYNC_PYTHON" - "$T/A.db" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
# as if the answer to the last checkpoint never arrived: its mark is still
# the one being written, the one before it the last known
c.execute("UPDATE sync_state SET mark_next = mark, mark = 'f00d', mark_rev = '0-999'")
c.commit()
PYEOF
synced A 0 --progress
check "killed after the checkpoint was sent: no reset (progress: $(tail -n 1 "$OUT"))" \
	grep -qx 'done 0 0 0 0' "$OUT"
check "killed after: the checkpoint being written counts as the last one now" \
	test "$(sc sql "$T/A.db" "select mark_next is null and mark <> 'f00d' and mark_rev <> '0-999' from sync_state")" = 1
"$SYNC_PYTHON" - "$T/A.db" <<'PYEOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
# as if killed before the checkpoint was sent: a new mark being written
c.execute("UPDATE sync_state SET mark_next = 'beef'")
c.commit()
PYEOF
synced A 0 --progress
check "killed before the checkpoint was sent: no reset (progress: $(tail -n 1 "$OUT"))" \
	grep -qx 'done 0 0 0 0' "$OUT"

# ------------------------------------------------------------------ the database is gone
curl -s --noproxy '*' -o /dev/null -X DELETE "$DB"
nr A set area:storage title="Storage, while the database is missing"
nr A sync
expect_one_line_error "$DBNAME" "does not exist"
check "missing database: the message suggests sync --create" grep -q -- '--create' "$ERR"
check "missing database: the edit is kept and unsynced" \
	sc kept "$T/A.db" area:storage title "Storage, while the database is missing" 1
# PouchDB Server 4.2.0 itself crashes when a non-admin user PUTs a database
# (express-pouchdb routes/db.js: db.info is not a function), so A creates it
# anonymously, as the admin party's admin, and then goes on with its user.
cp "$T/A.cfg" "$T/A.cfg.user"
cfg_write A "url = $DB" "institution = kb-se"
synced A 0 --create
mv -f "$T/A.cfg.user" "$T/A.cfg"
check "sync --create made the database" curl -sf --noproxy '*' -o /dev/null "$DB"
same_as_endpoint A "after --create: A's records are on the new database"
synced B
synced C
converged "after --create" A B C
integrity_ok A
integrity_ok B
integrity_ok C

finish
