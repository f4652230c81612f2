/*
 * A scrolling, read-only list of lines in a box: help and history use it.
 */
#include "panes.h"
#include "util.h"

#include <stdlib.h>

static void viewer_draw(struct ui *ui, const char *title, char **lines, int n, int top)
{
	if (ui_too_small(ui))
		return;
	erase();
	struct rect r = { .y = 0, .x = 0, .h = ui->rows - 1, .w = ui->cols };
	draw_box(r, title);
	for (int i = 0; i < r.h - 2 && top + i < n; i++)
		draw_text(1 + i, 2, r.w - 4, lines[top + i], ATTR_PLAIN);
	draw_text(ui->rows - 1, 0, ui->cols, " j/k scroll  q or Esc close ",
		  theme_attr(ROLE_STATUS));
	refresh();
}

void viewer_run(struct ui *ui, const char *title, char **lines, int n)
{
	int top = 0;
	for (;;) {
		int page = ui->rows - 3 > 1 ? ui->rows - 3 : 1, max = n > page ? n - page : 0;
		top = top < 0 ? 0 : top > max ? max : top;
		viewer_draw(ui, title, lines, n, top);
		int key = ui_wait_key(ui);
		switch (key) {
		case KEY_RESIZE: getmaxyx(stdscr, ui->rows, ui->cols); break;
		case 'j': case KEY_DOWN: top++; break;
		case 'k': case KEY_UP: top--; break;
		case KEY_NPAGE: case ' ': top += page; break;
		case KEY_PPAGE: top -= page; break;
		case 'g': case KEY_HOME: top = 0; break;
		case 'G': case KEY_END: top = max; break;
		case 'q': case 27: case '?': case 3: case -1: return;
		}
	}
}
