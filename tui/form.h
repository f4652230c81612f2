/*
 * Editing a record in a form built from its type's field table, and in
 * $EDITOR as text. Both save through the cache, so the same rules hold.
 */
#ifndef NORON_FORM_H
#define NORON_FORM_H

#include "ui.h"

/* Edits doc (a new record when is_new) in a form; saves on ^S/w/F2.
 * Returns the saved record's id (to free), or NULL when left unsaved. */
char *form_run(struct ui *ui, cJSON *doc, bool is_new);

/* Edits doc as text in the user's editor until it is valid or unchanged.
 * Returns the saved id, or NULL when nothing was saved. */
char *editor_edit_record(struct ui *ui, const cJSON *doc, bool is_new);

/* Edits a piece of text in the user's editor; 1 changed (*out set), 0 not,
 * -1 error (a message is shown). */
int editor_edit_text(struct ui *ui, const char *text, char **out);

/* Picks a record of type t (every type when NULL) in a popup list, filtered
 * as you type, starting from the filter initial. Returns its id or NULL. */
char *picker_run(struct ui *ui, const struct type_def *t, const char *initial);

#endif
