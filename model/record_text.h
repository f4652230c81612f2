/*
 * A record as text for $EDITOR: a header of `field: value` lines (one per
 * field of the type, empty ones too) and, after a blank line, the type's
 * long text as the body. Lines starting with '#' in the header are comments.
 */
#ifndef NORON_RECORD_TEXT_H
#define NORON_RECORD_TEXT_H

#include <cJSON.h>

/* The text of doc; note (may be NULL) goes on top as comment lines. */
char *record_to_text(const cJSON *doc, const char *note);

/* Applies edited text to a copy of doc; NULL and *err on a bad line or value. */
cJSON *record_from_text(const cJSON *doc, const char *text, char **err);

#endif
