#!/bin/bash
# Guards FreeMind and Freeplane mind maps both ways (noron import FILE.mm,
# noron export --format mm): the charter's map imported into the seeded
# cache finds the seed's areas by title and stores the node IDs; a second
# import changes nothing; a renamed and a moved node update their areas; the
# cache's areas the map lacks are counted and left alone; notes come in as
# plain text; a Freeplane map (found by its first element, not its name)
# and CDATA and entities are read; broken files, entity bombs and external
# entities are refused naming the line, and nothing is imported. The export,
# read back with python's xml.etree, holds the tree of `list area --json`,
# each library's standing and priorities, and hostile text as valid XML;
# imported into an empty cache it gives the same tree. noron does this
# itself, without noron-io.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

# The tree of a cache, one line per area in listing order: its depth in
# spaces, title, " | " and description (newlines as \n).
tree_of()
{
	"$NORON" "$@" list area --json </dev/null | python3 -c '
import json, sys
recs = json.load(sys.stdin)["records"]
by_id = {r["_id"]: r for r in recs}
def depth(r):
    return 0 if r.get("parent") not in by_id else 1 + depth(by_id[r["parent"]])
for r in recs:
    print("  " * depth(r) + r["title"] + " | " + r.get("description", "").replace("\n", "\\n"))'
}

# The tree of a map file the same way, read by xml.etree: its root node's
# children are the areas.
tree_of_map()
{
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
def note(node):
    rc = node.find("richcontent[@TYPE='NOTE']")
    if rc is None:
        return ""
    return "\\n".join(" ".join("".join(p.itertext()).split()) for p in rc.iter("p"))
def walk(node, depth):
    for child in node.findall("node"):
        print("  " * depth + child.get("TEXT") + " | " + note(child))
        walk(child, depth + 1)
walk(ET.parse(sys.argv[1]).getroot().find("node"), 0)
EOF
}

records()
{
	"$NORON" "$@" status --json </dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["records"])'
}

run init
expect_rc 0
run add area title="Only in this cache" parent=metadata
expect_rc 0
LOCAL=$(cat "$OUT")

# --- the charter's map into the seeded cache ---------------------------------------

cat >"$T/charter.mm" <<'EOF'
<map version="1.0.1">
<!-- To view this file, download free mind mapping software FreeMind from http://freemind.sourceforge.net -->
<node CREATED="1300442400000" ID="ID_1723255651" MODIFIED="1300442400000" TEXT="NORON coordination">
<node CREATED="1300442400000" ID="ID_digitization" POSITION="right" TEXT="Digitization">
<node ID="ID_av" TEXT="Audiovisual digitization"/>
</node>
<node ID="ID_deposit" POSITION="left" TEXT="digital deposit">
<node ID="ID_dld" TEXT="DIGITAL LEGAL DEPOSIT"/>
</node>
<node ID="ID_preservation" POSITION="right" TEXT="Digital preservation">
<richcontent TYPE="NOTE"><html>
  <head>
    <style type="text/css">p { margin-top: 0 }</style>
  </head>
  <body>
    <p>
      Bit-level &amp; logical
      preservation
    </p>
    <p>
    </p>
    <p>
      Storage on &lt;tape&gt; &#8211; &#xC6;&#xD8;&#xC5;
    </p>
  </body>
</html>
</richcontent>
<node ID="ID_repo" TEXT="Repository technology"/>
<node ID="ID_storage" TEXT="Storage"/>
</node>
<node ID="ID_infra" POSITION="left" TEXT="Infrastructure">
<node ID="ID_ti" TEXT="Technical infrastructure"/>
</node>
<node ID="ID_meta" POSITION="right" TEXT="Metadata"/>
<node ID="ID_org" POSITION="left" TEXT="Organization">
<node ID="ID_cat" TEXT="Catalogue of skills"/>
<node ID="ID_exchange" TEXT="Staff exchange"/>
<node ID="ID_sharing" TEXT="Sharing work"/>
<node ID="ID_workshops" TEXT="Workshops"/>
</node>
<node ID="ID_web" POSITION="right" TEXT="Web access">
<node ID="ID_harvesting" TEXT="Web harvesting"/>
<node ID="ID_mobile" TEXT="Mobile platforms"/>
</node>
<node ID="ID_funds" POSITION="left" TEXT="Nordic funds">
<node ID="ID_nordic" TEXT="Þjóðarbókhlaðan &amp; Æbeltoft, Øresund, Åland, Äänekoski, Örebro"/>
</node>
</node>
</map>
EOF

