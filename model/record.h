/*
 * Records as JSON documents: creating them, setting a field from text,
 * checking a whole document against its type's field table, and naming it.
 * Everything here is pure: references are checked through a callback.
 */
#ifndef NORON_RECORD_H
#define NORON_RECORD_H

#include <cJSON.h>
#include <stdbool.h>

#include "fields.h"

#define RECORD_MAX_BYTES (1024 * 1024)	/* endpoints refuse larger documents */

/* Answers whether a record with this id and type exists (and is not deleted). */
typedef bool (*ref_exists_fn)(void *ctx, const char *id, const char *type);

/* A new random id "<type>:<32 hex>". */
char *id_new(const char *type);

/* True for an id noron accepts: "<type>:<key>", printable ASCII, no spaces. */
bool id_valid(const char *id);

/* A new record of type t with a fresh id and the table's initial values. */
cJSON *record_new(const struct type_def *t);

/* The record's type, from its "type" member; NULL when missing or unknown. */
const struct type_def *record_type(const cJSON *doc);
const char *record_id(const cJSON *doc);

/* Sets field `name` from command-line text (an empty text removes it).
 * References may omit the type prefix ("kb-se" for "institution:kb-se"). */
int record_set(cJSON *doc, const char *name, const char *text, char **err);

/* Rewrites values given in a looser form (date-times with an offset) the way
 * they are stored. Returns -1 with a message when a value cannot be read. */
int record_normalize(cJSON *doc, char **err);

/* Checks a whole document: id, type, every field's kind, enum choices,
 * required fields, dates in order, size, and (when exists is given) that
 * references point at existing records. Unknown fields are refused. */
int record_check(const cJSON *doc, ref_exists_fn exists, void *ctx, char **err);

/* The record's name in one line: its title fields joined by " / ". */
char *record_label(const cJSON *doc);

/* The record's name in a narrow column: its FL_SHORT field (else its id's
 * key) from after the last '-', upper-cased, at most RECORD_SHORT_MAX ASCII
 * letters and digits ("kb-dk" gives "DK"); NULL when the type has no such
 * field or nothing is left. */
#define RECORD_SHORT_MAX 3
char *record_short_label(const cJSON *doc);

/* A field's value as text, the way the command line reads it back. */
char *record_field_text(const cJSON *doc, const struct field_def *f);

/* True when two bodies differ at most in their timestamps and signature. */
bool record_same_content(const cJSON *a, const cJSON *b);

/* The names of the fields that differ between two bodies ("title, status"). */
char *record_changed_fields(const cJSON *before, const cJSON *after);

/* The text indexed for full-text search. */
char *record_search_text(const cJSON *doc);

/* Where the record stands among the records listed under one it refers to:
 * "<type>\x01<its type's key field>", so that in the links table a type's
 * records are together and in order (fields.h, type_def.key). */
char *record_link_key(const cJSON *doc);

/* Gives a record the id its fields imply (a standing's follows from its area
 * and institution); other records keep theirs. True when the id changed. */
bool record_derive_id(cJSON *doc);

/* The id a standing of this area and institution must have. */
char *standing_id(const char *area_id, const char *institution_id);

/* The members every record may carry (_id, type, ...), NULL-terminated. */
extern const char *const record_meta_names[];
/* True when the member name is one of them. */
bool record_meta_member(const char *name);

#endif
