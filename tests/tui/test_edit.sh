#!/bin/bash
# Editing from the full-screen interface: a adds in a form (text, a choice
# popup, a date), C-s saves at once to the cache; an invalid date stays beside
# its field and nothing is saved; Esc leaves without saving; Enter on an Areas
# cell sets a standing; D deletes after y (n keeps); u undoes; H shows the
# history; E edits in $EDITOR, reopening it with the error on top, and an
# unchanged (or failed) editor saves nothing; reference fields are picked
# from a searchable list (a list field adds and takes out).

. "$TESTS_DIR/tui/lib.sh"
need_python

# A scripted $EDITOR: what it does depends on ed.mode and on how many times
# it ran (ed.count, reset before each E); it keeps what it was given, the
# terminal modes it found, and its name and arguments (ed.argv). The file is
# its last argument, so options may come before it.
cat >"$T/editor.sh" <<'EOF'
#!/bin/sh
dir=$(dirname "$0")
echo "$(basename "$0") $*" >"$dir/ed.argv"
for f; do :; done
n=$(($(cat "$dir/ed.count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/ed.count"
cp "$f" "$dir/ed.in.$n"
stty -g >"$dir/ed.stty.$n" 2>/dev/null
edit()
{
	sed -e "$1" "$2" >"$2.new" && cat "$2.new" >"$2" && rm -f "$2.new"
}
case $(cat "$dir/ed.mode"):$n in
bad-then-good:1 | bad-then-same:1)
	edit 's/^end:.*/end: 2011-02-30/' "$f" ;;
bad-then-good:2)
	edit 's/^end:.*/end: 2024-12-31/; s/^funding:.*/funding: Nordic funds/' "$f" ;;
contact:*)
	edit 's/^contact:.*/contact: '"$(basename "$0")"'/' "$f" ;;
fail:*)
	exit 1 ;;
esac
exit 0
EOF
chmod +x "$T/editor.sh"
cp "$T/editor.sh" "$T/visual.sh"

# editor_mode MODE: the next E runs the editor this way, counted from 1.
editor_mode()
{
	echo "$1" >"$T/ed.mode"
	rm -f "$T/ed.count" "$T"/ed.in.* "$T"/ed.stty.*
}

editor_calls()
{
	cat "$T/ed.count" 2>/dev/null || echo 0
}

"$NORON" init >/dev/null </dev/null || exit 99
start_noron 80 24 "EDITOR=$T/editor.sh"
keys 3
expect_screen "5 projects" "Projects shows its 5 seeded projects"

# ---------------------------------------------------------------------------
# An invalid date in the form: shown beside the field, C-s refuses, nothing
# reaches the cache, Esc says nothing was saved.
snapshot
keys e
expect_screen "Edit project: NORON wiki (knowledge base)" "e opens the form of the selected project"
expect_line_has "title *" "NORON wiki (knowledge base)" "the form shows the title"
expect_line_has "start" "2011-03-18" "and the start date"
keys j j j j j j j Enter
expect_bottom "end: " "Enter on the end field asks for its value"
type_text "2011-02-30"
keys Enter
expect_line_has "2011-02-30" "!" "the refused date stays on its row, marked with !"
expect_line_has "end   " "2011-02-30" "on the end field's row"
expect_line_has "2011-02-30" "not a valid date" "the reason is shown next to the field"
keys C-s
expect_bottom " fix end first" "C-s refuses to save and names the field"
expect_screen "not a valid date" "the status line gives the reason"
expect_screen "Edit project: NORON wiki" "the form stays open"
expect_unchanged "the refused edit wrote nothing to the cache"
check "the seeded project still has no end date" test -z "$(field_of project:noron-wiki end)"
keys Escape
expect_screen "left the form: nothing saved" "Esc leaves the form and says nothing was saved"
expect_not_screen "Edit project:" "the form is closed"
expect_screen "Area in the Wiki for" "the list is back"
expect_unchanged "leaving the form wrote nothing"

# Esc on a valid but unsaved change keeps the cache too.
keys e
expect_screen "Edit project: NORON wiki" "e again"
keys j j j j j Enter
expect_bottom "contact: " "the contact field"
type_text "someone@example.org"
keys Enter
expect_line_has "contact" "someone@example.org" "the typed contact shows in the form"
keys Escape
expect_screen "left the form: nothing saved" "Esc after a change: nothing saved"
expect_unchanged "the unsaved contact did not reach the cache"

