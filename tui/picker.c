/*
 * Picking a record in a popup: type to filter (full-text), arrows to move,
 * Enter to pick. Only the visible rows are read from the cache. Without a
 * type it searches every record: the global search.
 */
#include "form.h"
#include "panes.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* The global search counts its matches up to this (shown as "1000+"). */
#define SEARCH_COUNT_CAP 1000

struct picker {
	struct ui *ui;
	const struct type_def *t;
	struct buf filter;
	char *counted;		/* the filter count was taken for: moving the
				 * cursor does not count again */
	long cursor, count, top;
	char *picked;
	struct rect r;
	int row;
};

static int picker_row(void *ctx, const struct cache_row *row)
{
	struct picker *p = ctx;
	bool sel = p->top + p->row == p->cursor;
	char *name = record_label(row->body);
	const struct type_def *t = record_type(row->body);
	char *label = p->t ? xstrdup(name) : str_printf("%-11s %s", t ? t->name : "?", name);
	free(name);
	draw_text(p->r.y + 2 + p->row, p->r.x + 1, p->r.w - 2, label,
		  sel ? theme_attr(ROLE_SELECTED) : ATTR_PLAIN);
	if (sel) {
		free(p->picked);
		p->picked = xstrdup(row->id);
	}
	free(label);
	p->row++;
	return 0;
}

static void picker_draw(struct picker *p)
{
	struct ui *ui = p->ui;
	if (ui_too_small(ui))
		return;
	int w = ui->cols > 74 ? 70 : ui->cols - 2, h = ui->rows > 24 ? 20 : ui->rows - 2;
	p->r = (struct rect){ .y = (ui->rows - h) / 2, .x = (ui->cols - w) / 2, .h = h, .w = w };
	char *title = str_printf("%s (type to filter, Enter picks, Esc cancels)",
				 p->t ? p->t->plural : "search every record");
	draw_box(p->r, title);
	free(title);
	char *line = str_printf("filter: %s", p->filter.s ? p->filter.s : "");
	draw_text(p->r.y + 1, p->r.x + 1, w - 2, line, ATTR_BOLD);
	free(line);
	struct cache_query q = { .type = p->t, .filter = p->filter.len ? p->filter.s : NULL };
	const char *now = q.filter ? q.filter : "";
	if (!p->counted || strcmp(p->counted, now)) {
		p->count = p->t ? cache_query_count(ui->cache, &q, NULL)
			: q.filter ? cache_search_count(ui->cache, q.filter, SEARCH_COUNT_CAP, NULL) : 0;
		free(p->counted);
		p->counted = xstrdup(now);
	}
	if (q.filter && p->count > 0) {
		char *n = str_printf(" %ld%s match%s ", p->count,
				     !p->t && p->count >= SEARCH_COUNT_CAP ? "+" : "",
				     p->count == 1 ? "" : "es");
		int nw = (int)strlen(n);
		if (nw < w - 20)
			draw_text(p->r.y + 1, p->r.x + w - 1 - nw, nw, n, theme_attr(ROLE_DIM));
		free(n);
	}
	if (p->cursor >= p->count)
		p->cursor = p->count > 0 ? p->count - 1 : 0;
	long rows = h - 3;
	p->top = p->cursor < rows ? 0 : p->cursor - rows + 1;
	p->row = 0;
	free(p->picked);
	p->picked = NULL;
	if (p->t)
		cache_query_rows(ui->cache, &q, p->top, rows, picker_row, p, NULL);
	else if (q.filter)
		cache_search(ui->cache, q.filter, p->top, rows, picker_row, p, NULL);
	if (!p->count)
		draw_text(p->r.y + 2, p->r.x + 1, w - 2, "no match", theme_attr(ROLE_DIM));
	refresh();
}

static void filter_backspace(struct buf *b)
{
	while (b->len && ((unsigned char)b->s[b->len - 1] & 0xC0) == 0x80)
		b->len--;
	if (b->len)
		b->len--;
	if (b->s)
		b->s[b->len] = '\0';
}

char *picker_run(struct ui *ui, const struct type_def *t, const char *initial)
{
	struct picker p = { .ui = ui, .t = t };
	if (initial)
		buf_puts(&p.filter, initial);
	for (;;) {
		picker_draw(&p);
		int key = ui_wait_key(ui);
		if (key == KEY_RESIZE) {
			getmaxyx(stdscr, ui->rows, ui->cols);
			erase();
		} else if (key == KEY_DOWN) {
			p.cursor += p.cursor + 1 < p.count;
		} else if (key == KEY_UP) {
			p.cursor -= p.cursor > 0;
		} else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (p.picked)
				break;
		} else if (key == 27 || key == 3 || key == -1) {
			free(p.picked);
			p.picked = NULL;
			break;
		} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
			filter_backspace(&p.filter);
		} else if (ui_key_char(key) >= 0 && iswprint((wint_t)ui_key_char(key))) {
			char mb[8] = { 0 };
			int n = wctomb(mb, (wchar_t)ui_key_char(key));
			if (n > 0)
				buf_add(&p.filter, mb, (size_t)n);
			p.cursor = 0;
		}
	}
	free(p.filter.s);
	free(p.counted);
	return p.picked;
}

void search_run(struct ui *ui, const char *initial)
{
	char *id = picker_run(ui, NULL, initial);
	if (id)
		ui_show_record(ui, id);
	free(id);
}
