/*
 * The windowed record list (see rlist.h).
 */
#include "rlist.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void rlist_init(struct rlist *l, const struct type_def *t)
{
	*l = (struct rlist){ .q = { .type = t }, .count = -1 };
}

static void forget_shown(struct rlist *l)
{
	for (int i = 0; i < l->shown.n; i++)
		cache_row_clear(&l->shown.rows[i]);
	l->shown.n = 0;
	l->shown.valid = false;
}

void rlist_free(struct rlist *l)
{
	forget_shown(l);
	free(l->shown.rows);
	free(l->filter);
	free(l->cursor_id);
}

static void clamp(struct rlist *l)
{
	if (l->cursor >= l->count)
		l->cursor = l->count - 1;
	if (l->cursor < 0)
		l->cursor = 0;
}

void rlist_reload(struct rlist *l, struct ui *ui)
{
	forget_shown(l);
	l->q.total = 0;
	l->count = cache_query_count(ui->cache, &l->q, NULL);
	if (l->count < 0)
		l->count = 0;
	l->q.total = l->count;	/* windows near the end are read from it */
	if (l->cursor_id) {
		long at = cache_query_position(ui->cache, &l->q, l->cursor_id, NULL);
		if (at >= 0)
			l->cursor = at;
	}
	clamp(l);
}

bool rlist_move(struct rlist *l, enum action a, int page)
{
	long was = l->cursor;
	switch (a) {
	case ACT_DOWN: l->cursor++; break;
	case ACT_UP: l->cursor--; break;
	case ACT_TOP: l->cursor = 0; break;
	case ACT_BOTTOM: l->cursor = l->count - 1; break;
	case ACT_PAGE_DOWN: l->cursor += page; l->top += page; break;
	case ACT_PAGE_UP: l->cursor -= page; l->top -= page; break;
	case ACT_HALF_DOWN: l->cursor += page / 2; l->top += page / 2; break;
	case ACT_HALF_UP: l->cursor -= page / 2; l->top -= page / 2; break;
	case ACT_NEXT_MATCH: l->cursor = l->count ? (l->cursor + 1) % l->count : 0; break;
	case ACT_PREV_MATCH:
		l->cursor = l->count ? (l->cursor + l->count - 1) % l->count : 0;
		break;
	default:
		return false;
	}
	clamp(l);
	if (l->top < 0)
		l->top = 0;
	if (was != l->cursor) {
		free(l->cursor_id);
		l->cursor_id = NULL;	/* set again when the row is drawn */
	}
	return true;
}

void rlist_set_filter(struct rlist *l, struct ui *ui, const char *text)
{
	free(l->filter);
	l->filter = text && *text ? xstrdup(text) : NULL;
	l->q.filter = l->filter;
	l->cursor = l->top = 0;
	free(l->cursor_id);
	l->cursor_id = NULL;
	rlist_reload(l, ui);
}

bool rlist_select(struct rlist *l, struct ui *ui, const char *id)
{
	long at = cache_query_position(ui->cache, &l->q, id, NULL);
	if (at < 0 && l->filter) {
		rlist_set_filter(l, ui, NULL);	/* the record may be filtered out */
		at = cache_query_position(ui->cache, &l->q, id, NULL);
	}
	if (at < 0)
		return false;
	l->cursor = at;
	free(l->cursor_id);
	l->cursor_id = xstrdup(id);
	rlist_reload(l, ui);
	return true;
}

static int keep_one(void *ctx, const struct cache_row *row)
{
	cJSON **out = ctx;
	*out = cJSON_Duplicate(row->body, 1);
	return 0;
}

cJSON *rlist_current(struct rlist *l, struct ui *ui)
{
	long i = l->cursor - l->shown.top;
	if (l->shown.valid && i >= 0 && i < l->shown.n)
		return cJSON_Duplicate(l->shown.rows[i].body, 1);
	cJSON *doc = NULL;
	if (l->count > 0)
		cache_query_rows(ui->cache, &l->q, l->cursor, 1, keep_one, &doc, NULL);
	return doc;
}

/* Keeps a copy of a row read for the screen. */
static int keep_shown(void *ctx, const struct cache_row *row)
{
	struct rlist *l = ctx;
	if (l->shown.n >= l->shown.h)
		return 0;
	cache_row_copy(&l->shown.rows[l->shown.n++], row);
	return 0;
}

/* The rows from top, h of them, read unless they are the ones shown. */
static void read_shown(struct rlist *l, struct ui *ui, int h)
{
	if (l->shown.valid && l->shown.top == l->top && l->shown.h == h)
		return;
	forget_shown(l);
	if (h > l->shown.h || !l->shown.rows)
		l->shown.rows = xrealloc(l->shown.rows, (h > 0 ? h : 1) * sizeof *l->shown.rows);
	l->shown.h = h;
	l->shown.top = l->top;
	l->shown.valid = !cache_query_rows(ui->cache, &l->q, l->top, h, keep_shown, l, NULL);
}

struct draw_ctx {
	struct rlist *l;
	struct ui *ui;
	struct rect r;
	int row;
	rlist_row_fn fn;
	void *ctx;
	int sel_y, sel_x;	/* where the selected row wants the cursor */
};

static int draw_row(void *ctx, const struct cache_row *row)
{
	struct draw_ctx *d = ctx;
	long index = d->l->top + d->row;
	bool sel = index == d->l->cursor;
	struct rect line = { .y = d->r.y + d->row, .x = d->r.x, .h = 1, .w = d->r.w };
	if (sel && (!d->l->cursor_id || strcmp(d->l->cursor_id, row->id))) {
		free(d->l->cursor_id);
		d->l->cursor_id = xstrdup(row->id);
	}
	if (d->fn)
		d->fn(d->ctx, row, line, sel);
	else
		rlist_columns(d->ui, row->body, line, sel ? theme_attr(ROLE_SELECTED) : ATTR_PLAIN);
	if (sel && d->fn)
		getyx(stdscr, d->sel_y, d->sel_x);
	else if (sel)
		d->sel_y = line.y, d->sel_x = line.x;
	d->row++;
	return 0;
}

