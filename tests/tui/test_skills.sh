#!/bin/bash
# Skills: the catalogue lists each skill with its kind, person, institution
# (its code), area, level and "open to exchange", all visible at 80x24; `/`
# filters, `w` asks "who can help with ...", `f` narrows by kind, level,
# institution, area or exchange: the status line names what narrows it (a
# record by its name, not its id), "any" lifts one narrowing and Esc in a
# popup keeps it; each popup is drawn over the list, not over the previous
# popup; Enter shows the skill with the person's name and email.

. "$TESTS_DIR/tui/lib.sh"
need_python

run init
run add person "name=Åsa Lind" institution=institution:kb-se email=asa@kb.se
ASA=$(tr -d '\n' <"$OUT")
run add person "name=Jon Olsen" institution=institution:nb-no email=jon@nb.no
JON=$(tr -d '\n' <"$OUT")
run add skill "topic=Book scanner calibration" kind=equipment institution=institution:kb-se \
	area=area:digitization level=expert exchange=yes "person=$ASA"
run add skill "topic=Web harvesting with Heritrix" kind=skill institution=institution:nb-no \
	area=area:web-harvesting level=practitioner "person=$JON"
run add skill "topic=Long-term preservation audit" kind=service institution=institution:nl-fi \
	area=area:digital-preservation level=basic exchange=yes
run add skill "topic=OCR of Fraktur" kind=skill institution=institution:kb-dk \
	area=area:digitization level=expert
run list skill
expect_out "OCR of Fraktur"

# ---------------------------------------------------------------------------
# The list's columns at 80x24: every one is there, each value under its head.
start_noron 80 24
keys 2
expect_screen "4 skills" "Skills lists the 4 skills"
expect_tab Skills
expect_line_has "topic" "kind      person" "the header: topic, kind, person"
expect_line_has "person" "inst area" "then the institution (its code) and the area"
expect_line_has "level" "exch" "then the level and open to exchange (exch)"
expect_line_has "Book scanner c" "Åsa Lind" "a skill's row names its person"
expect_line_has "Web harvesting" "Jon Olsen" "another skill's row names its person"
expect_line_has "Åsa Lind" " SE " "the row shows the institution's code (SE for kb-se)"
expect_line_has "Jon Olsen" " NO " "NO for nb-no"
expect_line_has "OCR of Fraktur" " DK " "DK for kb-dk"
expect_line_has "Åsa Lind" "Digitiz" "the row shows the area (cut with … if need be)"
expect_line_has "Åsa Lind" "expert" "the row shows the level"
expect_line_has "Åsa Lind" "yes" "the row shows open to exchange"
expect_line_has "Jon Olsen" "practitioner" "a level that is long stays whole"
read -r head_person row_person head_area row_area head_x row_x < <(screen_column \
	"person" "topic" "Åsa Lind" "Book scanner" "area" "topic" "Digitiz" "Book scanner" \
	"exch" "topic" "yes" "Book scanner" | tr '\n' ' ')
check "the person stands under its heading ($row_person, $head_person)" \
	test "$row_person" = "$head_person" -a "$head_person" -gt 0
check "the area stands under its heading ($row_area, $head_area)" \
	test "$row_area" = "$head_area" -a "$head_area" -gt 0
check "exchange stands under its heading ($row_x, $head_x)" \
	test "$row_x" = "$head_x" -a "$head_x" -gt 0
expect_not_screen "kb-se" "no record id in the list"
keys q
expect_screen "[noron exited with 0]" "q quits"
stop_noron

# ---------------------------------------------------------------------------
# Filter, who can help, narrowing: at 140x30, the detail beside the list.
start_noron 140 30
keys 2
expect_screen "4 skills" "Skills at 140x30"
expect_line_has "Book scanner c" "Åsa Lind" "the list beside the detail names the person"

keys /
type_text "scanner"
expect_not_screen "OCR of Fraktur" "/ filters as you type"
keys Enter
expect_screen "/scanner: 1 match" "Enter keeps the filter"
expect_screen "Book scanner calibration" "the match is listed"
keys Escape
expect_screen "4 skills" "Esc clears the filter"

keys w
expect_bottom "who can help with" "w asks who can help with what"
type_text "harvesting"
keys Enter
expect_screen '1 skill match "harvesting"' "w says how many skills match"
expect_screen "Web harvesting with Heritrix" "the skill that matches is listed"
expect_not_screen "OCR of Fraktur" "the others are not"
expect_line_has "person" "Jon Olsen" "its detail names who can help"
keys Escape
expect_screen "4 skills" "Esc lists every skill again"