run import "$T/charter.mm"
expect_rc 0
expect_out "imported $T/charter.mm: 2 added, 18 updated, 0 unchanged; 1 area of the cache is not in the map (left as it is)"
expect_err_lines 0
run list area --json
expect_json "len(d['records']) == 21" "18 seed areas, 1 of this cache, 2 new: none doubled"
expect_json "{r['_id']: r.get('map_id') for r in d['records']}['area:storage'] == 'ID_storage'" \
	"the seed's Storage is the node ID_storage"
expect_json "[r['title'] for r in d['records'] if r['_id'] == 'area:digital-deposit'] == ['digital deposit']" \
	"matched whatever the case; the map's title is taken"
expect_json "[r['description'] for r in d['records'] if r['_id'] == 'area:digital-preservation'] == ['Bit-level & logical preservation\n\nStorage on <tape> – ÆØÅ']" \
	"the note as plain text: tags gone, paragraphs as lines, entities decoded"
expect_json "'map_id' not in [r for r in d['records'] if r['_id'] == '$LOCAL'][0]" \
	"the area only in this cache is left alone"
expect_json "[r for r in d['records'] if r['title'].startswith('Þjóðarbókhlaðan')][0]['title'] == 'Þjóðarbókhlaðan & Æbeltoft, Øresund, Åland, Äänekoski, Örebro'" \
	"Nordic letters come in as they are"
expect_json "(lambda by: by['Þjóðarbókhlaðan & Æbeltoft, Øresund, Åland, Äänekoski, Örebro']['parent'] == by['Nordic funds']['_id'] and 'parent' not in by['Nordic funds'])({r['title']: r for r in d['records']})" \
	"new nodes under their parents; the root is no area"
expect_json "[r['position'] for r in d['records'] if r['_id'] == 'area:web-access'] == [7]" \
	"node order is position"

snapshot
run import "$T/charter.mm"
expect_rc 0
expect_out "0 added, 0 updated, 20 unchanged; 1 area of the cache is not in the map"
expect_unchanged

# A node renamed and one moved to another parent, in a map another program wrote.
python3 - "$T/charter.mm" "$T/charter2.mm" <<'EOF'
import sys, xml.etree.ElementTree as ET
tree = ET.parse(sys.argv[1])
nodes = {n.get("ID"): n for n in tree.iter("node")}
parents = {c: p for p in tree.iter("node") for c in p.findall("node")}
nodes["ID_harvesting"].set("TEXT", "Web harvesting and archiving")
mobile = nodes["ID_mobile"]
parents[mobile].remove(mobile)
nodes["ID_infra"].append(mobile)
tree.write(sys.argv[2], encoding="utf-8")
EOF
run import "$T/charter2.mm"
expect_rc 0
expect_out "0 added, 2 updated, 18 unchanged; 1 area of the cache is not in the map"
run list area --json
expect_json "len(d['records']) == 21" "still 21 areas: updated, not doubled"
expect_json "[r['title'] for r in d['records'] if r['_id'] == 'area:web-harvesting'] == ['Web harvesting and archiving']" \
	"the renamed node renamed its area"
expect_json "[(r['parent'], r['position']) for r in d['records'] if r['_id'] == 'area:mobile-platforms'] == [('area:infrastructure', 2)]" \
	"the moved node moved its area"
run undo
expect_rc 0
expect_out "undid 2 changes"
run show area:mobile-platforms --json
expect_subset '{"parent": "area:web-access", "position": 2}' "one undo takes the whole import back"
run import "$T/charter2.mm"
expect_rc 0

# --- Freeplane, found by its first element; CDATA and entities --------------------------