# ---------------------------------------------------------------------------
# Adding a project: title, the status from a popup, a date; C-s saves.
keys a
expect_screen "New project" "a opens an empty project form"
expect_line_has "title *" "-" "the title is empty"
keys Enter
expect_bottom "title: " "Enter edits the title"
type_text "Mikrofilm scanning"
keys Enter
expect_line_has "title *" "Mikrofilm scanning" "the typed title shows in the form"
keys C-s
expect_screen "not saved" "C-s without the required status is refused"
expect_line_has "status *" "!" "the missing status is marked beside its field"
run list project
expect_out_not "Mikrofilm scanning"
keys j Enter
expect_screen "┌─ status" "Enter on status opens a choice popup"
expect_screen "completed" "the popup lists the statuses"
keys j j Enter
expect_line_has "status *" "ongoing" "j j Enter picks 'ongoing'"
expect_not_screen "┌─ status" "the popup closes"
keys j j j j j Enter
expect_bottom "start: " "the start field"
type_text "2024-05-01"
keys Enter
expect_line_has "start" "2024-05-01" "the start date shows in the form"
keys C-s
expect_screen "added project:" "C-s saves and says so"
expect_line_has "Mikrofilm scanning" "ongoing" "the new project is in the list with its status"
keys C-l
expect_screen "6 projects" "the count follows (once the message is gone)"
run list project
expect_out "Mikrofilm scanning"
new=$(id_where project title "Mikrofilm scanning")
check "the new project has an id ($new)" test -n "$new"
check "its status is saved (ongoing)" test "$(field_of "$new" status)" = ongoing
check "its start date is saved (2024-05-01)" test "$(field_of "$new" start)" = 2024-05-01
expect_screen "$new" "the new project is selected (its id in the detail)"

# ---------------------------------------------------------------------------
# E: the whole record in $EDITOR. An invalid date reopens the editor with
# the error on top; the second round fixes it and saves.
editor_mode bad-then-good
keys E
expect_screen "saved $new" "E saves what the editor wrote"
check "the editor ran twice (the invalid text came back to it)" test "$(editor_calls)" = 2
check "the first round got the record as text (title line)" \
	grep -qx "title: Mikrofilm scanning" "$T/ed.in.1"
check "the first round has no error on top" bash -c "! head -n 1 '$T/ed.in.1' | grep -q '^# error'"
check "the second round has the error on top" grep -q '^# error: .*end' "$T/ed.in.2"
check "the error is on the first line" bash -c "head -n 1 '$T/ed.in.2' | grep -q '^# error:'"
check "the second round keeps the user's text (the invalid date)" \
	grep -qx "end: 2011-02-30" "$T/ed.in.2"
check "the end date is saved" test "$(field_of "$new" end)" = 2024-12-31
check "the funding is saved" test "$(field_of "$new" funding)" = "Nordic funds"
check "the error comment is not saved anywhere" \
	bash -c "! '$NORON' show '$new' --json </dev/null | grep -q 'error'"
check "the editor had the terminal in its normal modes" cmp -s "$T/stty.before" "$T/ed.stty.1"
expect_screen "funding      Nordic funds" "the screen is redrawn with the new funding"
expect_screen " 1 Areas  2 Skills  3 Projects" "the tab bar is back after the editor"
check "noron is back on the alternate screen" test "$(pane_fmt '#{alternate_on}')" = 1
alive "noron runs on after the editor"

# Quitting the editor unchanged saves nothing.
snapshot
editor_mode same
keys E
expect_screen "no change: nothing saved" "an unchanged editor: nothing saved"
check "the editor ran once" test "$(editor_calls)" = 1
expect_unchanged "the unchanged editor wrote nothing"

# Invalid, then the user gives up by quitting unchanged: nothing saved.
editor_mode bad-then-same
keys E
# The status line may still say "nothing saved" from the step before: wait
# for the second round of the editor itself.
for _ in $(seq 200); do
	[ "$(editor_calls)" = 2 ] && break
	sleep 0.05
done
check "the editor ran twice" test "$(editor_calls)" = 2
expect_screen "nothing saved" "giving up after an error saves nothing"
check "the second round showed the error" grep -q '^# error:' "$T/ed.in.2"
expect_unchanged "the abandoned invalid edit wrote nothing"

# A failing editor saves nothing and says so.
editor_mode fail
keys E
expect_screen "failed; nothing saved" "a failing editor is reported"
expect_unchanged "a failing editor wrote nothing"
alive

