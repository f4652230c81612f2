#!/bin/bash
# Guards noron report: the HTML page and the Markdown hold every area and
# every library and each section (the matrix, the most pressing topics,
# projects that want help, skills open to exchange, the coming events with
# yearly ones at their next occurrence, the proposals waiting with their
# votes), the date and the sync state; --institution puts that library's
# column first and adds where others could help it and it them; an unknown
# institution or format is refused in one line and writes nothing; -o
# writes the file whole or not at all. Records written by other
# institutions cannot inject markup, scripts or links into either format.

# shellcheck source=lib.sh source-path=SCRIPTDIR disable=SC2317 # (functions run by check look unreachable)
. "$(dirname "$0")/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99
printf 'institution = kb-dk\n' >"$NORON_CONFIG"

# Days from today (UTC, as TZ is), as YYYY-MM-DD.
day() { python3 -c 'import datetime, sys
print((datetime.date.today() + datetime.timedelta(days=int(sys.argv[1]))).isoformat())' "$1"; }

add() { "$NORON" add "$@" </dev/null >"$T/id" 2>"$T/add.err" || { cat "$T/add.err"; exit 99; }; cat "$T/id"; }

# kb-se is strong in storage, weak in web harvesting (where nb-no is strong
# and offers a skill); kb-dk marks storage as pressing and stands low there.
add standing area=storage institution=kb-se level=advanced >/dev/null
add standing area=storage institution=kb-dk level=planned priority=yes \
	note="Tape library to replace" >/dev/null
add standing area=web-harvesting institution=kb-se level=none priority=yes >/dev/null
add standing area=web-harvesting institution=nb-no level=operational >/dev/null
add skill topic="Heritrix crawls" kind=skill institution=nb-no area=web-harvesting \
	level=expert exchange=yes >/dev/null
add skill topic="Private skill" kind=skill institution=nl-fi exchange=no >/dev/null
add project title="Shared WARC index" status=ongoing help_wanted=yes lead=kb-se \
	institutions=kb-se,nb-no contact="anna@kb.se" start=2026-01-01 >/dev/null
add project title="Finished project" status=completed help_wanted=yes >/dev/null
add project title="Self-sufficient project" status=ongoing help_wanted=no >/dev/null
SOON=$(day 30)
add event title="Storage workshop" kind=workshop start="$SOON" location=Oslo host=nb-no \
	url=https://example.org/storage >/dev/null
add event title="Long gone meeting" kind=meeting start=2012-05-05 >/dev/null
# A yearly event that began years ago: shown once, at its next occurrence.
NEXT_YEARLY=$(day 45)
add event title="Yearly directors' meeting" kind=meeting start="2015${NEXT_YEARLY:4}" \
	repeat=yearly >/dev/null
P_NEW=$(add proposal title="Web archive QA" area=web-harvesting institution=kb-dk proposer=Anna)
"$NORON" triage "$P_NEW" vote +1 >/dev/null </dev/null || exit 99
P_DONE=$(add proposal title="Decided proposal" institution=kb-se)
"$NORON" triage "$P_DONE" accept >/dev/null </dev/null || exit 99

# Every area title, institution code and name, from the command line.
"$NORON" list area --json </dev/null >"$T/areas.json" || exit 99
"$NORON" list institution --json </dev/null >"$T/insts.json" || exit 99

# The checks, in python (standard library only), written once:
#   check.py page FILE CHECK...   an HTML report, parsed with html.parser
#   check.py md FILE              a Markdown report
# Checks of a page:
#   safe       only the report's own tags; no on* attribute; href only to
#              anchors on the page; no src; no <script>, no @import or url();
#              no control character
#   names      every area title and every institution code and name is text
#   text=S     S is in the page's text;  notext=S: it is not
#   firstcol=C the matrix's first library column is C
# A Markdown report: every row of every table has as many cells as its head
# (pipes escaped with a backslash do not count), and every area title and
# institution code and name is in it (once its escapes are read back).
# Both print why on failure.
cat >"$T/check.py" <<'EOF'
import html.parser, json, os, re, sys

ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
           "p", "nav", "a", "section", "div", "table", "thead", "tbody", "tr", "th", "td"}
mode, path, checks = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, encoding="utf-8").read()
bad = []

