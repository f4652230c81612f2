#!/bin/bash
# Guards text beyond ASCII: Icelandic names survive add, list, show, show --json,
# export and import byte for byte; search ignores case and accents; list keeps
# its columns aligned with wide, combining and truncated text; escape
# sequences are refused on import; and control characters that reach the cache
# behind noron's back are never written raw to the terminal.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

LBS="Landsbókasafn Íslands – Háskólabókasafn"
THORUNN="Þórunn Ægisdóttir"

run init
expect_rc 0
run add institution code=lbs-test name="$LBS" country="Ísland" city="Reykjavík"
expect_rc 0
INST=$(cat "$OUT")
run add person name="$THORUNN" institution="$INST" role="Kerfisstjóri" email=thorunn@landsbokasafn.is
expect_rc 0
PERSON=$(cat "$OUT")

# --- byte for byte --------------------------------------------------------------------

run list institution
expect_out "$LBS"
expect_out "Reykjavík"
run list person
expect_out "$THORUNN"
expect_out "Kerfisstjóri"
run show "$PERSON"
expect_out "$THORUNN"
check "show: the institution's name as its label" grep -qF "$LBS" "$OUT"
run show "$INST"
expect_out "$LBS"
run show "$INST" --json
expect_out "\"$LBS\""
expect_json "d['name'] == '$LBS' and d['country'] == 'Ísland'" "the name decoded"
run show "$PERSON" --json
expect_out "\"$THORUNN\""
run export -o "$T/export.json"
expect_rc 0
check "export: the names as UTF-8, not escaped" grep -qF "\"name\":\"$THORUNN\"" "$T/export.json"
check "export: the institution's name as UTF-8" grep -qF "\"name\":\"$LBS\"" "$T/export.json"

run --db "$T/b.db" init --empty
run --db "$T/b.db" import "$T/export.json"
expect_rc 0
run --db "$T/b.db" show "$PERSON" --json
expect_out "\"$THORUNN\""
expect_json "d['name'] == '$THORUNN' and d['role'] == 'Kerfisstjóri'" "the imported person"
run --db "$T/b.db" list institution
expect_out "$LBS"
run --db "$T/b.db" export -o "$T/export-b.json"
check "the export of the imported cache: the same bytes, exported_at aside" \
	cmp -s <(grep -v exported_at "$T/export.json") <(grep -v exported_at "$T/export-b.json")

# A set of the same text is no change; a set of other UTF-8 text is stored as given.
run set "$PERSON" role="Deildarstjóri á Íslandi"
expect_rc 0
run show "$PERSON" --json
expect_json "d['role'] == 'Deildarstjóri á Íslandi'" "the new role"

# --- search: case and accents ------------------------------------------------------------

for q in "ÆGIS" "ægis" "ægisdóttir" "ÆGISDÓTTIR" "þórunn" "ÞÓRUNN" "Þórunn Ægisdóttir" "ægisdottir" "thorunn@landsbokasafn.is"; do
	run search "$q"
	expect_rc 0
	expect_out "$PERSON"
done
for q in "landsbokasafn" "LANDSBOKASAFN" "haskolabokasafn" "islands" "Landsbókasafn" "reykjavik"; do
	run search "$q"
	expect_rc 0
	expect_out "$INST"
done
run search "landsbokasafn" --json
expect_json "'$INST' in [r['_id'] for r in d['results']]" "found without its accents"
run list person --filter "ÞÓRUNN"
expect_out "$PERSON"
run list institution --filter "haskolabokasafn"
expect_out "$INST"

# --- aligned columns ---------------------------------------------------------------------

# Wide (CJK, emoji), combining and long names, some cut to fit their column.
run add person name="山田 太郎" institution=nb-no role="開発者"
run add person name="日本語の名前がとても長い場合のテストです" institution="$INST" role="開発者とテスト担当のエンジニアです"
run add person name=$'e\xcc\x81motion x\xcc\x81\xcc\x81' institution=nb-no role="Combining"
run add person name="😀 emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀" institution=kb-se
run add person name="Åsa Öberg-Ångström" institution=kb-se role="Utvecklare"
expect_rc 0

# aligned FILE TYPE: the id column starts at the same display column on every
# row, the header's "id" included.
aligned()
{
	python3 - "$1" "$2" <<'EOF'
import sys, unicodedata
def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
want = width(head[:head.rindex(" id") + 1])
bad = 0
for line in lines[1:]:
    at = line.find(" " + sys.argv[2] + ":")
    got = width(line[:at + 1]) if at >= 0 else -1
    if got != want:
        print("#   id at column %d, not %d: %s" % (got, want, line))
        bad = 1
sys.exit(bad)
EOF
}

run list person
expect_rc 0
check "list person: the id column aligned on every row" aligned "$OUT" person
check "list person: a long wide name cut with an ellipsis" out_line '^日本語の名前が[^ ]*… '
check "list person: a long wide role cut with an ellipsis" out_line ' 開発者とテスト[^ ]*… '
check "list person: output is valid UTF-8 (nothing cut inside a character)" \
	python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$OUT"
