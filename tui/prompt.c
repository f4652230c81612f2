/*
 * Modal input (see prompt.h). The line editor keeps wide characters, so the
 * cursor moves by character and the width by display columns.
 */
#include "prompt.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

struct line {
	wchar_t *s;
	size_t len, cap, cursor;
};

static void line_insert(struct line *l, wchar_t c)
{
	if (l->len + 2 > l->cap) {
		l->cap = (l->len + 2) * 2;
		l->s = xrealloc(l->s, l->cap * sizeof *l->s);
	}
	memmove(l->s + l->cursor + 1, l->s + l->cursor, (l->len - l->cursor) * sizeof *l->s);
	l->s[l->cursor++] = c;
	l->s[++l->len] = 0;
}

static void line_delete(struct line *l, size_t at)
{
	if (at >= l->len)
		return;
	memmove(l->s + at, l->s + at + 1, (l->len - at) * sizeof *l->s);
	l->len--;
	if (l->cursor > at)
		l->cursor--;
}

static char *line_utf8(const struct line *l)
{
	size_t n = wcstombs(NULL, l->s ? l->s : L"", 0);
	if (n == (size_t)-1)
		return xstrdup("");
	char *out = xmalloc(n + 1);
	wcstombs(out, l->s ? l->s : L"", n + 1);
	return out;
}

static void line_set(struct line *l, const char *text)
{
	size_t n = mbstowcs(NULL, text, 0);
	if (n == (size_t)-1)
		n = 0;
	l->cap = n + 16;
	l->s = xrealloc(l->s, l->cap * sizeof *l->s);
	if (n)
		mbstowcs(l->s, text, n + 1);
	l->s[n] = 0;
	l->len = l->cursor = n;
}

static void line_draw(struct ui *ui, const char *label, const struct line *l)
{
	if (ui_too_small(ui))
		return;
	int y = ui->rows - 1, lw = text_width(label);
	draw_fill(y, 0, ui->cols, ATTR_PLAIN);
	draw_text(y, 0, lw, label, ATTR_BOLD);
	int room = ui->cols - lw - 1, before = 0;
	size_t start = 0;
	for (size_t i = 0; i < l->cursor; i++)
		before += wcwidth(l->s[i]) > 0 ? wcwidth(l->s[i]) : 1;
	while (before > room && start < l->cursor) {
		before -= wcwidth(l->s[start]) > 0 ? wcwidth(l->s[start]) : 1;
		start++;
	}
	struct line shown = { .s = l->s + start, .len = l->len - start };
	char *text = line_utf8(&shown);
	draw_text(y, lw, room, text, ATTR_PLAIN);
	free(text);
	move(y, lw + before);
	curs_set(1);
	refresh();
}

static bool line_key(struct line *l, int key)
{
	switch (key) {
	case KEY_LEFT: if (l->cursor) l->cursor--; return false;
	case KEY_RIGHT: if (l->cursor < l->len) l->cursor++; return false;
	case KEY_HOME: case 1: l->cursor = 0; return false;
	case KEY_END: case 5: l->cursor = l->len; return false;
	case KEY_BACKSPACE: case 127: case 8:
		if (l->cursor)
			line_delete(l, l->cursor - 1);
		return true;
	case KEY_DC: case 4: line_delete(l, l->cursor); return true;
	case 21: l->len = l->cursor = 0; if (l->s) l->s[0] = 0; return true;	/* ^U */
	case 23:	/* ^W: the word before the cursor */
		while (l->cursor && l->s[l->cursor - 1] == ' ')
			line_delete(l, l->cursor - 1);
		while (l->cursor && l->s[l->cursor - 1] != ' ')
			line_delete(l, l->cursor - 1);
		return true;
	default:
		key = ui_key_char(key);
		if (key < 0 || !iswprint((wint_t)key))
			return false;
		line_insert(l, (wchar_t)key);
		return true;
	}
}

int prompt_line(struct ui *ui, const char *label, const char *initial,
		prompt_change_fn on_change, void *ctx, char **out)
{
	struct line l = { 0 };
	line_set(&l, initial ? initial : "");
	int rc = 0;
	*out = NULL;
	for (;;) {
		line_draw(ui, label, &l);
		int key = ui_wait_key(ui);
		if (key == KEY_RESIZE) {
			ui_draw(ui);
			continue;
		}
		if (key == 27 || key == 3 || key == 7 || key == -1) {
			rc = 0;
			break;
		}
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			*out = line_utf8(&l);
			rc = 1;
			break;
		}
		if (line_key(&l, key) && on_change) {
			char *text = line_utf8(&l);
			on_change(ctx, text);
			free(text);
			ui_draw(ui);
		}
	}
	curs_set(0);
	free(l.s);
	return rc;
}

bool prompt_yes(struct ui *ui, const char *question)
{
	for (;;) {
		if (!ui_too_small(ui)) {
			draw_text(ui->rows - 1, 0, ui->cols, question, theme_attr(ROLE_ERROR));
			refresh();
		}
		int key = ui_wait_key(ui);
		if (key == KEY_RESIZE) {
			ui_draw(ui);
			continue;
		}
		return key == 'y' || key == 'Y';	/* -1 (terminal gone) is a no */
	}
}

struct chooser {
	const char *const *items;
	int n, cursor, top;
};

static void chooser_draw(struct ui *ui, const char *title, struct chooser *ch)
{
	if (ui_too_small(ui))
		return;
	int w = ui->cols > 70 ? 60 : ui->cols - 4, h = ch->n + 2;
	if (h > ui->rows - 4)
		h = ui->rows - 4;
	struct rect r = { .y = (ui->rows - h) / 2, .x = (ui->cols - w) / 2, .h = h, .w = w };
	draw_box(r, title);
	int rows = h - 2;
	if (ch->cursor < ch->top)
		ch->top = ch->cursor;
	if (ch->cursor >= ch->top + rows)
		ch->top = ch->cursor - rows + 1;
	for (int i = 0; i < rows && ch->top + i < ch->n; i++) {
		int idx = ch->top + i;
		draw_text(r.y + 1 + i, r.x + 1, w - 2, ch->items[idx],
			  idx == ch->cursor ? theme_attr(ROLE_SELECTED) : ATTR_PLAIN);
	}
	move(r.y + 1 + ch->cursor - ch->top, r.x + 1);
	refresh();
}

int prompt_choose(struct ui *ui, const char *title, const char *const *items, int n,
		  int current)
{
	struct chooser ch = { .items = items, .n = n, .cursor = current < 0 ? 0 : current };
	if (n <= 0)
		return -1;
	for (;;) {
		chooser_draw(ui, title, &ch);
		int key = ui_wait_key(ui);
		if (key == KEY_RESIZE)
			ui_draw(ui);
		else if (key == 'j' || key == KEY_DOWN)
			ch.cursor = ch.cursor + 1 < n ? ch.cursor + 1 : ch.cursor;
		else if (key == 'k' || key == KEY_UP)
			ch.cursor = ch.cursor ? ch.cursor - 1 : 0;
		else if (key == '\r' || key == '\n' || key == KEY_ENTER)
			return ch.cursor;
		else if (key == 27 || key == 'q' || key == 3 || key == -1)
			return -1;
	}
}
