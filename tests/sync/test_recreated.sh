#!/usr/bin/env bash
# tests/sync/test_recreated.sh: the endpoint's database is deleted and created
# again (a reset, a restore from nothing). A cache that synced before finds
# its _local checkpoint gone, pulls from the start and pushes everything
# again, tombstones included, so that a cache that syncs afterwards receives
# all of it; a second cache that also re-pushes the same records makes no
# conflict. A database that is missing altogether is said so clearly, and
# sync --create makes it.
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
