/*
 * The record types and their fields: one table per type, read by validation,
 * JSON mapping, the command line and listings. Nothing else in noron knows
 * a type's fields by name, except the few rules a field kind cannot express.
 */
#ifndef NORON_FIELDS_H
#define NORON_FIELDS_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum field_kind {
	FIELD_TEXT,	/* one line */
	FIELD_LONGTEXT,	/* several lines */
	FIELD_DATE,	/* YYYY-MM-DD */
	FIELD_WHEN,	/* a date, or a date-time with an offset, kept in UTC */
	FIELD_ENUM,	/* one of .choices */
	FIELD_BOOL,
	FIELD_INT,
	FIELD_URL,	/* http:// or https:// */
	FIELD_EMAIL,
	FIELD_REF,	/* the id of a record of type .ref */
	FIELD_REFLIST,	/* a list of such ids, no duplicates */
	FIELD_VOTES,	/* { id of a .ref record : -1, 0 or +1 } */
};

enum {
	FL_REQUIRED = 1 << 0,
	FL_LIST = 1 << 1,	/* shown as a column in listings */
	FL_TITLE = 1 << 2,	/* names the record in one line */
	FL_SEARCH = 1 << 3,	/* indexed for full-text search */
	FL_DETACH = 1 << 4,	/* a reference cleared (not a refusal) when its target goes */
	FL_SHORT = 1 << 5,	/* names the record in a narrow column, as a code
				 * (record_short_label: "kb-dk" is DK) */
	FL_BRIEF = 1 << 6,	/* a reference whose list column shows the records it
				 * names by their short names ("DK SE") */
	FL_LATEST = 1 << 7,	/* a moment: changed on both sides, the later one is kept */
};

struct field_def {
	const char *name;
	enum field_kind kind;
	unsigned flags;
	const char *const *choices;	/* FIELD_ENUM: NULL-terminated */
	const char *ref;		/* FIELD_REF, FIELD_REFLIST, FIELD_VOTES */
	int width;			/* list column width, in display columns */
	const char *head;		/* the list column's heading, when not the name */
	const char *init;		/* value of a new record when none is given */
	const char *help;
};

struct type_def {
	const char *name;
	const char *plural;
	const struct field_def *fields;
	size_t nfields;
	const char *sort;	/* SQL expression over `body` that orders a listing */
	const char *key;	/* the field that orders it where listed under another
				 * record (the Areas detail): its name, or a date */
	/* Further orders and filters its listings use (SQL expression lists
	 * over `body`), each given an index as .sort is; NULL-terminated. */
	const char *const *indexes;
	const char *help;
	/* After a FL_DETACH reference of this type's record was cleared because
	 * its target was deleted: what else the record does (may be NULL). */
	void (*detached)(cJSON *doc, const char *field);
	/* Before a local edit of this type's record is stored (not an undo, an
	 * import or a pull): what else the edit sets, given the record as it was
	 * (NULL: new) and the time of the edit (may be NULL). */
	void (*edited)(cJSON *doc, const cJSON *before, const char *now);
};

extern const struct type_def *const record_types[];
extern const size_t record_type_count;

const struct type_def *type_find(const char *name);
const struct field_def *field_find(const struct type_def *t, const char *name);
const struct field_def *type_title_field(const struct type_def *t);
const char *field_kind_name(enum field_kind kind);
int enum_index(const struct field_def *f, const char *value);

/* Id prefix of a record id ("area" of "area:web-access"), as its type; NULL if none. */
const struct type_def *type_of_id(const char *id);

#endif
