#!/bin/bash
# Guards export and import: a round trip into an empty cache gives the same
# records; a second import of the same file changes nothing; export -o writes
# its file atomically; broken or wrongly typed files are refused with their
# line, record and field, all or nothing; references forward in one file are
# fine; and usage errors.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

# same_records A B: the two exports hold the same records (exported_at aside).
same_records()
{
	python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
if a["records"] == b["records"]:
    sys.exit(0)
ia = {r["_id"]: r for r in a["records"]}
ib = {r["_id"]: r for r in b["records"]}
for i in sorted(set(ia) | set(ib)):
    if ia.get(i) != ib.get(i):
        print("#   first difference: %s\n#     %s\n#     %s" % (i, ia.get(i), ib.get(i)))
        break
else:
    print("#   same records in another order")
sys.exit(1)
EOF
}

# --- a cache with a bit of everything -----------------------------------------------

run init
expect_rc 0
run add person name="Þórunn Ægisdóttir" institution=lbs-is role="Kerfisstjóri" email=thorunn@landsbokasafn.is
PERSON=$(cat "$OUT")
run add skill topic="Emulation" kind=skill person="$PERSON" institution=lbs-is area=digital-preservation exchange=yes
SKILL=$(cat "$OUT")
run add event title="Workshop" kind=workshop start=2012-05-03T10:00+02:00 areas=storage,web-harvesting
EVENT=$(cat "$OUT")
run add proposal title="Talk" votes=kb-se=1,nb-no=-1 event="$EVENT" status=scheduled
run add standing area=storage institution=lbs-is level=started priority=yes note=$'Line one\nLine two'
run add fund name="Gone" scope=x
GONE=$(cat "$OUT")
run delete "$GONE"
expect_rc 0
run set area:metadata position=10
expect_rc 0
run status --json
COUNT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$OUT")

# --- export ---------------------------------------------------------------------------

mkdir "$T/x"
run export -o "$T/x/all.json"
expect_rc 0
expect_out_empty
expect_err_lines 0
check "export -o wrote the file" test -s "$T/x/all.json"
check "export -o left nothing else beside it" test "$(ls -A "$T/x")" = all.json
cp "$T/x/all.json" "$OUT"
expect_json "d['noron'] == 'export' and d['version'] == 1 and isinstance(d['records'], list)" "the export's header"
expect_json "__import__('re').fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', d['exported_at']) is not None" \
	"exported_at a UTC date-time"
expect_json "len(d['records']) == $COUNT" "every live record ($COUNT)"
expect_json "'$GONE' not in [r['_id'] for r in d['records']]" "no tombstone"
expect_json "[r for r in d['records'] if r['_id'] == '$PERSON'][0]['name'] == 'Þórunn Ægisdóttir'" "UTF-8 text"

run export
expect_rc 0
check "export to stdout: the same records as export -o" same_records "$OUT" "$T/x/all.json"
run export --format json
expect_rc 0
check "export --format json: the same records" same_records "$OUT" "$T/x/all.json"

# Over an existing file: replaced by a rename, never written in place.
echo "old content" >"$T/x/old.json"
INODE=$(stat -c %i "$T/x/old.json")
ln "$T/x/old.json" "$T/x/old-link.json"
run export -o "$T/x/old.json"
expect_rc 0
check "export -o replaced the old file" same_records "$T/x/old.json" "$T/x/all.json"
check "export -o put a new file in place (rename), not the old one rewritten" \
	test "$(stat -c %i "$T/x/old.json")" != "$INODE"
check "a hard link to the old file still holds the old content" grep -qx "old content" "$T/x/old-link.json"
check "export -o over a file left no temp file" test "$(find "$T/x" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "all.json old-link.json old.json "

# Where it cannot write: a clear message, nothing left behind.
run export -o "$T/no-such-dir/all.json"
expect_refused 1 "$T/no-such-dir/all.json"
check "no directory made for a refused export" test ! -e "$T/no-such-dir"
run export -o "$T/x"
expect_rc 1
expect_err "$T/x"
expect_err_lines 1
check "a refused export left no temp file" test "$(find "$T/x" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "all.json old-link.json old.json "

# Never over the cache itself, however its path is spelt (each on a cache of
# its own, so that one failure does not hide the next).
i=0
for spelling in "$T/victim-0.db" "$T/./victim-1.db"; do
	V="$T/victim-$i.db"
	i=$((i + 1))
	run --db "$V" add fund name="Unsynced work"
	expect_rc 0
	snapshot --db "$V"
	run --db "$V" export -o "$spelling"
	expect_refused 1 "$spelling"
	expect_unchanged
done

run export --format xyz
expect_refused 2 "'xyz'"
run export --format
expect_refused 2 "--format"
run export -o
expect_refused 2 "-o"
run export extra
expect_refused 2 "too many arguments"

# --- round trip into an empty cache ---------------------------------------------------