run list institution
check "list institution: the id column aligned on every row" aligned "$OUT" institution
run search emoji
expect_out "😀"
run add skill topic="Långtidsbevarande – digitalt" kind=service institution="$INST" area=storage
run list skill
check "list skill: aligned with an en dash and a long institution name" aligned "$OUT" skill

# --- escape sequences arriving through import ---------------------------------------------

snapshot
esc_import()
{
	local name=$1 json=$2 field=$3
	printf '{"records": [%s]}\n' "$json" >"$T/$name.json"
	run import "$T/$name.json"
	expect_refused 1 "'$field'"
	check "the refusal does not echo the control character" \
		test "$(tr -d '\n' <"$ERR" | LC_ALL=C grep -c $'[\x01-\x1f\x7f]')" -eq 0
	expect_unchanged
}
esc_import esc-name '{"_id": "fund:esc", "type": "fund", "name": "Red \u001b[31m fund"}' name
esc_import esc-osc '{"_id": "fund:osc", "type": "fund", "name": "x", "note": "\u001b]0;pwned\u0007"}' note
esc_import bell '{"_id": "person:bell", "type": "person", "name": "Bell \u0007", "institution": "institution:kb-se"}' name
esc_import c1-csi '{"_id": "fund:c1", "type": "fund", "name": "C1 \u009b31m"}' name
esc_import del '{"_id": "fund:del", "type": "fund", "name": "Del \u007f"}' name
esc_import newline '{"_id": "fund:nl", "type": "fund", "name": "Two\nlines"}' name
esc_import nul '{"_id": "fund:nul", "type": "fund", "name": "Nul \u0000 byte"}' name
# Not even JSON: a lone surrogate is no character.
printf '{"records": [{"_id": "fund:sur", "type": "fund", "name": "Lone \\ud800 surrogate"}]}\n' >"$T/surrogate.json"
run import "$T/surrogate.json"
expect_refused 1 "line 1"
expect_unchanged
esc_import seed-edit '{"_id": "institution:kb-se", "type": "institution", "code": "kb-se", "name": "Kungliga \u001b[2J biblioteket", "country": "Sweden"}' name

# --- control characters in the cache never reach the terminal raw --------------------------

# Written behind noron's back, as a damaged or hostile cache might hold them.
python3 - "$NORON_DB" "$INST" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = {
    sys.argv[2]: ("$.name", "Lands\x1b[31mbókasafn\x07 \x7f \u009b2J –\x1b]0;pwned\x07"),
    "area:storage": ("$.title", "Stor\x1b[2Jage\nsecond line"),
    "fund:nordic-funds": ("$.note", "Note \x1b[5m blink \x08\x08 back\r over"),
}
for id, (path, text) in bad.items():
    n = db.execute("UPDATE docs SET body = json_set(body, ?, ?) WHERE id = ?", (path, text, id)).rowcount
    assert n == 1, id
db.commit()
EOF
check "the cache was edited behind noron's back" test "$(field_of area:storage title)" = $'Stor\e[2Jage\nsecond line'

# raw_free FILE: no ESC, BEL, BS, CR, DEL nor C1 CSI (U+009B) in FILE.
raw_free()
{
	! LC_ALL=C grep -q $'[\x1b\x07\x08\r\x7f]' "$1" && ! grep -qF $'\xc2\x9b' "$1"
}
for args in "list institution" "list area" "list person" "list skill" "list fund" \
	"show $INST" "show area:storage" "show fund:nordic-funds" "show $PERSON" \
	"search storage" "search bókasafn" "history $INST" "status"; do
	# shellcheck disable=SC2086 # the words of args are the arguments
	run $args
	expect_rc 0
	check "noron $args: no raw control character on stdout" raw_free "$OUT"
	check "noron $args: nothing on stderr" test ! -s "$ERR"
done
run list institution
check "list institution: the name shown, its escape made harmless" grep -qF "[31mbókasafn" "$OUT"
check "list institution: still aligned" aligned "$OUT" institution
run list area
check "list area: still one line per area" test "$(grep -c 'area:' "$OUT")" -eq "$(($(wc -l <"$OUT") - 1))"
run show area:storage
check "show: the title's newline does not start a line of its own" test "$(grep -c '^second line' "$OUT")" -eq 0
# json_raw_free FILE: no ESC nor BEL (JSON writes them as \u001b and \u0007).
json_raw_free()
{
	! LC_ALL=C grep -q $'[\x1b\x07]' "$1"
}
for args in "show $INST --json" "list institution --json" "search bókasafn --json" "export"; do
	# shellcheck disable=SC2086
	run $args
	expect_rc 0
	check "noron $args: no raw ESC or BEL in the JSON" json_raw_free "$OUT"
	expect_json "True" "valid JSON"
done
run show "$INST" --json
expect_json "'\x1b[31m' in d['name']" "the stored text, escaped as JSON"
# An id typed with an escape sequence is not echoed raw in the refusal.
run show $'fund:\e[31mred'
expect_rc 1
check "show of an id holding ESC: the message has no raw ESC" raw_free "$ERR"
run set fund:nordic-funds $'\e[31mcolour=red'
expect_rc 1
check "set of a field name holding ESC: the message has no raw ESC" raw_free "$ERR"

finish
