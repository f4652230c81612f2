/*
 * What the report's files share: the report as sections of tables, which
 * the gathering fills and each format's writer prints, so that the HTML
 * page and the Markdown say the same. Cells hold the records' text as it
 * is; the writers clean and escape it (it comes from other institutions).
 */
#ifndef NORON_REPORT_INTERNAL_H
#define NORON_REPORT_INTERNAL_H

#include "report.h"

#include <stdbool.h>

#define REPORT_LIST_MAX 50	/* rows of a list before "and N more" */
#define REPORT_EVENTS_MAX 20
#define REPORT_INSTITUTIONS_MAX 64
#define REPORT_AREAS_MAX 5000

/* A cell's level: an index into the standing's level choices, or these. */
enum { REPORT_TEXT = -2, REPORT_UNKNOWN = -1 };

struct report_cell {
	char *text;
	int level;		/* a standing's level: the writers colour it */
	int depth;		/* an area's depth in the tree: indented */
};

struct report_table {
	char *caption;		/* NULL: the section's only table */
	bool wide;		/* scrolls sideways on a phone (the matrix) */
	int ncols;
	char **heads;
	struct report_cell *cells;	/* row after row */
	long nrows, cap;
	long more;		/* rows left out */
	const char *empty;	/* said when it has no rows */
};

struct report_section {
	const char *id;		/* its anchor */
	char *title, *intro;
	struct report_table *tables;
	int ntables;
};

struct report {
	char *title, *made, *sync;
	struct report_section *sections;
	int nsections;
};

/* The libraries and the matrix, as the sections are gathered. */
struct report_inst {
	char *id, *code, *name, *name_en, *country;
};

struct report_standing {
	int level;		/* REPORT_UNKNOWN when none is recorded */
	bool priority;
	char *note;		/* kept for priorities only */
};

struct report_area {
	char *id, *title;
	int depth;
	struct report_standing *at;	/* one per institution */
};

struct report_data {
	struct cache *cache;
	const struct report_opts *opts;
	char *today, *year_on;		/* today and a year later, YYYY-MM-DD */
	struct report_inst inst[REPORT_INSTITUTIONS_MAX];
	int ninst;
	bool own;			/* inst[0] is the library the report is for */
	struct report_area *areas;
	long nareas, more_areas;
	int high;			/* the first level that counts as high */
};

/* Reads the libraries, the areas and their standings; frees them. */
int report_read(struct report_data *d, char **err);
void report_data_free(struct report_data *d);

/* Building the sections. */
struct report_section *report_section(struct report *r, const char *id, char *title,
				      char *intro);
struct report_table *report_table(struct report_section *s, int ncols, const char *empty);
/* A new row of empty text cells. */
struct report_cell *report_row(struct report_table *t);
/* A standing as text: its level's glyph and name, and ★ for a priority. */
char *report_standing_text(const struct report_standing *s);
/* "2026-05-12", or "2026-05-12 08:00 UTC" for a stored date-time. */
char *report_when(const char *when);
/* A referenced record's name (an institution's code), or the id. */
char *report_ref(struct report_data *d, const char *id);

/* A table in s of the first REPORT_LIST_MAX records of the listing q (and
 * a count of the rest), with a column per field (NULL-terminated). */
int report_list(struct report_data *d, struct report_section *s, const struct cache_query *q,
		const char *const *fields, const char *empty, char **err);
extern const char *const report_skill_fields[];

/* The sections of lists, and those of one library's point of view. */
int report_lists(struct report_data *d, struct report *r, char **err);
int report_view(struct report_data *d, struct report *r, char **err);

/* Record text for a page: controls, escape sequences' ESC bytes, invalid
 * UTF-8 and bidirectional overrides dropped, newlines and tabs as spaces. */
char *report_clean(const char *s);

void report_html(const struct report *r, FILE *out);
void report_md(const struct report *r, FILE *out);

#endif
