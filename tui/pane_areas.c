/*
 * Areas, the home screen: the tree of areas of cooperation with a column
 * per institution showing where it stands (a glyph and a colour per level,
 * * for a priority), like a heat map. h/l select a cell; Enter or e sets it.
 */
#include "form.h"
#include "instcols.h"
#include "listpane.h"
#include "panes.h"
#include "record.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CELL_W 4

#define CELLS_KEPT 128
enum { CELL_NONE = -1, CELL_UNKNOWN = -2 };	/* no standing; a level not in the table */

struct cells {			/* an area's row of the matrix, as last read */
	char *area;
	signed char level[INSTCOLS_MAX];	/* index in level_glyphs, or CELL_* */
	bool priority[INSTCOLS_MAX];
};

struct areas {
	struct rlist list;
	cJSON *collapsed;		/* ids of areas whose subareas are hidden */
	char *collapsed_text;
	struct instcols ic;		/* the columns */
	int col, page, detail_scroll;
	struct cells kept[CELLS_KEPT];	/* rows read since the last reload: moving
					 * the cursor reads no standing again */
	int nkept;
};

static const struct {
	const char *utf8, *ascii;
	enum role role;
} level_glyphs[] = {	/* none, planned, started, operational, advanced */
	{ "··", "..", ROLE_LEVEL_NONE }, { "░░", "--", ROLE_LEVEL_PLANNED },
	{ "▒▒", "++", ROLE_LEVEL_STARTED }, { "▓▓", "##", ROLE_LEVEL_OPERATIONAL },
	{ "██", "@@", ROLE_LEVEL_ADVANCED },
};

static void set_collapsed(struct areas *a)
{
	free(a->collapsed_text);
	a->collapsed_text = cJSON_PrintUnformatted(a->collapsed);
	a->list.q.collapsed = a->collapsed_text;
}

static void forget_cells(struct areas *a)
{
	for (int i = 0; i < a->nkept; i++)
		free(a->kept[i].area);
	a->nkept = 0;
}

static void areas_open(struct pane *p)
{
	struct areas *a = calloc(1, sizeof *a);
	rlist_init(&a->list, type_find("area"));
	a->collapsed = cJSON_CreateArray();
	set_collapsed(a);
	p->state = a;
}

static void areas_close(struct pane *p)
{
	struct areas *a = p->state;
	forget_cells(a);
	instcols_free(&a->ic);
	rlist_free(&a->list);
	cJSON_Delete(a->collapsed);
	free(a->collapsed_text);
	free(a);
}

static void areas_reload(struct pane *p)
{
	struct areas *a = p->state;
	forget_cells(a);
	instcols_load(&a->ic, p->ui);
	if (a->col > a->ic.n)
		a->col = a->ic.n;
	rlist_reload(&a->list, p->ui);
}

/* The standing of an area at an institution, or NULL. */
static cJSON *standing_of(struct ui *ui, const char *area, const char *inst)
{
	char *id = standing_id(area, inst);
	struct cache_doc d;
	cJSON *doc = NULL;
	if (cache_get(ui->cache, id, &d, NULL) > 0 && !d.deleted) {
		doc = d.body;
		d.body = NULL;
	}
	cache_doc_free(&d);
	free(id);
	return doc;
}

struct cell_read {
	struct cells *c;
	char *ids[INSTCOLS_MAX];	/* each column's standing id */
	int n;
};

static int take_cell(void *ctx, const struct cache_row *row)
{
	struct cell_read *r = ctx;
	const struct field_def *lf = field_find(type_find("standing"), "level");
	for (int i = 0; i < r->n; i++) {
		if (strcmp(r->ids[i], row->id))
			continue;
		const cJSON *level = cJSON_GetObjectItemCaseSensitive(row->body, "level");
		int l = cJSON_IsString(level) ? enum_index(lf, level->valuestring) : CELL_UNKNOWN;
		r->c->level[i] = l >= 0 ? l : CELL_UNKNOWN;
		r->c->priority[i] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row->body,
										  "priority"));
	}
	return 0;
}

/* An area's cells: kept, or read (its standings are one range of ids) and
 * kept. */
