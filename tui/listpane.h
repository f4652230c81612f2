/*
 * The shape most panes share: one or more record lists (switched with h/l),
 * a detail of the selected record, filter, open, add and edit.
 */
#ifndef NORON_LISTPANE_H
#define NORON_LISTPANE_H

#include "rlist.h"

#define LISTPANE_MAX 3

struct listpane {
	struct rlist lists[LISTPANE_MAX];
	int n, which;
	int detail_scroll, page;
	bool stacked;		/* detail below the list even on wide screens */
	/* Adds pane-specific lines to a record's detail (may be NULL). */
	void (*extra)(struct pane *p, struct tblock *tb, const cJSON *doc);
	/* A pane's own rows and header (both NULL: the type's list columns). */
	void (*row)(void *pane, const struct cache_row *row, struct rect line, bool selected);
	void (*header)(struct pane *p, struct rect line);
	void *data;		/* the pane's own state */
};

/* Sets up p with a list per type name. */
struct listpane *listpane_new(struct pane *p, const char *const *types, int n);
struct rlist *listpane_list(struct pane *p);

void listpane_close(struct pane *p);
void listpane_draw(struct pane *p, struct rect r);
bool listpane_action(struct pane *p, enum action a);
cJSON *listpane_current(struct pane *p);
cJSON *listpane_new_record(struct pane *p);
void listpane_reload(struct pane *p);
bool listpane_select(struct pane *p, const char *id);
void listpane_filter(struct pane *p, const char *text);
char *listpane_summary(struct pane *p);

/* Shows a record full-screen (Enter). */
void listpane_open_record(struct ui *ui, const cJSON *doc,
			  void (*extra)(struct pane *, struct tblock *, const cJSON *),
			  struct pane *p);

#endif
