#!/usr/bin/env bash
# tests/sync/test_push_cut_off.sh: a sync cut off (kill -9, a power cut)
# after the endpoint stored its push but before the cache noted the new
# revision, then edited again: the next sync knows the endpoint's version as
# the cache's own edit and sends the new one, with no conflict. (The torture
# test found this: the cache's own earlier edit came back as "theirs" and met
# its later edit as a conflict, or a delete as "edit vs delete".) The cut-off
# state is made exactly: a copy of the cache taken before the push is put
# back after it. A real conflict (another cache's edit) stays one.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
sync_init
sync_endpoint noron
cache_new A
cache_new B

# copy NAME SUFFIX / restore NAME SUFFIX: the cache as SQLite's backup sees it.
copy() { "$SYNC_PYTHON" -S -c 'import sqlite3, sys
s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
	"$T/$1.db" "$T/$1.$2"; }
restore() { rm -f "$T/$1.db-wal" "$T/$1.db-shm"; cp "$T/$1.$2" "$T/$1.db"; }

nr A add project title="Cut-off push" status=idea funding="first"
P=$(head -n 1 "$OUT")
nr A add fund name="Cut-off delete" scope="kept"
F=$(head -n 1 "$OUT")
nr A sync
expect_rc 0 "A syncs its project and fund"

# The edit is pushed, and the cache forgets it was: as after a kill.
nr A set "$P" funding="second"
nr A set "$F" scope="changed"
copy A before-push
nr A sync
expect_rc 0 "A pushes the edits"
fieldis "the endpoint holds the pushed funding" '"second"' "$P" funding @
restore A before-push
unsynced_is A 2 "A, put back as before the push, still has 2 unsynced edits"

nr A set "$P" funding="third"
nr A delete "$F"
nr A sync
expect_rc 0 "the next sync after more edits: no conflict (exit 0)"
check "no conflict is left" test "$(statusv A conflicts)" = 0
fieldis "the later edit is on the endpoint and in A" '"third"' "$P" funding A @
check "the delete reached the endpoint" sc ep-deleted "$DB" "$F"

# The same with a pull first: B's edit of another record brings the
# project's pushed revision back to A in _changes before A pushes.
nr A set "$P" funding="fourth"
copy A before-push2
nr A sync
restore A before-push2
nr A set "$P" contact="Anna"
nr B sync
nr B add fund name="B's fund" scope="b"
nr B sync
nr A sync
expect_rc 0 "a pull that brings back A's own pushed edit: no conflict (exit 0)"
fieldis "A's later edit and the pushed one are both on the endpoint" '"fourth"' "$P" funding A @
fieldis "A's contact is on the endpoint" '"Anna"' "$P" contact A @

# A new record's first push, cut off, then an edit.
nr A add fund name="Cut-off new" scope="one"
N=$(head -n 1 "$OUT")
copy A before-push3
nr A sync
restore A before-push3
nr A set "$N" scope="two"
nr A sync
expect_rc 0 "a new record pushed by a cut-off sync, then edited: no conflict (exit 0)"
fieldis "its edit is on the endpoint" '"two"' "$N" scope A @

# Another cache pulls the cut-off push, adds a vote of its own and pushes;
# A changes the pushed field again: its own value comes back inside B's
# revision, and A's later edit stands, with B's vote.
nr A add proposal title="Cut-off vote" status=new format="talk"
V=$(head -n 1 "$OUT")
nr A sync
nr A set "$V" format="workshop"
copy A before-push4
nr A sync
restore A before-push4
nr B sync
nr B triage "$V" vote +1
expect_rc 0 "B votes on A's proposal"
nr B sync
nr A set "$V" format="hackathon"
nr A sync
expect_rc 0 "A's own pushed value back inside B's revision: no conflict (exit 0)"
fieldis "A's later value is on the endpoint and in A" '"hackathon"' "$V" format A @
check "B's vote is on the endpoint" sh -c 'test "$1" != MISSING && test "$1" != "{}" && test "$1" != null' \
	sh "$(ep_fieldv "$V" votes)"

# A real conflict is still one: B changes the funding A changes too.
nr B sync
nr B set "$P" funding="B's value"
nr B sync
nr A set "$P" funding="A's value"
nr A sync
expect_rc 3 "an edit of another cache on the same field is still a conflict (exit 3)"
nr A resolve "$P" mine
nr A sync
nr B sync
converged "after resolving" A B
integrity_ok A
finish