# f: narrow by kind; the kind's popup replaces the menu.
keys f
expect_screen "┌─ narrow by" "f opens the narrow-by menu"
expect_screen "│exchange" "the menu offers exchange too"
keys Enter
expect_screen "┌─ kind" "Enter on kind asks which kind"
expect_not_screen "narrow by" "the menu is gone under the kind's popup"
expect_screen "│equipment" "the kinds are offered"
keys j j Enter
expect_screen "kind=equipment" "the status line names the narrowing"
expect_screen "1 skill " "one equipment"
expect_not_screen "OCR of Fraktur" "a skill of another kind is not listed"
keys f
expect_screen "│kind         equipment" "the menu shows the narrowing in force"
keys Enter
expect_screen "┌─ kind" "kind again"
keys Enter
expect_screen "4 skills" "any lifts the narrowing"
expect_not_screen "kind=" "the status line no longer names it"

# Level; Esc in its popup keeps the level chosen before.
keys f j Enter
expect_screen "┌─ level" "narrow by level"
keys j j j Enter
expect_screen "level=expert" "level=expert"
expect_screen "2 skills" "two expert skills"
expect_not_screen "Web harvesting" "a practitioner's skill is not listed"
keys f j Enter
expect_screen "┌─ level" "the level's popup again"
keys Escape
expect_not_screen "┌─ level" "Esc closes it"
expect_screen "level=expert" "Esc keeps the level"
expect_screen "2 skills" "and the list as it was"

# Institution: picked from the institutions; the status names it.
keys f j j Enter
expect_screen "institutions (type to filter" "narrow by institution: a picker"
expect_not_screen "narrow by" "the picker is not drawn over the menu"
type_text "Kungliga"
keys Enter
expect_screen "institution=Kungliga biblioteket" "the status line names the institution"
expect_not_screen "institution=institution:" "not by its id"
expect_screen "1 skill " "one expert skill at Kungliga biblioteket"
expect_screen "Book scanner calibration" "the scanner is listed"
keys f j j Enter
expect_screen "pick another institution" "with an institution chosen, f offers any or another"
keys Enter
expect_screen "institutions (type to filter" "the picker again"
keys Escape
expect_screen "institution=Kungliga biblioteket" "Esc in the picker keeps the institution"
expect_screen "1 skill " "and the list"
keys f j j Enter
expect_screen "pick another institution" "once more"
keys k Enter
expect_not_screen "institution=" "any lifts the institution"
expect_screen "2 skills" "the two expert skills are back"
keys f j Enter Enter
expect_not_screen "level=" "any lifts the level"
expect_screen "4 skills" "every skill is back"

# Area, then exchange on top of it.
keys f j j j Enter
expect_screen "areas (type to filter" "narrow by area: a picker of areas"
type_text "Digitization"
keys Enter
expect_screen "area=Digitization" "the status line names the area"
expect_screen "2 skills" "two skills in Digitization"
expect_screen "OCR of Fraktur" "the OCR skill is one"
keys f j j j j Enter
expect_screen "┌─ exchange" "narrow by exchange"
keys j Enter
expect_screen "exchange=yes" "exchange=yes"
expect_screen "1 skill " "one skill in Digitization open to exchange"
expect_not_screen "OCR of Fraktur" "the OCR skill is not open to exchange"

# The narrowing stays while another pane is shown.
keys 3
expect_tab Projects
keys 2
expect_screen "area=Digitization  exchange=yes" "back in Skills the narrowing is kept"

# Enter: the skill, with the person and how to reach them.
keys Enter
expect_screen "┌─ Book scanner calibration" "Enter opens the skill"
expect_line_has "person" "Åsa Lind" "it names the person"
expect_line_has "email" "asa@kb.se" "and their email"
expect_line_has "institution" "Kungliga biblioteket" "and the institution by its name"
keys q
expect_screen "exchange=yes" "q closes it, the narrowing still there"

keys f j j j j Enter Enter
expect_not_screen "exchange=" "any lifts exchange"
expect_screen "2 skills" "the Digitization skills"
keys q
expect_screen "[noron exited with 0]" "q quits"
check "the terminal modes are restored" cmp -s "$T/stty.before" "$T/stty.after"

finish