def names(text):
    here = os.path.dirname(os.path.abspath(__file__))  # beside areas.json, insts.json
    for a in json.load(open(os.path.join(here, "areas.json"), encoding="utf-8"))["records"]:
        if a["title"] not in text:
            bad.append("no area %r" % a["title"])
    for i in json.load(open(os.path.join(here, "insts.json"), encoding="utf-8"))["records"]:
        for f in ("code", "name"):
            if i[f] not in text:
                bad.append("no institution %s %r" % (f, i[f]))

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.stack, self.heads, self.style = [], [], [], ""
        self.in_matrix_head = False
    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            bad.append("a <%s> tag" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                bad.append("an attribute %s on <%s>" % (name, tag))
            if name in ("src", "srcset", "action", "formaction", "style"):
                bad.append("an attribute %s on <%s>" % (name, tag))
            if name == "href" and not re.fullmatch(r"#[a-z-]+", value or ""):
                bad.append("a link to %r" % value)
        if tag == "table":
            self.in_matrix_head = dict(attrs).get("class") == "matrix"
        if tag != "meta":
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_matrix_head = False
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.style += data
            return
        if self.in_matrix_head and self.stack and self.stack[-1] == "th":
            self.heads.append(data)
        self.text.append(data)

def check_page():
    page = Page()
    page.feed(raw)
    page.close()
    text = " ".join(page.text)
    for check in checks:
        name, _, arg = check.partition("=")
        if name == "safe":
            if re.search(r"<\s*script", raw, re.I):
                bad.append("<script in the page")
            if re.search(r"@import|url\s*\(", page.style, re.I):
                bad.append("@import or url() in the style")
            if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", raw):
                bad.append("a control character in the page")
        elif name == "names":
            names(text)
        elif name == "text" and arg not in text:
            bad.append("no text %r" % arg)
        elif name == "notext" and arg in text:
            bad.append("text %r should not be there" % arg)
        elif name == "firstcol" and (len(page.heads) < 2 or page.heads[1] != arg):
            bad.append("the matrix's columns are %r, not %s first" % (page.heads, arg))

def check_md():
    cols = None
    for n, line in enumerate(raw.split("\n"), 1):
        if not line.startswith("|"):
            cols = None
            continue
        cells = len(re.findall(r"(?<!\\)(?:\\\\)*\|", line)) - 1
        if cols is None:
            cols = cells
        elif cells != cols:
            bad.append("line %d has %d cells, its table %d: %s" % (n, cells, cols, line))
    text = re.sub(r"\\(.)", r"\1", raw)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        text = text.replace(entity, char)
    names(text)

check_page() if mode == "page" else check_md()
for b in bad[:20]:
    print("#   " + b)
sys.exit(1 if bad else 0)
EOF

_show_why() { _indent <"$T/why"; }

# expect_page DESC FILE CHECK...
expect_page()
{
	local desc=$1
	shift
	if python3 "$T/check.py" page "$@" >"$T/why"; then
		pass "$desc"
	else
		fail "$desc" _show_why
	fi
}

# expect_md DESC FILE
expect_md()
{
	if python3 "$T/check.py" md "$2" >"$T/why"; then
		pass "$1"
	else
		fail "$1" _show_why
	fi
}

# ---------------------------------------------------------------------------
# The HTML page, on standard output.
run report
expect_rc 0
expect_err_lines 0
cp "$OUT" "$T/report.html"
expect_page "the page is safe and names every area and library" "$T/report.html" safe names
for s in matrix priorities help exchange events proposals libraries; do
	expect_out "<section id=\"$s\">"
done
expect_out '<meta name="viewport" content="width=device-width, initial-scale=1">'
expect_out '@page{size:A4 landscape'
expect_out '<div class="scroll"><table class="matrix">'
expect_out "Made $(day 0) "
expect_out "Never synced with the shared database"
expect_out "edits made here not synced yet"
expect_page "the matrix heads its columns in the libraries' order" "$T/report.html" firstcol=kb-dk
expect_page "each section says what it holds" "$T/report.html" \
	"text=Where every library stands" "text=Most pressing topics" \
	"text=Projects that want help" "text=Skills open to staff exchange" \
	"text=Coming meetings and events" "text=Proposals waiting for a decision"
# Levels are text, not colour alone: the glyph, the name and ★ for a priority.
expect_out '<td class="l4">██ advanced</td>'
expect_out '<td class="l1">░░ planned ★</td>'
expect_out "Tape library to replace"
expect_page "projects that want help, and only those still running" "$T/report.html" \
	"text=Shared WARC index" "notext=Finished project" "notext=Self-sufficient project"
expect_page "skills open to exchange, and only those" "$T/report.html" \
	"text=Heritrix crawls" "notext=Private skill"
expect_page "the coming events: the workshop with its link as text, the yearly meeting" \
	"$T/report.html" "text=Storage workshop" "text=https://example.org/storage" \
	"text=$NEXT_YEARLY" "text=Yearly directors' meeting" "notext=Long gone meeting"
check "the yearly meeting is shown once, at its next occurrence" \
	test "$(grep -c "Yearly directors&#39; meeting" "$T/report.html")" = 1
expect_page "the proposals waiting, not the decided ones" "$T/report.html" \
	"text=Web archive QA" "notext=Decided proposal"
expect_out '<td data-label="kb-dk" class="n">+1</td>'

# ---------------------------------------------------------------------------
# Markdown.
run report --format md
expect_rc 0
cp "$OUT" "$T/report.md"
expect_md "the Markdown tables are whole and name every area and library" "$T/report.md"
for h in "# NORON report" "## Where every library stands" "## Most pressing topics" \
	"## Projects that want help" "## Skills open to staff exchange" \
	"## Coming meetings and events" "## Proposals waiting for a decision" "## The libraries"; do
	expect_out "$h"
done
expect_out "| Area | kb-dk | kb-se | lbs-is | nb-no | nl-fi |"
expect_out "| ██ advanced |"
expect_out "| $NEXT_YEARLY | Yearly directors' meeting | meeting | yearly |"
expect_out "| Web archive QA | Web harvesting | Anna | kb-dk | new | +1 |"
expect_out "Never synced with the shared database"
expect_out_not "<"

# ---------------------------------------------------------------------------
# One library's point of view.
run report --institution kb-se
expect_rc 0
cp "$OUT" "$T/kb-se.html"
expect_page "--institution kb-se: its column comes first" "$T/kb-se.html" firstcol=kb-se names safe
expect_out '<section id="help-for">'
expect_out '<section id="help-from">'
expect_page "where others could help it: web harvesting, nb-no and its skill" "$T/kb-se.html" \
	"text=Where others could help kb-se" "text=nb-no ▓▓ operational" \
	"text=Skills of other libraries in these areas, open to staff exchange"
expect_page "where it could help others: storage, for kb-dk" "$T/kb-se.html" \
	"text=Where kb-se could help others" "text=kb-dk ░░ planned ★"
run report --institution KB-SE --format md
expect_rc 0
expect_out "| Area | kb-se | kb-dk | lbs-is | nb-no | nl-fi |"
expect_out "## Where others could help kb-se"
expect_out "| Web harvesting | ·· none ★ | nb-no ▓▓ operational |"
expect_out "| Heritrix crawls | skill | expert | nb-no | Web harvesting |"
expect_out "## Where kb-se could help others"
expect_out "| Storage | ██ advanced | kb-dk ░░ planned ★ |"

# ---------------------------------------------------------------------------
# Refusals write nothing; -o writes the whole file or leaves the old one.
mkdir "$T/out.d"
run report --institution xx -o "$T/out.d/r.html"
expect_refused 1 "no institution 'xx' (institutions: kb-dk, kb-se, lbs-is, nb-no, nl-fi)"
check "an unknown institution writes no file" test -z "$(ls -A "$T/out.d")"
run report --institution xx
expect_refused 1 "no institution 'xx'"
run report --format pdf -o "$T/out.d/r.pdf"
expect_refused 2 "unknown format 'pdf' (formats: html, md)"
check "an unknown format writes no file" test -z "$(ls -A "$T/out.d")"
run report --format
expect_refused 2 "need a value"
run report extra
expect_refused 2 "usage"

run report -o "$T/out.d/r.html"
expect_rc 0
expect_out_empty
check "-o writes the page" grep -q '<section id="matrix">' "$T/out.d/r.html"
check "-o leaves no temporary file" test "$(ls -A "$T/out.d")" = r.html
grep -v '^<p class="meta">Made' "$T/out.d/r.html" >"$T/file.html"
grep -v '^<p class="meta">Made' "$T/report.html" >"$T/stdout.html"
check "-o writes what standard output gets" cmp -s "$T/file.html" "$T/stdout.html"
cp "$T/out.d/r.html" "$T/before.html"
run report --institution nowhere -o "$T/out.d/r.html"
expect_refused 1 "no institution 'nowhere'"
check "a refused report leaves the old file as it was" cmp -s "$T/out.d/r.html" "$T/before.html"
check "and no temporary file" test "$(ls -A "$T/out.d")" = r.html
run report -o -
expect_rc 0
expect_out '<section id="matrix">'
run report -o "$NORON_DB"
expect_refused 1 "is the cache itself"
run report -o "$T/no/such/dir/r.html"
expect_refused 1 "cannot write $T/no/such/dir/r.html"

# ---------------------------------------------------------------------------
# After a sync: when, and how many edits wait (the sync's state written as
# a sync leaves it).
python3 - "$NORON_DB" "$P_NEW" <<'EOF' || exit 99
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO sync_state(endpoint, last_seq, last_ok, last_error, last_try)"
           " VALUES ('https://couch.example.org/noron', '42',"
           " '2026-11-20T08:30:05Z', NULL, '2026-11-20T08:30:05Z')")
