#!/bin/bash
# UTF-8 on screen: names with Æ Ø Å Þ Ð and CJK titles take their real width,
# so the columns after them start where they do on other rows (widths from
# python's unicodedata.east_asian_width, combining characters none); long
# titles are cut with "…" on a character boundary; UTF-8 typed into the
# filter and the form's line editor works by character.

. "$TESTS_DIR/tui/lib.sh"
need_python

"$NORON" init >/dev/null </dev/null || exit 99
add()
{
	"$NORON" add "$@" </dev/null || { echo "Bail out! noron add $* failed"; exit 99; }
}
add person "name=Þórunn Ægisdóttir" institution=institution:lbs-is role=Bókavörður >/dev/null
add person "name=Jon Smith" institution=institution:kb-se role=Engineer >/dev/null
add person "name=Ðóra Østergård" institution=institution:nb-no role=Leder >/dev/null
CJK="北欧図書館のデジタル化"
LONG="Ærøskøbing, Øresund, Åbenrå, Þingvellir og Ðakkir: en lang titel som må kortes af"
LONG_CJK="北欧国立図書館デジタル保存協力プロジェクトの非常に長いタイトルです"
add project "title=$CJK" status=planned start=2012-01-01 >/dev/null
add project "title=$LONG" status=idea >/dev/null
add project "title=$LONG_CJK" status=idea start=2013-02-03 >/dev/null
# e and a followed by combining accents (U+0301, U+030A): one column each.
COMBINING=$'Re\xcc\x81seau Ka\xcc\x8arlsruhe'
add project "title=$COMBINING" status=completed start=2014-05-06 institutions=kb-dk,nb-no >/dev/null
area_is=$(add area "title=Ættfræði og Þjóðskrá" parent=area:metadata)
area_ja=$(add area "title=日本語の目録データ" parent=area:metadata)
add standing "area=$area_is" institution=institution:kb-dk level=advanced >/dev/null
add standing "area=$area_ja" institution=institution:kb-se level=started priority=yes >/dev/null
add standing area=area:metadata institution=institution:nl-fi level=planned >/dev/null