static const struct cells *row_cells(struct pane *p, const char *area)
{
	struct areas *a = p->state;
	for (int i = 0; i < a->nkept; i++)
		if (!strcmp(a->kept[i].area, area))
			return &a->kept[i];
	if (a->nkept == CELLS_KEPT)
		forget_cells(a);
	struct cells *c = &a->kept[a->nkept++];
	c->area = xstrdup(area);
	struct cell_read r = { .c = c, .n = a->ic.n };
	for (int i = 0; i < a->ic.n; i++) {
		c->level[i] = CELL_NONE;
		c->priority[i] = false;
		r.ids[i] = standing_id(area, a->ic.id[i]);
	}
	char *prefix = standing_id(area, "");
	cache_with_prefix(p->ui->cache, prefix, 4 * INSTCOLS_MAX, take_cell, &r, NULL);
	free(prefix);
	for (int i = 0; i < r.n; i++)
		free(r.ids[i]);
	return c;
}

static void draw_cell(struct pane *p, const char *area, int i, int y, int x, bool selected)
{
	const struct cells *c = row_cells(p, area);
	int l = c->level[i];
	char *cell = str_printf(" %s%s", l >= 0 ? (p->ui->utf8 ? level_glyphs[l].utf8
				: level_glyphs[l].ascii) : l == CELL_UNKNOWN ? "??" : "  ",
				c->priority[i] ? "*" : " ");
	int attr = l >= 0 ? theme_attr(level_glyphs[l].role) : ATTR_PLAIN;
	draw_text(y, x, CELL_W, cell, selected ? theme_attr(ROLE_SELECTED) | ATTR_BOLD : attr);
	free(cell);
}

struct row_ctx {
	struct pane *p;
	int title_w;
};

static void draw_area_row(void *ctx, const struct cache_row *row, struct rect line, bool sel)
{
	struct row_ctx *rc = ctx;
	struct areas *a = rc->p->state;
	bool collapsed = false;
	const cJSON *c;
	cJSON_ArrayForEach(c, a->collapsed)
		collapsed |= cJSON_IsString(c) && !strcmp(c->valuestring, row->id);
	const char *mark = !row->children ? "  " : collapsed ? (rc->p->ui->utf8 ? "▸ " : "+ ")
		: (rc->p->ui->utf8 ? "▾ " : "- ");
	char *label = record_label(row->body);
	char *title = str_printf("%*s%s%s", row->depth * 2, "", mark, label);
	int attr = sel && a->col == 0 ? theme_attr(ROLE_SELECTED) : row->depth ? ATTR_PLAIN : ATTR_BOLD;
	draw_text(line.y, line.x, rc->title_w, title, attr);
	for (int i = 0; i < a->ic.n; i++)
		draw_cell(rc->p, row->id, i, line.y, line.x + rc->title_w + i * CELL_W,
			  sel && a->col == i + 1);
	if (sel)
		move(line.y, a->col ? line.x + rc->title_w + (a->col - 1) * CELL_W + 1 : line.x);
	free(title);
	free(label);
}

static void draw_header(struct areas *a, struct rect line, int title_w)
{
	draw_fill(line.y, line.x, line.w, theme_attr(ROLE_HEADER));
	draw_text(line.y, line.x, title_w, "Area", theme_attr(ROLE_HEADER));
	for (int i = 0; i < a->ic.n; i++) {
		char *h = str_printf(" %s", a->ic.code[i]);
		draw_text(line.y, line.x + title_w + i * CELL_W, CELL_W, h, theme_attr(ROLE_HEADER));
		free(h);
	}
}

static cJSON *current_area(struct pane *p)
{
	struct areas *a = p->state;
	return rlist_current(&a->list, p->ui);
}

static void standing_lines(struct pane *p, struct tblock *tb, const char *area)
{
	struct areas *a = p->state;
	tblock_add(tb, ATTR_PLAIN, "");
	tblock_add(tb, theme_attr(ROLE_HEADER), "Where each library stands");
	for (int i = 0; i < a->ic.n; i++) {
		cJSON *s = standing_of(p->ui, area, a->ic.id[i]);
		const cJSON *level = s ? cJSON_GetObjectItemCaseSensitive(s, "level") : NULL;
		const cJSON *note = s ? cJSON_GetObjectItemCaseSensitive(s, "note") : NULL;
		char *line = str_printf("%-3s %-12s%s%s%s", a->ic.code[i],
					cJSON_IsString(level) ? level->valuestring : s ? "?" : "-",
					cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "priority"))
					? " *priority" : "", cJSON_IsString(note) ? "  " : "",
					cJSON_IsString(note) ? note->valuestring : "");
		tblock_add(tb, i + 1 == a->col ? ATTR_BOLD : ATTR_PLAIN, line);
		free(line);
		cJSON_Delete(s);
	}
}