# ---------------------------------------------------------------------------
# u undoes the last edit (the E above).
keys u
expect_screen "undid the edit of $new" "u undoes the edit"
check "the end date is gone again" test -z "$(field_of "$new" end)"
check "the funding is gone again" test -z "$(field_of "$new" funding)"
check "the title stays" test "$(field_of "$new" title)" = "Mikrofilm scanning"

# ---------------------------------------------------------------------------
# D asks; n keeps, y deletes; u brings it back.
keys /
type_text "Mikrofilm"
keys Enter
expect_screen "/Mikrofilm: 1 match" "the new project is selected through the filter"
keys D
expect_screen 'Delete project "Mikrofilm scanning"? (y/n)' "D asks before deleting"
keys n
expect_screen "not deleted" "n keeps the record"
run list project
expect_out "Mikrofilm scanning"
keys D
expect_screen 'Delete project "Mikrofilm scanning"? (y/n)' "D asks again"
keys y
expect_screen "deleted $new (u undoes)" "y deletes"
expect_not_screen "Mikrofilm scanning      " "the project leaves the list"
run list project
expect_out_not "Mikrofilm scanning"
keys u
expect_screen "undid the delete of $new" "u undoes the delete"
run list project
expect_out "Mikrofilm scanning"
keys Escape
expect_screen "6 projects" "all six projects are listed again"

# ---------------------------------------------------------------------------
# H: the history of the record (who, when, which fields).
keys /
type_text "Mikrofilm"
keys Enter
expect_screen "/Mikrofilm: 1 match" "the project again"
keys H
expect_screen "History of $new" "H shows the record's history"
expect_line_has "add " "tester" "the add is listed with who made it"
expect_line_has "delete" "(undone)" "the undone delete is marked"
expect_line_has "edit " "(undone) end, funding" "the undone edit names its fields"
expect_line_has "undo " "tester" "the undos are listed"
expect_screen "$(date -u +%Y-%m-%d)" "the entries carry today's date"
keys q
expect_screen "/Mikrofilm: 1 match" "q closes the history"
alive
keys Escape
expect_screen "6 projects" "filter cleared"
keys /
type_text "knowledge"
keys Enter
expect_screen "project:noron-wiki" "the NORON wiki project"
keys H
expect_screen "no local changes to project:noron-wiki" "H on an untouched seeded record says so"
keys Escape
expect_screen "6 projects" "Esc clears the filter"

# ---------------------------------------------------------------------------
# Areas: Enter on a cell sets that institution's standing through the form.
keys 1
expect_screen "18 areas" "Areas"
keys l
expect_screen "DK cell: Enter sets it" "l selects the DK cell"
keys Enter
expect_screen "New standing" "Enter on an empty cell opens a standing form"
expect_line_has "area *" "Digitization" "prefilled with the area"
expect_line_has "institution *" "Det Kgl. Bibliotek" "and the institution"
keys Enter
expect_screen "┌─ level" "the form starts on the level: Enter opens its choices"
expect_screen "operational" "the levels are listed"
keys j j j j Enter
expect_line_has "level" "operational" "operational is picked"
keys C-s
expect_screen "saved standing:digitization:kb-dk" "C-s saves the standing"
expect_line_has "▾ Digitization" "▓▓" "the cell shows the operational glyph"
check "the standing is in the cache with its level" \
	test "$(field_of standing:digitization:kb-dk level)" = operational
keys J J
expect_screen "DK  operational" "the detail (J scrolls it) lists DK's standing"
keys K K

# e on the cell edits it: Enter on priority toggles it.
keys e
expect_screen "Edit standing" "e on a set cell edits it"
keys j j j Enter
expect_line_has "priority" "yes" "Enter on priority sets it"
keys C-s
expect_screen "saved standing:digitization:kb-dk" "saved again"
expect_line_has "▾ Digitization" "▓▓*" "the cell marks the priority with *"
check "the priority is in the cache" test "$(field_of standing:digitization:kb-dk priority)" = true

# Enter on a set cell edits it too; Esc leaves it as it was.
keys Enter
expect_screen "Edit standing" "Enter on a set cell opens its form"
keys Escape
expect_screen "left the form: nothing saved" "Esc: nothing saved"
check "the level is unchanged" test "$(field_of standing:digitization:kb-dk level)" = operational

# D on the cell deletes the standing, u restores it.
keys D
expect_screen "Delete standing" "D on a cell asks to delete the standing"
keys y
expect_screen "deleted standing:digitization:kb-dk" "y deletes it"
expect_not_screen "▓▓*" "the cell is empty again"
keys u
expect_screen "undid the delete of standing:digitization:kb-dk" "u restores it"
expect_line_has "▾ Digitization" "▓▓*" "the cell shows it again"
check "the standing is back in the cache" \
	test "$(field_of standing:digitization:kb-dk level)" = operational