db.execute("UPDATE docs SET dirty = 0")
db.execute("UPDATE docs SET dirty = 1 WHERE id = ?", (sys.argv[2],))
db.commit()
EOF
run report --format md
expect_out "Last synced with the shared database 2026-11-20 08:30 UTC; 1 edit made here not synced yet."
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("UPDATE docs SET dirty = 0"); db.commit()' "$NORON_DB"
run report
expect_out "Last synced with the shared database 2026-11-20 08:30 UTC; no edit made here waits to be synced."

# ---------------------------------------------------------------------------
# A hostile cache: records made to inject markup, scripts and links.
add area title='<script>alert(1)</script>' parent=web-access >/dev/null
add institution code='"><a href="javascript:alert(1)">' name='<img src=x onerror=alert(1)>' \
	country='| col |' >/dev/null
add project title='[x](javascript:alert(1))' status=ongoing help_wanted=yes \
	contact='`code` *b* _i_ \ back ~s~ | pipe |' >/dev/null
H_PROJECT=$(add project title="Controls" status=ongoing help_wanted=yes contact=x)
add skill topic='<a href="javascript:alert(1)">help</a>' kind=skill institution=kb-se \
	exchange=yes note='x' >/dev/null
add event title='"><img src=x onerror=alert(1)>' kind=meeting start="$SOON" \
	url='https://evil.example/"onmouseover="alert(1)' location="<b>Oslo</b>" >/dev/null