/* The area's standings and what is linked to it, as far as line `upto`:
 * the detail box reads only the lines it can show (a scroll reads on). */
static void area_extra(struct pane *p, struct tblock *tb, const cJSON *doc, int upto)
{
	static const char *const linked[] = { "project", "skill", "event", "proposal" };
	standing_lines(p, tb, record_id(doc));
	for (size_t i = 0; i < sizeof linked / sizeof linked[0]; i++) {
		const struct type_def *t = type_find(linked[i]);
		int before = tb->n, room = upto - tb->n - 2;
		if (room <= 0)
			break;
		tblock_add(tb, ATTR_PLAIN, "");
		char *head = str_printf("%c%s", toupper((unsigned char)t->plural[0]), t->plural + 1);
		tblock_add(tb, theme_attr(ROLE_HEADER), head);
		free(head);
		cache_linked(p->ui->cache, record_id(doc), t, room < 20 ? room : 20,
			     tblock_add_row, tb, NULL);
		if (tb->n - before == 2) {	/* nothing linked: drop the head */
			free(tb->lines[--tb->n]);
			free(tb->lines[--tb->n]);
		}
	}
}

static void areas_draw(struct pane *p, struct rect r)
{
	struct areas *a = p->state;
	struct rect list, detail;
	bool side = true;
	layout_split(r, &list, &detail, &side);
	int title_w = list.w - a->ic.n * CELL_W;
	if (title_w < 12)
		title_w = 12;
	draw_header(a, (struct rect){ .y = list.y, .x = list.x, .h = 1, .w = list.w }, title_w);
	list.y++, list.h--;
	a->page = list.h;
	/* The list first: the detail's record is then one of the rows it read. */
	struct row_ctx rc = { .p = p, .title_w = title_w };
	rlist_draw(&a->list, p->ui, list, draw_area_row, &rc);
	int y, x;
	getyx(stdscr, y, x);
	cJSON *doc = current_area(p);
	struct tblock tb = { .width = detail.w - 1 };
	if (doc) {
		tblock_record(&tb, p->ui, doc);
		area_extra(p, &tb, doc, a->detail_scroll + detail.h + 1);
	}
	tblock_draw(&tb, detail, &a->detail_scroll);
	tblock_free(&tb);
	cJSON_Delete(doc);
	move(y, x);	/* the cursor stays on the selected row */
}

static void toggle(struct pane *p)
{
	struct areas *a = p->state;
	cJSON *doc = current_area(p);
	if (!doc)
		return;
	int n = 0;
	bool found = false;
	cJSON *c;
	cJSON_ArrayForEach(c, a->collapsed) {
		if (!strcmp(c->valuestring, record_id(doc))) {
			cJSON_DeleteItemFromArray(a->collapsed, n);
			found = true;
			break;
		}
		n++;
	}
	if (!found)
		cJSON_AddItemToArray(a->collapsed, cJSON_CreateString(record_id(doc)));
	set_collapsed(a);
	rlist_reload(&a->list, p->ui);
	cJSON_Delete(doc);
}

/* The standing of the selected cell: the stored one, or a new one. */
static cJSON *cell_standing(struct pane *p, bool *is_new)
{
	struct areas *a = p->state;
	cJSON *area = current_area(p);
	if (!area || !a->col) {
		cJSON_Delete(area);
		return NULL;
	}
	cJSON *s = standing_of(p->ui, record_id(area), a->ic.id[a->col - 1]);
	*is_new = !s;
	if (!s) {
		s = record_new(type_find("standing"));
		record_set(s, "area", record_id(area), NULL);
		record_set(s, "institution", a->ic.id[a->col - 1], NULL);
		record_derive_id(s);
	}
	cJSON_Delete(area);
	return s;
}

static void edit_cell(struct pane *p)
{
	bool is_new;
	cJSON *s = cell_standing(p, &is_new);
	if (!s)
		return;
	char *id = form_run(p->ui, s, is_new);
	if (id) {
		ui_reload(p->ui);
		ui_message(p->ui, false, "saved %s", id);
	}
	free(id);
	cJSON_Delete(s);
}