printf '\xEF\xBB\xBF' >"$T/freeplane-map.xml"
cat >>"$T/freeplane-map.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<map version="freeplane 1.9.13">
<!--To view this file, download free mind mapping software Freeplane from https://www.freeplane.org -->
<node TEXT="Freeplane root" LOCALIZED_STYLE_REF="AutomaticLayout.level.root" FOLDED="false" ID="ID_1090958577" CREATED="1617700000000" MODIFIED="1617700000000">
<hook NAME="MapStyle">
    <properties edgeColorConfiguration="#808080ff,#ff0000ff" show_note_icons="true" fit_to_viewport="false"/>
<map_styles>
<stylenode LOCALIZED_TEXT="styles.root_node" STYLE="oval" UNIFORM_SHAPE="true">
<stylenode LOCALIZED_TEXT="styles.predefined" POSITION="bottom_or_right" STYLE="bubble">
<stylenode LOCALIZED_TEXT="default" ID="ID_271890427" ICON_SIZE="12 pt" COLOR="#000000" STYLE="fork">
<font NAME="SansSerif" SIZE="10" BOLD="false" ITALIC="false"/>
<richcontent CONTENT-TYPE="plain/auto" TYPE="DETAILS"/>
<richcontent TYPE="NOTE" CONTENT-TYPE="plain/auto"/>
</stylenode>
</stylenode>
</stylenode>
</map_styles>
</hook>
<node TEXT="Emulation&#xa;services" POSITION="bottom_or_right" ID="ID_1448456088" CREATED="1617700000001" MODIFIED="1617700000002">
<icon BUILTIN="yes"/>
<attribute NAME="kb-dk" VALUE="advanced"/>
<richcontent TYPE="NOTE" CONTENT-TYPE="plain/">
    <text>First line&#xd;
Second line</text>
</richcontent>
<node TEXT="Tom &amp; Jerry &#198;&#xF8; &lt;3 &quot;q&quot;" ID="ID_640206453">
<richcontent TYPE="DETAILS" CONTENT-TYPE="xml/">
<html>
  <head>

  </head>
  <body>
    <p>
      <![CDATA[a <b> & c]]>
    </p>
  </body>
</html>
</richcontent>
</node>
</node>
</node>
</map>
EOF
run import "$T/freeplane-map.xml"
expect_rc 0
expect_out "2 added, 0 updated, 0 unchanged; 21 areas of the cache are not in the map"
run list area --json
expect_json "[(r.get('parent'), r['description']) for r in d['records'] if r['title'] == 'Emulation services'] == [(None, 'First line\nSecond line')]" \
	"a Freeplane node: newline in TEXT as a space, its plain-text note"
expect_json "[r['description'] for r in d['records'] if r['title'] == 'Tom & Jerry Æø <3 \"q\"'] == ['a <b> & c']" \
	"entities and CDATA decoded"
expect_json "not [r for r in d['records'] if r['title'] in ('default', 'Freeplane root')]" \
	"neither the styles nor the root are areas"

# --- refused: broken, bombs, external entities; nothing imported --------------------------

# refused FILE TEXT: import FILE is refused with TEXT, and changes nothing.
refused()
{
	local before
	before=$(records)
	snapshot
	run import "$1"
	expect_refused 1 "$2"
	expect_unchanged
	check "$(basename "$1"): as many records as before" test "$(records)" = "$before"
}

cat >"$T/broken.mm" <<'EOF'
<map version="1.0.1">
<node TEXT="NORON">
<node TEXT="Good node first" ID="ID_good"/>
<node TEXT="Unclosed" ID="ID_bad">
</map>
EOF
refused "$T/broken.mm" "broken.mm: line 5: mismatched tag"

printf '<map>\n<node TEXT="a & b"/>\n</map>\n' >"$T/amp.mm"
refused "$T/amp.mm" "amp.mm: line 2: not well-formed (invalid token)"

