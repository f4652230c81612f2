/*
 * A list of records, read from the cache a window at a time: the cursor,
 * the scroll position, the filter and the count. Every list pane is built
 * on it; nothing here holds more than the rows on screen.
 */
#ifndef NORON_RLIST_H
#define NORON_RLIST_H

#include "ui.h"

struct rlist {
	struct cache_query q;
	char *filter;		/* owned copy behind q.filter */
	long cursor, top, count;
	char *cursor_id;	/* the selected record, kept across reloads */
	struct {		/* the rows on screen, as last read: a key that
				 * moves the cursor within them reads nothing */
		struct cache_row *rows;
		int n, h;
		long top;
		bool valid;
	} shown;
};

typedef void (*rlist_row_fn)(void *ctx, const struct cache_row *row, struct rect line,
			     bool selected);

void rlist_init(struct rlist *l, const struct type_def *t);
void rlist_free(struct rlist *l);
/* Re-reads the count and finds the selected record again. */
void rlist_reload(struct rlist *l, struct ui *ui);
/* Moves the cursor; page is the number of visible rows. */
bool rlist_move(struct rlist *l, enum action a, int page);
void rlist_set_filter(struct rlist *l, struct ui *ui, const char *text);
bool rlist_select(struct rlist *l, struct ui *ui, const char *id);
cJSON *rlist_current(struct rlist *l, struct ui *ui);
/* Draws the visible rows through fn (rlist_columns when NULL). */
void rlist_draw(struct rlist *l, struct ui *ui, struct rect r, rlist_row_fn fn, void *ctx);

/* The default row: the type's list columns, the title taking what is left. */
void rlist_columns(struct ui *ui, const cJSON *doc, struct rect line, int attr);
void rlist_header(const struct type_def *t, struct rect line);

/* Splits r into list and detail: side by side when *side asks for it and
 * the screen is wide, stacked otherwise; *side says which it did. */
void layout_split(struct rect r, struct rect *list, struct rect *detail, bool *side);

/* The detail of a record: its fields, wrapped, from line `scroll`. */
struct tblock {
	char **lines;
	int *attrs;
	int n, width;
};
void tblock_add(struct tblock *tb, int attr, const char *text);
void tblock_record(struct tblock *tb, struct ui *ui, const cJSON *doc);
/* Adds a record's name as an indented line (a cache_row_fn over a tblock). */
int tblock_add_row(void *ctx, const struct cache_row *row);
void tblock_draw(struct tblock *tb, struct rect r, int *scroll);
void tblock_free(struct tblock *tb);

#endif