static bool areas_action(struct pane *p, enum action a)
{
	struct areas *st = p->state;
	if (rlist_move(&st->list, a, st->page > 1 ? st->page : 1)) {
		st->detail_scroll = 0;
		return true;
	}
	switch (a) {
	case ACT_LEFT: st->col = st->col > 0 ? st->col - 1 : 0; return true;
	case ACT_RIGHT: st->col = st->col < st->ic.n ? st->col + 1 : st->ic.n; return true;
	case ACT_TOGGLE: toggle(p); return true;
	case ACT_DETAIL_DOWN: st->detail_scroll += 3; return true;
	case ACT_DETAIL_UP: st->detail_scroll -= 3; return true;
	case ACT_BACK:
		if (st->list.filter)
			rlist_set_filter(&st->list, p->ui, NULL);
		else
			st->col = 0;
		return true;
	case ACT_OPEN:
		if (st->col)
			edit_cell(p);
		else
			toggle(p);
		return true;
	case ACT_EDIT:
		if (!st->col)
			return false;
		edit_cell(p);
		return true;
	default:
		return false;
	}
}

static cJSON *areas_current(struct pane *p)
{
	struct areas *a = p->state;
	if (!a->col)
		return current_area(p);
	bool is_new;
	cJSON *s = cell_standing(p, &is_new);
	if (s && is_new) {
		cJSON_Delete(s);
		return NULL;
	}
	return s;
}

static cJSON *areas_new_record(struct pane *p)
{
	struct areas *a = p->state;
	bool is_new;
	if (a->col) {
		cJSON *s = cell_standing(p, &is_new);
		if (s && !is_new)
			ui_message(p->ui, true, "this cell is set already: e edits it");
		if (s && !is_new) {
			cJSON_Delete(s);
			return NULL;
		}
		return s;
	}
	cJSON *doc = record_new(type_find("area"));
	cJSON *parent = current_area(p);
	if (parent)
		record_set(doc, "parent", record_id(parent), NULL);
	cJSON_Delete(parent);
	return doc;
}

static bool areas_select(struct pane *p, const char *id)
{
	struct areas *a = p->state;
	const struct type_def *t = type_of_id(id);
	if (!t || (strcmp(t->name, "area") && strcmp(t->name, "standing")))
		return false;
	cJSON_Delete(a->collapsed);	/* show the whole tree, so id is in it */
	a->collapsed = cJSON_CreateArray();
	set_collapsed(a);
	if (!strcmp(t->name, "area")) {
		a->col = 0;
		return rlist_select(&a->list, p->ui, id);
	}
	struct cache_doc d;
	bool ok = false;
	if (cache_get(p->ui->cache, id, &d, NULL) > 0) {
		const cJSON *area = cJSON_GetObjectItemCaseSensitive(d.body, "area");
		const cJSON *inst = cJSON_GetObjectItemCaseSensitive(d.body, "institution");
		ok = cJSON_IsString(area) && rlist_select(&a->list, p->ui, area->valuestring);
		for (int i = 0; ok && cJSON_IsString(inst) && i < a->ic.n; i++)
			if (!strcmp(a->ic.id[i], inst->valuestring))
				a->col = i + 1;
	}
	cache_doc_free(&d);
	return ok;
}

static void areas_filter(struct pane *p, const char *text)
{
	struct areas *a = p->state;
	rlist_set_filter(&a->list, p->ui, text);
}

static char *areas_summary(struct pane *p)
{
	struct areas *a = p->state;
	if (a->list.filter)
		return str_printf("/%s: %ld match%s", a->list.filter, a->list.count,
				  a->list.count == 1 ? "" : "es");
	if (a->col)
		return str_printf("%s cell: Enter sets it", a->ic.code[a->col - 1]);
	return str_printf("%ld areas  h/l cells  Space folds", a->list.count);
}

const struct pane_ops pane_areas_ops = {
	.name = "Areas",
	.open = areas_open,
	.close = areas_close,
	.draw = areas_draw,
	.action = areas_action,
	.current = areas_current,
	.new_record = areas_new_record,
	.reload = areas_reload,
	.select = areas_select,
	.filter = areas_filter,
	.summary = areas_summary,
};