cat >"$T/laughs.mm" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE map [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<map version="1.0.1"><node TEXT="R"><node TEXT="&lol9;"/></node></map>
EOF
refused "$T/laughs.mm" "laughs.mm: line 2: a DOCTYPE with declarations"
START=$(date +%s%N)
run import "$T/laughs.mm"
check "the entity bomb is refused at once (under 2 s)" test $(($(date +%s%N) - START)) -lt 2000000000

cat >"$T/xxe.mm" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE map [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<map version="1.0.1"><node TEXT="R"><node TEXT="&xxe;"><richcontent TYPE="NOTE"><html><body><p>&xxe;</p></body></html></richcontent></node></node></map>
EOF
refused "$T/xxe.mm" "xxe.mm: line 2: a DOCTYPE"
cat >"$T/dtd.mm" <<'EOF'
<!DOCTYPE map SYSTEM "file:///etc/passwd">
<map version="1.0.1"><node TEXT="R"><node TEXT="&xxe;"/></node></map>
EOF
refused "$T/dtd.mm" "dtd.mm: line 1: a DOCTYPE"
printf '<map version="1.0.1"><node TEXT="R">\n<node TEXT="&xxe;"/></node></map>\n' >"$T/undeclared.mm"
refused "$T/undeclared.mm" "undeclared.mm: line 2: undefined entity"
run export
check "nothing of /etc/passwd got into the cache" eval '! grep -q "root:" "$OUT"'

printf '<html><body><p>not a map</p></body></html>\n' >"$T/page.mm"
refused "$T/page.mm" "page.mm: line 1: not a FreeMind or Freeplane map: it begins with <html>"

# --- export ------------------------------------------------------------------------

run add standing area=storage institution=kb-se level=operational priority=yes
expect_rc 0
run add standing area=storage institution=kb-dk level=started
expect_rc 0
run add standing area=web-access institution=nb-no priority=yes
expect_rc 0
run add standing area=metadata institution=lbs-is level=advanced priority=yes
expect_rc 0
run add standing area=metadata institution=nl-fi level=planned
expect_rc 0
run add area title='</node><node TEXT="x"> & "quotes" '\''too'\'' <b>' parent=storage \
	description=$'Line <one> & "two"\n\n]]> third'
expect_rc 0
HOSTILE=$(cat "$OUT")
# Control characters the command line refuses, as a damaged record could hold them.
python3 - "$NORON_DB" "$HOSTILE" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE docs SET body = json_set(body, '$.title', json_extract(body, '$.title')"
           " || char(1) || char(27) || '[31m' || char(133) || ' end') WHERE id = ?", (sys.argv[2],))
db.commit()
EOF

run export --format mm -o "$T/export.mm"
expect_rc 0
expect_out_empty
expect_err_lines 0
run list area --json
cp "$OUT" "$T/areas.json"
run list standing --json
cp "$OUT" "$T/standings.json"

