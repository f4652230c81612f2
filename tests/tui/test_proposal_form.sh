#!/bin/bash
# Proposals in the full-screen interface: a adds one in a form (its status
# starts as new, the area picked from a list), it joins the queue to
# triage; e edits it; Esc leaves the form without saving; Enter opens it;
# u undoes the last edit.

. "$TESTS_DIR/tui/lib.sh"
need_python

run init
start_noron 100 30
keys 5
expect_screen "0 to triage" "Proposals: nothing to triage"
keys a
expect_screen "New proposal" "a opens a proposal form"
expect_line_has "title *" "-" "the title is empty"
expect_line_has "status *" "new" "the status starts as new"
keys Enter
expect_bottom "title: " "Enter edits the title"
type_text "IIIF for newspapers"
keys Enter
expect_line_has "title *" "IIIF for newspapers" "the typed title shows"
keys j Enter
expect_screen "areas (type to filter" "the area is picked from the areas"
type_text "Metadata"
expect_screen "│Metadata " "Metadata is offered"
keys Enter
expect_line_has "area " "Metadata" "the area picked shows in the form"
keys j j Enter
expect_screen "institutions (type to filter" "the institution from the institutions"
type_text "Nasjonal"
keys Enter
expect_line_has "institution " "Nasjonalbiblioteket" "the institution picked"
keys C-s
expect_screen "added proposal:" "C-s adds the proposal"
keys C-l
expect_screen "1 to triage" "it joins the queue to triage"
expect_line_has "IIIF for newspapers" "Metadata" "its row names its area"
expect_line_has "new" "IIIF for newspapers" "and its status"
ID=$(id_where proposal title "IIIF for newspapers")
check "the proposal is in the cache ($ID)" test -n "$ID"
check "with its area" test "$(field_of "$ID" area)" = area:metadata
check "its institution" test "$(field_of "$ID" institution)" = institution:nb-no
check "and the status new" test "$(field_of "$ID" status)" = new

# e edits it; Esc after a change keeps the cache as it was.
snapshot
keys e
expect_screen "Edit proposal: IIIF for newspapers" "e opens its form"
keys j j Enter
expect_bottom "proposer: " "the proposer field"
type_text "Somebody"
keys Enter
keys Escape
expect_screen "left the form: nothing saved" "Esc: nothing saved"
expect_unchanged "the cache is as it was"
keys e
expect_screen "Edit proposal: IIIF for newspapers" "e again"
keys j j Enter
type_text "Jón Sigurðsson"
keys Enter j j Enter
expect_bottom "format: " "the format field"
type_text "half-day workshop"
keys Enter C-s
expect_screen "saved $ID" "C-s saves the edit"
check "the proposer is saved" test "$(field_of "$ID" proposer)" = "Jón Sigurðsson"
check "the format is saved" test "$(field_of "$ID" format)" = "half-day workshop"
check "the status is still new" test "$(field_of "$ID" status)" = new

# Enter opens it whole.
keys Enter
expect_screen "┌─ IIIF for newspapers" "Enter opens the proposal"
expect_line_has "proposer" "Jón Sigurðsson" "with the proposer"
expect_line_has "format" "half-day workshop" "and the format"
keys q
expect_screen "1 to triage" "q closes it"

# u undoes the edit: the proposer and format are gone again.
keys u
expect_screen "undid" "u undoes the last edit"
check "the proposer is gone again" test -z "$(field_of "$ID" proposer)"
check "the format too" test -z "$(field_of "$ID" format)"
check "the proposal itself stays" test "$(field_of "$ID" title)" = "IIIF for newspapers"
keys q
expect_screen "[noron exited with 0]" "q quits"

finish