B="$T/b.db"
run --db "$B" init --empty
expect_rc 0
run --db "$B" import "$T/x/all.json"
expect_rc 0
expect_out "$COUNT added, 0 updated, 0 unchanged"
expect_err_lines 0
run --db "$B" export -o "$T/b.json"
expect_rc 0
check "export, import into an empty cache, export: the same records" same_records "$T/x/all.json" "$T/b.json"
run --db "$B" show "$PERSON" --json
expect_subset '{"name": "Þórunn Ægisdóttir", "updated_by": "tester"}' "the person as exported, author kept"
run --db "$B" show "$SKILL" --json
expect_subset "{\"person\": \"$PERSON\", \"exchange\": true}" "references and yes/no kept"
run --db "$B" search Ægisdóttir
expect_out "$PERSON"
run --db "$B" list area
check "the imported areas form the same tree" grep -qE '^  Storage +area:storage' "$OUT"
run --db "$B" show "$GONE"
expect_rc 1

# The same file again: nothing changes, no history, nothing new to sync.
run --db "$B" history "$PERSON" --json
cp "$OUT" "$T/history.before"
snapshot --db "$B"
run --db "$B" import "$T/x/all.json"
expect_rc 0
expect_out "0 added, 0 updated, $COUNT unchanged"
expect_unchanged
run --db "$B" history "$PERSON" --json
check "a second import adds no history" cmp -s "$OUT" "$T/history.before"
# Back into the cache it came from: all unchanged too.
snapshot
run import "$T/x/all.json"
expect_rc 0
expect_out "0 added, 0 updated, $COUNT unchanged"
expect_unchanged

# One record changed in the file: one update, seen in history as an import.
python3 - "$T/x/all.json" "$T/one-changed.json" "$PERSON" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for r in d["records"]:
    if r["_id"] == sys.argv[3]:
        r["role"] = "Deildarstjóri"
        r["updated_at"] = "2030-01-01T00:00:00Z"
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOF
run --db "$B" import "$T/one-changed.json"
expect_rc 0
expect_out "0 added, 1 updated, $((COUNT - 1)) unchanged"
run --db "$B" show "$PERSON" --json
expect_subset '{"role": "Deildarstjóri"}' "the updated field"
run --db "$B" history "$PERSON" --json
expect_json "len(d['history']) == 1 + len(json.load(open('$T/history.before'))['history'])" "one history entry more"

# --- broken files: refused, with where, and nothing imported -----------------------------

snapshot --db "$B"
import_refused()
{
	local text=$1 file=$2
	run --db "$B" import "$file"
	expect_refused 1 "$text"
	expect_err "$(basename "$file")"
	expect_unchanged
}

printf '{"noron": "export", "version": 1, "records": [\n  {"_id": "fund:a", "type": "fund", "name": "A"},\n  {"_id": "fund:b", "type": "fund", "name": "B"\n  {"_id": "fund:c", "type": "fund", "name": "C"}\n]}\n' >"$T/broken.json"
import_refused "line 4" "$T/broken.json"
head -c 300 "$T/x/all.json" >"$T/truncated.json"
import_refused "broken JSON" "$T/truncated.json"
: >"$T/empty.json"
import_refused "empty.json" "$T/empty.json"
printf '{"records": []} trailing' >"$T/trailing.json"
import_refused "trailing.json" "$T/trailing.json"
printf '{"records": [{"_id": "fund:a", "type": "fund", "name": "A\x00B"}]}' >"$T/nul.json"
import_refused "nul.json" "$T/nul.json"

