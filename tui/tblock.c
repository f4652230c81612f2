/*
 * Blocks of wrapped text for detail views: a record's fields, and whatever
 * a pane adds below them (standings, linked records).
 */
#include "dates.h"
#include "rlist.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void tblock_add(struct tblock *tb, int attr, const char *text)
{
	int n;
	char *safe = text_sanitize(text, true);
	char **lines = text_wrap(safe, tb->width > 0 ? tb->width : 1, &n);
	free(safe);
	tb->lines = xrealloc(tb->lines, (size_t)(tb->n + n) * sizeof *tb->lines);
	tb->attrs = xrealloc(tb->attrs, (size_t)(tb->n + n) * sizeof *tb->attrs);
	for (int i = 0; i < n; i++) {
		tb->lines[tb->n] = lines[i];
		tb->attrs[tb->n++] = attr;
	}
	free(lines);
}

void tblock_record(struct tblock *tb, struct ui *ui, const cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	char *label = record_label(doc);
	tblock_add(tb, theme_attr(ROLE_TITLE), label);
	free(label);
	struct cache_doc d;
	bool dirty = cache_get(ui->cache, record_id(doc), &d, NULL) > 0 && d.dirty;
	cache_doc_free(&d);
	char *meta = str_printf("%s  %s%s", t->name, record_id(doc), dirty ? "  (unsynced)" : "");
	tblock_add(tb, theme_attr(ROLE_DIM), meta);
	free(meta);
	const struct field_def *longtext = NULL;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f->kind == FIELD_LONGTEXT) {
			longtext = f;
			continue;
		}
		if ((f->flags & FL_TITLE) && f->kind != FIELD_REF)
			continue;
		char *v = ui_field_text(ui, doc, f);
		if (f->kind == FIELD_WHEN) {	/* stored in UTC, shown in the user's zone */
			char *local = when_local(v, true);
			free(v);
			v = local;
		}
		if (*v) {
			char *line = str_printf("%-12s %s", f->name, v);
			tblock_add(tb, ATTR_PLAIN, line);
			free(line);
		}
		free(v);
	}
	const cJSON *text = longtext ? cJSON_GetObjectItemCaseSensitive(doc, longtext->name) : NULL;
	if (cJSON_IsString(text)) {
		tblock_add(tb, ATTR_PLAIN, "");
		tblock_add(tb, ATTR_PLAIN, text->valuestring);
	}
}

void tblock_draw(struct tblock *tb, struct rect r, int *scroll)
{
	if (*scroll > tb->n - r.h)
		*scroll = tb->n - r.h;
	if (*scroll < 0)
		*scroll = 0;
	for (int i = 0; i < r.h; i++) {
		int at = *scroll + i;
		draw_text(r.y + i, r.x + 1, r.w - 1, at < tb->n ? tb->lines[at] : "",
			  at < tb->n ? tb->attrs[at] : ATTR_PLAIN);
	}
}

void tblock_free(struct tblock *tb)
{
	for (int i = 0; i < tb->n; i++)
		free(tb->lines[i]);
	free(tb->lines);
	free(tb->attrs);
	*tb = (struct tblock){ 0 };
}

int tblock_add_row(void *ctx, const struct cache_row *row)
{
	struct tblock *tb = ctx;
	char *label = record_label(row->body);
	char *line = str_printf("  %s", label);
	tblock_add(tb, ATTR_PLAIN, line);
	free(line);
	free(label);
	return 0;
}