add proposal title='![img](http://evil.example/x.png)' proposer='<iframe src=//evil>' \
	institution=kb-se >/dev/null
# Bidirectional overrides and isolates would make text read in another order.
add skill topic=$'exe.\u202egnp\u2066 x\u2069' kind=skill institution=kb-se exchange=yes >/dev/null
add standing area=metadata institution=kb-se level=started priority=yes \
	note=$'<style>@import url(//evil.example/x.css)</style>' >/dev/null
# Escape sequences and controls no check of noron would let in, written as a
# broken or hostile endpoint could.
python3 - "$NORON_DB" "$H_PROJECT" <<'EOF' || exit 99
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE docs SET body = json_set(body, '$.contact', ?) WHERE id = ?",
           ("esc\x1b]2;pwned\x07 bel \x1b[31mred\x9b1m c1 \x7f del\r\nnewline", sys.argv[2]))
db.commit()
EOF
"$NORON" list area --json </dev/null >"$T/areas.json" || exit 99
"$NORON" list institution --json </dev/null >"$T/insts.json" || exit 99

run report
expect_rc 0
cp "$OUT" "$T/hostile.html"
expect_page "the hostile page has only the report's own tags, attributes and links" \
	"$T/hostile.html" safe names
expect_page "the hostile text is shown as text" "$T/hostile.html" \
	"text=<script>alert(1)</script>" "text=<img src=x onerror=alert(1)>" \
	"text=[x](javascript:alert(1))" "text=https://evil.example/\"onmouseover=\"alert(1)" \
	"text=esc]2;pwned bel [31mred1m c1  del newline" "text=exe.gnp x"
expect_out '&lt;script&gt;alert(1)&lt;/script&gt;'
expect_out 'data-label="&quot;&gt;&lt;a href=&quot;javascript:alert(1)&quot;&gt;"'
expect_out_not '<script'
expect_out_not '<img'
expect_out_not '<iframe'
expect_out_not 'href="javascript'
check "no on...= attribute anywhere in a tag" \
	python3 -c 'import re, sys
sys.exit(1 if re.search(r"<[^>]*\son[a-z]+\s*=", open(sys.argv[1]).read()) else 0)' "$T/hostile.html"

run report --format md
expect_rc 0
cp "$OUT" "$T/hostile.md"
expect_md "the hostile Markdown keeps its tables whole (pipes escaped)" "$T/hostile.md"
expect_out '&lt;script&gt;alert(1)&lt;/script&gt;'
expect_out '\[x\]\(javascript:alert(1))'
expect_out '\`code\` \*b\* \_i\_ \\ back \~s\~ \| pipe \|'
expect_out '\| col \|'
expect_out '\!\[img\]\(http://evil.example/x.png)'
expect_out_not '<'
expect_out_not ']('
expect_out_not $'\e'
expect_out_not $'\x7f'
expect_out_not $'\xc2\x9b'
check "no bidirectional override or isolate in the page or the Markdown" \
	python3 -c 'import re, sys
sys.exit(any(re.search("[\u202a-\u202e\u2066-\u2069]", open(f, encoding="utf-8").read())
             for f in sys.argv[1:]))' "$T/hostile.html" "$T/hostile.md"
check "no raw control character in the Markdown" \
	python3 -c 'import re, sys
sys.exit(1 if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", open(sys.argv[1], encoding="utf-8").read()) else 0)' "$T/hostile.md"

finish