void rlist_draw(struct rlist *l, struct ui *ui, struct rect r, rlist_row_fn fn, void *ctx)
{
	if (l->count < 0)
		rlist_reload(l, ui);
	if (l->cursor < l->top)
		l->top = l->cursor;
	if (l->cursor >= l->top + r.h)
		l->top = l->cursor - r.h + 1;
	if (l->top > 0 && l->top + r.h > l->count)
		l->top = l->count > r.h ? l->count - r.h : 0;
	struct draw_ctx d = { .l = l, .ui = ui, .r = r, .fn = fn, .ctx = ctx, .sel_y = r.y,
			      .sel_x = r.x };
	read_shown(l, ui, r.h);
	for (int i = 0; i < l->shown.n; i++)
		draw_row(&d, &l->shown.rows[i]);
	for (int i = d.row; i < r.h; i++)
		draw_fill(r.y + i, r.x, r.w, ATTR_PLAIN);
	if (!l->count)
		draw_text(r.y, r.x, r.w, l->filter ? "  no match (Esc clears the filter)"
			  : "  nothing here yet (a adds)", theme_attr(ROLE_DIM));
	move(d.sel_y, d.sel_x);	/* screen readers follow the cursor */
}

#define TITLE_MIN 25	/* the title column (with its leading blank) never
			 * gets less: what tells one row from another */
#define COLUMN_MIN 8	/* a column of names is cut no narrower */

/* The narrowest a column is cut to: a choice, a date, a number or yes/no
 * is not cut at all (its width fits every value), names down to COLUMN_MIN. */
static int column_min(const struct field_def *f)
{
	switch (f->kind) {
	case FIELD_ENUM: case FIELD_BOOL: case FIELD_DATE: case FIELD_WHEN: case FIELD_INT:
		return f->width;
	default:
		return f->width < COLUMN_MIN ? f->width : COLUMN_MIN;
	}
}

/* The width each list column gets; the title takes what the others leave.
 * When they do not all fit, the widest are cut first, and columns that do
 * not fit even at their narrowest are dropped from the right. */
static int column_widths(const struct type_def *t, int w, int *widths)
{
	int title = -1, used = 0, room = w - TITLE_MIN;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		widths[i] = 0;
		if (!(f->flags & FL_LIST))
			continue;
		if (title < 0 && (f->flags & FL_TITLE)) {
			title = (int)i;
			continue;
		}
		if (used + column_min(f) + 1 > room)
			continue;
		widths[i] = f->width;
		used += column_min(f) + 1;
	}
	for (size_t i = 0; i < t->nfields; i++)	/* used: now at full width */
		used += widths[i] ? widths[i] - column_min(&t->fields[i]) : 0;
	while (used > room) {
		int widest = -1;
		for (size_t i = 0; i < t->nfields; i++)
			if (widths[i] > column_min(&t->fields[i])
			    && (widest < 0 || widths[i] > widths[widest]))
				widest = (int)i;
		if (widest < 0)
			break;
		widths[widest]--;
		used--;
	}
	if (title >= 0)
		widths[title] = w - used - 1;
	return title;
}

void rlist_columns(struct ui *ui, const cJSON *doc, struct rect line, int attr)
{
	const struct type_def *t = record_type(doc);
	int widths[32], x = line.x;
	column_widths(t, line.w, widths);
	draw_fill(line.y, line.x, line.w, attr);
	for (size_t i = 0; i < t->nfields && i < 32; i++) {
		if (!widths[i])
			continue;
		char *v = ui_list_text(ui, doc, &t->fields[i]);
		draw_text(line.y, x + 1, widths[i], v, attr);
		x += widths[i] + 1;
		free(v);
	}
}

void rlist_header(const struct type_def *t, struct rect line)
{
	int widths[32], x = line.x;
	column_widths(t, line.w, widths);
	draw_fill(line.y, line.x, line.w, theme_attr(ROLE_HEADER));
	for (size_t i = 0; i < t->nfields && i < 32; i++) {
		const struct field_def *f = &t->fields[i];
		if (!widths[i])
			continue;
		draw_text(line.y, x + 1, widths[i], f->head ? f->head : f->name,
			  theme_attr(ROLE_HEADER));
		x += widths[i] + 1;
	}
}

void layout_split(struct rect r, struct rect *list, struct rect *detail, bool *side)
{
	*side = *side && r.w >= 100;
	if (*side) {
		int lw = r.w * 58 / 100;
		*list = (struct rect){ .y = r.y, .x = r.x, .h = r.h, .w = lw };
		*detail = (struct rect){ .y = r.y, .x = r.x + lw + 1, .h = r.h, .w = r.w - lw - 1 };
		attrset(theme_attr(ROLE_DIM));
		mvvline_set(r.y, r.x + lw, WACS_VLINE, r.h);
		attrset(ATTR_PLAIN);
	} else {
		int lh = r.h * 55 / 100;
		*list = (struct rect){ .y = r.y, .x = r.x, .h = lh, .w = r.w };
		*detail = (struct rect){ .y = r.y + lh + 1, .x = r.x, .h = r.h - lh - 1, .w = r.w };
		attrset(theme_attr(ROLE_DIM));
		mvhline_set(r.y + lh, r.x, WACS_HLINE, r.w);
		attrset(ATTR_PLAIN);
	}
}