check_export()
{
	python3 - "$T/export.mm" "$T/areas.json" "$T/standings.json" "$HOSTILE" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
areas = json.load(open(sys.argv[2], encoding="utf-8"))["records"]
standings = json.load(open(sys.argv[3], encoding="utf-8"))["records"]
bad = []
if root.tag != "map" or root.get("version") != "1.0.1":
    bad.append("not <map version=\"1.0.1\">")
top = root.findall("node")
if len(top) != 1 or top[0].get("TEXT") != "NORON IT cooperation":
    bad.append("not one root node named NORON IT cooperation")
parent_of, order, nodes = {}, [], {}
def walk(node, parent):
    for child in node.findall("node"):
        parent_of[child] = parent
        order.append(child)
        walk(child, child)
walk(top[0], None)
by_id = {a["_id"]: a for a in areas}
ids = [n.get("ID") for n in order + top]
if len(set(ids)) != len(ids) or not all(i and i.replace("_", "a").replace("-", "a").replace(".", "a").isalnum() and i.isascii() for i in ids):
    bad.append("IDs are not unique XML names: %r" % ids)
if len(order) != len(areas):
    bad.append("%d nodes for %d areas" % (len(order), len(areas)))
want_levels, want_prio = {}, {}
for s in standings:
    code = s["institution"].split(":", 1)[1]
    if "level" in s:
        want_levels.setdefault(s["area"], {})[code] = s["level"]
    if s.get("priority"):
        want_prio.setdefault(s["area"], []).append(code)
for node, area in zip(order, areas):
    title = area["title"]
    if area["_id"] == sys.argv[4]:
        title = title.replace("\x01", "").replace("\x1b", "").replace("\x85", "")
    if node.get("TEXT") != title:
        bad.append("node %r where area %r is" % (node.get("TEXT"), title))
        continue
    up = parent_of[node]
    want_up = by_id[area["parent"]]["title"] if "parent" in area else None
    if (up.get("TEXT") if up is not None else None) != want_up:
        bad.append("%r is under %r, not %r" % (title, up is not None and up.get("TEXT"), want_up))
    levels = {a.get("NAME"): a.get("VALUE") for a in node.findall("attribute") if a.get("NAME") != "priority"}
    if levels != want_levels.get(area["_id"], {}):
        bad.append("%r: attributes %r, standings %r" % (title, levels, want_levels.get(area["_id"], {})))
    prio = [a.get("VALUE") for a in node.findall("attribute") if a.get("NAME") == "priority"]
    icons = [i.get("BUILTIN") for i in node.findall("icon")]
    want = want_prio.get(area["_id"])
    if (prio, icons) != (([", ".join(sorted(want))], ["messagebox_warning"]) if want else ([], [])):
        bad.append("%r: priority %r and icons %r, want %r" % (title, prio, icons, want))
    note = node.find("richcontent[@TYPE='NOTE']")
    paras = ["".join(p.itertext()).strip() for p in note.iter("p")] if note is not None else []
    if "\n".join(paras) != area.get("description", ""):
        bad.append("%r: note %r, description %r" % (title, paras, area.get("description")))
for line in bad:
    print("#   " + line)
sys.exit(1 if bad else 0)
EOF
}
check "export read by xml.etree: every area once, the tree, standings, priorities, notes" check_export
check "the hostile title is markup in no way" grep -qF 'TEXT="&lt;/node&gt;&lt;node TEXT=&quot;x&quot;&gt; &amp; &quot;quotes&quot;' "$T/export.mm"
check "no control character is written" eval '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$T/export.mm")'
check "the map is ASCII (others as character references, as FreeMind writes)" \
	eval '! LC_ALL=C grep -q "[^[:print:]]" <(tr -d "\n" <"$T/export.mm")'

run export --format mm
expect_rc 0
check "to standard output too" cmp -s "$OUT" "$T/export.mm"
run export --format freemind
expect_refused 2 "unknown format 'freemind' (formats: json, ics, mm)"

# --- round trip into an empty cache ----------------------------------------------------

run --db "$T/fresh.db" init --empty
expect_rc 0
AREAS=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["records"]))' "$T/areas.json")
run --db "$T/fresh.db" import "$T/export.mm"
expect_rc 0
expect_out "$AREAS added, 0 updated, 0 unchanged; 0 areas of the cache are not in the map"
tree_of >"$T/tree.before"
tree_of --db "$T/fresh.db" >"$T/tree.after"
tree_of_map "$T/export.mm" >"$T/tree.map"
check "the export imported into an empty cache gives the same tree" \
	eval 'diff <(sed "s/\x01\|\x1b\|\xc2\x85//g" "$T/tree.before") "$T/tree.after" >&2'
check "the map's tree is the cache's" eval 'diff "$T/tree.map" "$T/tree.after" >&2'
snapshot --db "$T/fresh.db"
run --db "$T/fresh.db" import "$T/export.mm"
expect_out "0 added, 0 updated, $AREAS unchanged"
expect_unchanged

# --- noron itself reads and writes maps (no noron-io) ----------------------------------

check "noron links expat" eval 'ldd "$NORON" | grep -q libexpat'
mkdir -p "$T/lone"
cp "$NORON" "$T/lone/noron"
NORON="$T/lone/noron" run --db "$T/lone.db" init --empty
NORON="$T/lone/noron" run --db "$T/lone.db" import "$T/charter.mm"
expect_rc 0
expect_out "20 added"
NORON="$T/lone/noron" run --db "$T/lone.db" export --format mm -o "$T/lone.mm"
expect_rc 0
check "noron without noron-io exports the map" grep -q 'TEXT="Web harvesting"' "$T/lone.mm"

finish
