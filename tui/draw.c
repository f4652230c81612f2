/*
 * Drawing helpers: every piece of text reaches the terminal through
 * draw_text, which makes control characters harmless and cuts by columns.
 */
#include "ui.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void draw_text(int y, int x, int cols, const char *text, int attr)
{
	if (cols <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + cols > COLS)
		cols = COLS - x;
	char *safe = text_sanitize(text ? text : "", false);
	char *cell = text_fit(safe, cols, true);
	attrset(attr);
	mvaddstr(y, x, cell);
	attrset(ATTR_PLAIN);
	free(cell);
	free(safe);
}

void draw_fill(int y, int x, int cols, int attr)
{
	draw_text(y, x, cols, "", attr);
}

void draw_clear(struct rect r)
{
	for (int i = 0; i < r.h; i++)
		draw_fill(r.y + i, r.x, r.w, ATTR_PLAIN);
}

void draw_box(struct rect r, const char *title)
{
	draw_clear(r);
	attrset(theme_attr(ROLE_HEADER));
	mvhline_set(r.y, r.x, WACS_HLINE, r.w);
	mvhline_set(r.y + r.h - 1, r.x, WACS_HLINE, r.w);
	mvvline_set(r.y, r.x, WACS_VLINE, r.h);
	mvvline_set(r.y, r.x + r.w - 1, WACS_VLINE, r.h);
	mvadd_wch(r.y, r.x, WACS_ULCORNER);
	mvadd_wch(r.y, r.x + r.w - 1, WACS_URCORNER);
	mvadd_wch(r.y + r.h - 1, r.x, WACS_LLCORNER);
	mvadd_wch(r.y + r.h - 1, r.x + r.w - 1, WACS_LRCORNER);
	attrset(ATTR_PLAIN);
	if (title) {
		char *t = str_printf(" %s ", title);
		int w = text_width(t);
		draw_text(r.y, r.x + 2, w < r.w - 4 ? w : r.w - 4, t, theme_attr(ROLE_HEADER));
		free(t);
	}
	for (int i = 1; i < r.h - 1; i++)
		draw_fill(r.y + i, r.x + 1, r.w - 2, ATTR_PLAIN);
}

char *ui_ref_label(struct ui *ui, const char *id)
{
	bool deleted;
	char *label = cache_label(ui->cache, id, &deleted);
	if (!label || deleted) {
		free(label);
		return str_printf("%s (missing)", id);
	}
	return label;
}

char *ui_field_text(struct ui *ui, const cJSON *doc, const struct field_def *f)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name);
	if (f->kind == FIELD_REF && cJSON_IsString(v))
		return ui_ref_label(ui, v->valuestring);
	if ((f->kind != FIELD_REFLIST && f->kind != FIELD_VOTES) || !v)
		return record_field_text(doc, f);
	struct buf b = { 0 };
	const cJSON *item;
	cJSON_ArrayForEach(item, v) {
		const char *id = f->kind == FIELD_VOTES ? item->string : item->valuestring;
		char *label = ui_ref_label(ui, id ? id : "?");
		buf_printf(&b, "%s%s", b.len ? ", " : "", label);
		if (f->kind == FIELD_VOTES && cJSON_IsNumber(item))
			buf_printf(&b, " %+d", (int)item->valuedouble);
		free(label);
	}
	return buf_take(&b);
}

char *ui_list_text(struct ui *ui, const cJSON *doc, const struct field_def *f)
{
	if (f->flags & FL_BRIEF)
		return cache_brief_text(ui->cache, doc, f);
	return ui_field_text(ui, doc, f);
}