# same_column DESC HEADER-ROW HEADER-TEXT ROW TEXT [ROW TEXT...]: TEXT starts
# at the display column of HEADER-TEXT on every ROW.
same_column()
{
	local desc=$1 want bad="" i args=("$3" "$2") rows=() texts=() cols
	shift 3
	while [ $# -ge 2 ]; do
		rows+=("$1") texts+=("$2") args+=("$2" "$1")
		shift 2
	done
	mapfile -t cols < <(screen_column "${args[@]}")
	want=${cols[0]:--1}
	for ((i = 0; i < ${#rows[@]}; i++)); do
		[ "${cols[i + 1]:-}" = "$want" ] \
			|| bad+=" '${rows[i]}…' has '${texts[i]}' at ${cols[i + 1]:-?};"
	done
	if [ "$want" -ge 0 ] && [ -z "$bad" ]; then
		pass "$desc (column $want)"
	else
		fail "$desc: the header is at $want,$bad"
	fi
}

# cut_ok TITLE: the screen shows TITLE cut with "…" right after a whole
# character (what precedes "…" on its row is a prefix of TITLE).
cut_ok()
{
	screen | python3 -c '
import sys
title = sys.argv[1]
for line in sys.stdin.read().split("\n"):
    at = line.find(title[:3])
    if at < 0:
        continue
    cell = line[at:]
    if "…" not in cell:
        print("no ellipsis on the row: %r" % line)
        sys.exit(1)
    shown = cell[:cell.index("…")]
    if not title.startswith(shown) or len(shown) < 3:
        print("%r is not a prefix of the title" % shown)
        sys.exit(1)
    sys.exit(0)
print("the row is not on screen")
sys.exit(1)' "$1" >"$T/why"
}

_show_why()
{
	_indent <"$T/why"
	_show_screen
}

expect_cut()
{
	if cut_ok "$1"; then
		pass "$2"
	else
		fail "$2" _show_why
	fi
}

# The screen is valid UTF-8 and holds no replacement character (nothing was
# cut inside a character).
expect_clean_utf8()
{
	if screen | python3 -c '
import sys
text = sys.stdin.buffer.read().decode("utf-8")
sys.exit(1 if "\ufffd" in text else 0)'; then
		pass "$1"
	else
		fail "$1"
	fi
}

project_columns()
{
	local size=$1
	same_column "$size: the status column lines up after Æ/Ø/Å/Þ/Ð and CJK titles" \
		" title" "status" \
		"NORON wiki" "ongoing" \
		"北欧図書館の" "planned" \
		"北欧国立" "idea" \
		"Ærøskøbing" "idea" \
		"${COMBINING:0:8}" "completed" \
		"Catalogue of" "idea"
	same_column "$size: the institutions column lines up after accents and CJK" \
		" title" "inst" \
		"NORON wiki" "DK FI" \
		"${COMBINING:0:8}" "DK NO"
	# At 100x30 the list beside the detail is too narrow for the dates.
	[ "$size" = 100x30 ] || same_column "$size: the start column lines up too" \
		" title" "start" \
		"NORON wiki" "2011-03-18" \
		"北欧図書館の" "2012-01-01" \
		"北欧国立" "2013-02-03" \
		"${COMBINING:0:8}" "2014-05-06"
	expect_cut "$LONG" "$size: the long Nordic title is cut with … on a character"
	expect_cut "$LONG_CJK" "$size: the long CJK title is cut with … on a whole wide character"
	expect_clean_utf8 "$size: no character is broken on screen"
}

# ---------------------------------------------------------------------------
start_noron 80 24
keys 3
expect_screen "9 projects" "Projects with the four added"
expect_screen "$CJK" "the CJK title is shown whole"
expect_screen "$COMBINING" "the title with combining accents is shown whole"
project_columns 80x24
resize 100 30
expect_line_has "NORON wiki" "│" "at 100x30 the detail is beside the list"
project_columns 100x30
resize 120 30
expect_line_has "NORON wiki" "│" "120x30"
project_columns 120x30
resize 80 24
expect_screen "9 projects" "back at 80x24"

# The detail wraps the long title without breaking characters.
keys /
type_text "kortes"
keys Enter
expect_screen "/kortes: 1 match" "the filter finds the long title"
expect_screen "Ærøskøbing, Øresund, Åbenrå, Þingvellir og Ðakkir" "its detail shows the title whole"
expect_clean_utf8 "the wrapped detail breaks no character"
keys Escape
expect_screen "9 projects" "filter cleared"

# ---------------------------------------------------------------------------
# People: the institution and role columns after Nordic names.
keys 6
expect_screen "Landsbókasafn" "People"
same_column "institutions: the country column lines up after 'Landsbókasafn Íslands –'" \
	" code" "country" \
	"Det Kgl. Bibliotek" "Denmark" \
	"Landsbókasafn" "Iceland" \
	"Kansalliskirjasto" "Finland"
same_column "institutions: the city column lines up after København and Reykjavík" \
	" code" "city" \
	"Det Kgl. Bibliotek" "København" \
	"Landsbókasafn" "Reykjavík" \
	"Kansalliskirjasto" "Helsinki"
keys l
expect_screen "Þórunn Ægisdóttir" "the people list shows Þórunn Ægisdóttir"
same_column "people: the institution column lines up after Þ, Æ, Ð, Ø" \
	" name" "institution" \
	"Jon Smith" "Kungliga" \
	"Þórunn Ægisdóttir" "Landsbókasafn" \
	"Ðóra Østergård" "Nasjonalbibliotek"
same_column "people: the role column lines up after 'Landsbókasafn Ísl…'" \
	" name" "role" \
	"Jon Smith" "Engineer" \
	"Þórunn Ægisdóttir" "Bókavörður" \
	"Ðóra Østergård" "Leder"
expect_clean_utf8 "the people list breaks no character"

# Typing UTF-8 into the filter.
keys /
type_text "Æ"
expect_bottom "/Æ" "the prompt shows the typed Æ"
expect_not_screen "Jon Smith" "the filter Æ narrows the list"
expect_screen "Þórunn Ægisdóttir" "and keeps Þórunn Ægisdóttir"
type_text "gisx"
expect_bottom "/Ægisx" "more letters after Æ"
keys BSpace
expect_bottom "/Ægis" "Backspace takes one character back"
keys Enter
expect_screen "/Ægis: 1 match" "the filter Ægis finds one person"
expect_screen "Þórunn Ægisdóttir" "Þórunn Ægisdóttir"
keys Escape
expect_screen "Jon Smith" "Esc clears the filter"
keys /
type_text "þórunn"
keys Enter
expect_screen "/þórunn: 1 match" "a lower-case þ finds Þórunn"
keys Escape
expect_screen "Jon Smith" "cleared again"
keys /
type_text "Østergård"
keys BSpace BSpace Enter
expect_screen "/Østergå: 1 match" "Backspace after å removes å whole (prefix Østergå)"
keys Escape
expect_screen "Jon Smith" "cleared"

# The form's line editor moves and deletes by character.
keys a
expect_screen "New person" "a opens a person form"
keys Enter
expect_bottom "name:" "the name prompt"
type_text "Ðóra"
keys Left BSpace
expect_bottom "name: Ðóa" "Left then Backspace deletes the r, a character, not a byte"
keys C-a
type_text "Þ"
expect_bottom "name: ÞÐóa" "^A goes to the start; Þ goes in before Ð"
keys C-e
type_text "ð"
keys Enter
expect_line_has "name *" "ÞÐóað" "the form shows the name as typed"
keys Escape
expect_screen "left the form: nothing saved" "Esc leaves without saving"

# The global search with UTF-8.
keys '\'
expect_screen "search every record" "the global search"
type_text "Þjóðskrá"
expect_screen "area        Ættfræði og Þjóðskrá" "finds the area by a word with Þ and ð"
keys Enter
expect_tab Areas
expect_screen "$area_is" "Enter jumps to it in Areas"

# ---------------------------------------------------------------------------
# Areas: the cells after UTF-8 and CJK area titles sit under their headers.
resize 100 30
expect_screen "日本語の目録データ" "the CJK area is in the tree"
same_column "Areas: the DK cell lines up after 'Ættfræði og Þjóðskrá'" \
	"Area " "DK" \
	"Ættfræði og Þjóðskrá" "██"
same_column "Areas: the SE cell lines up after a CJK title" \
	"Area " "SE" \
	"日本語の目録データ" "▒▒*"
same_column "Areas: the FI cell lines up on a plain row" \
	"Area " "FI" \
	"▾ Metadata" "░░"
expect_clean_utf8 "the area tree breaks no character"
alive

finish