alive

# ---------------------------------------------------------------------------
# Which editor: $VISUAL before $EDITOR; an editor given with an option works;
# without either, the config's editor. The config's institution signs the
# edits and shows on the tab bar.
stop_noron
start_noron 80 24 "VISUAL=$T/visual.sh -f" "EDITOR=$T/editor.sh"
keys 3 /
type_text "knowledge"
keys Enter
expect_screen "/knowledge: 1 match" "the NORON wiki project"
editor_mode contact
keys E
expect_screen "saved project:noron-wiki" "E with \$VISUAL set saves"
check "\$VISUAL comes before \$EDITOR, its option and the file passed on" \
	grep -q "^visual.sh -f .*noron" "$T/ed.argv"
check "the contact is saved" test "$(field_of project:noron-wiki contact)" = visual.sh
check "the temporary file is gone" test -z "$(ls "$T/tmp")"
keys q
expect_screen "[noron exited with 0]" "q quits"
stop_noron

printf 'institution = kb-se\neditor = %s\n' "$T/editor.sh" >"$NORON_CONFIG"
start_noron 80 24
expect_line_has " 1 Areas" "kb-se" "the tab bar shows the configured institution"
keys 3 /
type_text "knowledge"
keys Enter
expect_screen "/knowledge: 1 match" "the NORON wiki project again"
editor_mode contact
keys E
expect_screen "saved project:noron-wiki" "E without \$VISUAL or \$EDITOR uses the config's editor"
check "the config's editor ran" grep -q "^editor.sh " "$T/ed.argv"
check "the contact is saved by it" test "$(field_of project:noron-wiki contact)" = editor.sh
keys H
expect_line_has "edit " "tester@kb-se" "the history signs the edit with user@institution"
keys q
expect_screen "/knowledge: 1 match" "q closes the history"

# ---------------------------------------------------------------------------
# The form's reference fields: a searchable list of the records referred
# to; in a list field (areas, institutions) picking one adds it, picking it
# again takes it out; Esc in the list changes nothing.
keys e
expect_screen "Edit project: NORON wiki" "e opens the project's form"
keys j j Enter
expect_screen "areas (type to filter, Enter picks, Esc cancels)" \
	"Enter on areas opens the list of areas"
type_text "Meta"
expect_screen "filter: Meta" "typing filters it"
expect_screen "│Metadata " "Metadata is offered"
keys Enter
expect_line_has "areas" "Metadata" "Enter adds Metadata to the areas"
keys Enter
expect_screen "areas (type to filter" "the list again"
type_text "Storage"
keys Enter
expect_line_has "areas" "Metadata, Storage" "a second area is added after the first"
keys Enter
type_text "Meta"
expect_screen "│Metadata " "Metadata once more"
keys Enter
expect_line_has "areas" "Storage" "picking Metadata again takes it out"
expect_not_screen "Metadata, Storage" "only Storage is left"
keys Enter
expect_screen "areas (type to filter" "the list of areas"
keys Escape
expect_line_has "areas" "Storage" "Esc in the list leaves the areas as they were"
keys j
expect_line_has "institutions" "Det Kgl. Bibliotek, Kansalliskirjasto" "the institutions, DK first"
keys Enter
expect_screen "institutions (type to filter" "the institutions"
type_text "Kgl"
keys Enter
expect_line_has "institutions" "Kansalliskirjasto, " "picking a listed institution takes it out"
expect_not_screen "Det Kgl. Bibliotek" "DK is no longer among them"
keys j Enter
expect_screen "institutions (type to filter" "lead: a list of institutions"
type_text "Kansalli"
keys Enter
expect_line_has "lead" "Kansalliskirjasto" "the lead is the institution picked"
keys C-s
expect_screen "saved project:noron-wiki" "C-s saves"
check "the areas are saved (Storage only)" \
	test "$(field_of project:noron-wiki areas)" = '["area:storage"]'
check "the lead is saved" test "$(field_of project:noron-wiki lead)" = institution:nl-fi
check "kb-dk is out of the institutions, the others are in" python3 -c '
import json, sys
got = json.loads(sys.argv[1])
sys.exit(0 if "institution:kb-dk" not in got and "institution:kb-se" in got and len(got) == 4 else 1)' \
	"$(field_of project:noron-wiki institutions)"

finish
