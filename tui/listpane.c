/*
 * The list-and-detail pane (see listpane.h).
 */
#include "listpane.h"
#include "panes.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct listpane *listpane_new(struct pane *p, const char *const *types, int n)
{
	struct listpane *lp = calloc(1, sizeof *lp);
	lp->n = n;
	for (int i = 0; i < n; i++)
		rlist_init(&lp->lists[i], type_find(types[i]));
	p->state = lp;
	return lp;
}

struct rlist *listpane_list(struct pane *p)
{
	struct listpane *lp = p->state;
	return &lp->lists[lp->which];
}

void listpane_close(struct pane *p)
{
	struct listpane *lp = p->state;
	for (int i = 0; i < lp->n; i++)
		rlist_free(&lp->lists[i]);
	free(lp);
}

static void draw_subtabs(struct listpane *lp, int y, int x, int w)
{
	draw_fill(y, x, w, ATTR_PLAIN);
	for (int i = 0; i < lp->n; i++) {
		const char *name = lp->lists[i].q.type->plural;
		char *t = str_printf(" %s ", name);
		int tw = text_width(t);
		draw_text(y, x, tw, t, theme_attr(i == lp->which ? ROLE_TAB_ACTIVE : ROLE_DIM));
		x += tw + 1;
		free(t);
	}
}

static void draw_detail(struct pane *p, struct rect r, const cJSON *doc)
{
	struct listpane *lp = p->state;
	struct tblock tb = { .width = r.w - 1 };
	if (doc) {
		tblock_record(&tb, p->ui, doc);
		if (lp->extra)
			lp->extra(p, &tb, doc);
	}
	tblock_draw(&tb, r, &lp->detail_scroll);
	tblock_free(&tb);
}

void listpane_draw(struct pane *p, struct rect r)
{
	struct listpane *lp = p->state;
	struct rlist *l = listpane_list(p);
	struct rect list, detail;
	bool side = !lp->stacked;
	if (lp->n > 1) {
		draw_subtabs(lp, r.y, r.x, r.w);
		r.y++, r.h--;
	}
	layout_split(r, &list, &detail, &side);
	struct rect head = { .y = list.y, .x = list.x, .h = 1, .w = list.w };
	if (lp->header)
		lp->header(p, head);
	else
		rlist_header(l->q.type, head);
	list.y++, list.h--;
	lp->page = list.h;
	/* The list first: the detail's record is then one of the rows it read. */
	rlist_draw(l, p->ui, list, lp->row, p);
	int y, x;
	getyx(stdscr, y, x);
	cJSON *doc = listpane_current(p);
	draw_detail(p, detail, doc);
	cJSON_Delete(doc);
	move(y, x);	/* the cursor stays on the selected row */
}

static void switch_list(struct listpane *lp, int delta)
{
	lp->which = (lp->which + delta + lp->n) % lp->n;
	lp->detail_scroll = 0;
}

void listpane_open_record(struct ui *ui, const cJSON *doc,
			  void (*extra)(struct pane *, struct tblock *, const cJSON *),
			  struct pane *p)
{
	struct tblock tb = { .width = ui->cols - 4 };
	tblock_record(&tb, ui, doc);
	if (extra)
		extra(p, &tb, doc);
	char *label = record_label(doc);
	viewer_run(ui, label, tb.lines, tb.n);
	free(label);
	tblock_free(&tb);
}

bool listpane_action(struct pane *p, enum action a)
{
	struct listpane *lp = p->state;
	struct rlist *l = listpane_list(p);
	if (rlist_move(l, a, lp->page > 1 ? lp->page : 1)) {
		lp->detail_scroll = 0;
		return true;
	}
	switch (a) {
	case ACT_LEFT: case ACT_RIGHT:
		if (lp->n < 2)
			return false;
		switch_list(lp, a == ACT_RIGHT ? 1 : -1);
		return true;
	case ACT_DETAIL_DOWN: lp->detail_scroll += 3; return true;
	case ACT_DETAIL_UP: lp->detail_scroll -= 3; return true;
	case ACT_BACK:
		if (l->filter)
			rlist_set_filter(l, p->ui, NULL);
		return true;
	case ACT_OPEN: {
		cJSON *doc = listpane_current(p);
		if (doc)
			listpane_open_record(p->ui, doc, lp->extra, p);
		cJSON_Delete(doc);
		return true;
	}
	default:
		return false;
	}
}

cJSON *listpane_current(struct pane *p)
{
	return rlist_current(listpane_list(p), p->ui);
}

cJSON *listpane_new_record(struct pane *p)
{
	return record_new(listpane_list(p)->q.type);
}

void listpane_reload(struct pane *p)
{
	struct listpane *lp = p->state;
	for (int i = 0; i < lp->n; i++)
		rlist_reload(&lp->lists[i], p->ui);
}

bool listpane_select(struct pane *p, const char *id)
{
	struct listpane *lp = p->state;
	const struct type_def *t = type_of_id(id);
	for (int i = 0; i < lp->n; i++)
		if (lp->lists[i].q.type == t && rlist_select(&lp->lists[i], p->ui, id)) {
			lp->which = i;
			return true;
		}
	return false;
}

void listpane_filter(struct pane *p, const char *text)
{
	rlist_set_filter(listpane_list(p), p->ui, text);
}

char *listpane_summary(struct pane *p)
{
	struct rlist *l = listpane_list(p);
	if (l->filter)
		return str_printf("/%s: %ld match%s", l->filter, l->count, l->count == 1 ? "" : "es");
	return str_printf("%ld %s", l->count, l->count == 1 ? l->q.type->name : l->q.type->plural);
}