# Wrongly typed JSON: named by record and field.
printf '{"records": [\n {"_id": "fund:ok", "type": "fund", "name": "Fine"},\n {"_id": "fund:num", "type": "fund", "name": "N", "deadline": 20120101}\n]}\n' >"$T/num-date.json"
import_refused "record 2" "$T/num-date.json"
expect_err "'deadline'"
printf '{"records": [{"_id": "project:s", "type": "project", "title": "T", "status": "idea", "help_wanted": "yes"}]}' >"$T/str-bool.json"
import_refused "'help_wanted'" "$T/str-bool.json"
printf '{"records": [{"_id": "area:n", "type": "area", "title": "T", "position": "3"}]}' >"$T/str-int.json"
import_refused "'position'" "$T/str-int.json"
printf '{"records": [{"_id": "project:l", "type": "project", "title": "T", "status": "idea", "areas": "area:storage"}]}' >"$T/str-list.json"
import_refused "'areas'" "$T/str-list.json"
printf '{"records": [{"_id": "fund:ok", "type": "fund", "name": "Fine"}, 42]}' >"$T/not-object.json"
import_refused "record 2" "$T/not-object.json"
printf '{"records": ["fund:a"]}' >"$T/string-record.json"
import_refused "record 1" "$T/string-record.json"
printf '{"noron": "export", "version": 1}' >"$T/no-records.json"
import_refused "records" "$T/no-records.json"
printf '{"records": {"fund:a": {"type": "fund"}}}' >"$T/records-object.json"
import_refused "records" "$T/records-object.json"
printf '{"records": [{"_id": "widget:a", "type": "widget", "name": "W"}]}' >"$T/bad-type.json"
import_refused "widget" "$T/bad-type.json"
printf '{"records": [{"_id": "fund:a", "type": "fund", "name": "A", "colour": "red"}]}' >"$T/bad-field.json"
import_refused "'colour'" "$T/bad-field.json"
printf '{"records": [{"type": "fund", "name": "A"}]}' >"$T/no-id.json"
import_refused "_id" "$T/no-id.json"
printf '{"records": [{"_id": "area:x", "type": "fund", "name": "A"}]}' >"$T/id-type.json"
import_refused "area:x" "$T/id-type.json"
printf '{"records": [\n {"_id": "fund:twice", "type": "fund", "name": "One"},\n {"_id": "fund:other", "type": "fund", "name": "Other"},\n {"_id": "fund:twice", "type": "fund", "name": "Two"}\n]}\n' >"$T/twice.json"
import_refused "fund:twice appears twice in the file" "$T/twice.json"
expect_err "record 3"
expect_err "also record 1"
printf '{"records": [{"_id": "fund:a", "type": "fund"}]}' >"$T/no-name.json"
import_refused "'name'" "$T/no-name.json"
printf '{"records": [{"_id": "fund:a", "type": "fund", "name": "A", "deadline": "2011-02-30"}]}' >"$T/bad-date.json"
import_refused "2011-02-30" "$T/bad-date.json"
printf '{"records": [{"_id": "event:a", "type": "event", "title": "A", "kind": "meeting", "start": "2012-01-02", "end": "2012-01-01"}]}' >"$T/end-start.json"
import_refused "'end'" "$T/end-start.json"
printf '{"records": [{"_id": "standing:storage:kb-se", "type": "standing", "area": "area:metadata", "institution": "institution:kb-se"}]}' >"$T/standing-id.json"
import_refused "standing:metadata:kb-se" "$T/standing-id.json"
printf '{"records": [{"_id": "person:a", "type": "person", "name": "A", "institution": "institution:nowhere"}]}' >"$T/missing-ref.json"
import_refused "institution:nowhere" "$T/missing-ref.json"
expect_err "'institution'"
printf '{"records": [{"_id": "area:a", "type": "area", "title": "A", "parent": "area:b"}, {"_id": "area:b", "type": "area", "title": "B", "parent": "area:a"}]}' >"$T/loop.json"
import_refused "'parent'" "$T/loop.json"

# Many good records and one bad one at the end: nothing at all is imported.
python3 - "$T/last-bad.json" <<'EOF'
import json, sys
recs = [{"_id": "fund:bulk-%03d" % i, "type": "fund", "name": "Bulk %d" % i} for i in range(300)]
recs.append({"_id": "fund:bulk-bad", "type": "fund", "name": "Bad", "deadline": "2011-02-30"})
json.dump({"noron": "export", "version": 1, "records": recs}, open(sys.argv[1], "w"))
EOF
import_refused "record 301" "$T/last-bad.json"
run --db "$B" show fund:bulk-000
expect_rc 1

# A missing file.
import_refused "no-such-file.json" "$T/no-such-file.json"
run --db "$B" import "$T/no-such-file.json"
expect_err "No such file"
run --db "$B" import "$T"
expect_refused 1 "$T"
expect_unchanged
run --db "$B" import
expect_refused 2 "missing argument"
run --db "$B" import "$T/a.json" "$T/b.json"
expect_refused 2 "too many arguments"

# --- references forward in one file ----------------------------------------------------

C="$T/c.db"
run --db "$C" init --empty
expect_rc 0
cat >"$T/forward.json" <<'EOF'
{"noron": "export", "version": 1, "records": [
  {"_id": "skill:s1", "type": "skill", "topic": "Crawling", "kind": "skill", "person": "person:p1", "institution": "institution:i1", "area": "area:child"},
  {"_id": "person:p1", "type": "person", "name": "Pia", "institution": "institution:i1"},
  {"_id": "area:child", "type": "area", "title": "Child", "parent": "area:parent"},
  {"_id": "area:parent", "type": "area", "title": "Parent"},
  {"_id": "institution:i1", "type": "institution", "code": "i1", "name": "One", "country": "Nowhere"}
]}
EOF
run --db "$C" import "$T/forward.json"
expect_rc 0
expect_out "5 added, 0 updated, 0 unchanged"
run --db "$C" show skill:s1 --json
expect_subset '{"person": "person:p1", "institution": "institution:i1", "area": "area:child"}' "the references"
run --db "$C" list area
check "the imported tree: Child under Parent" grep -qE '^  Child +area:child' "$OUT"
run --db "$C" delete institution:i1
expect_refused 1 "institution:i1"

finish
