/*
 * A record's history (H): who changed it, when, and which fields.
 */
#include "panes.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>

struct hist_lines {
	char **lines;
	int n;
};

static int add_line(void *ctx, const struct cache_hist *h)
{
	struct hist_lines *hl = ctx;
	char *fields = record_changed_fields(h->before, h->after);
	hl->lines = xrealloc(hl->lines, (size_t)(hl->n + 1) * sizeof *hl->lines);
	hl->lines[hl->n++] = str_printf("%.10s %.5s  %-7s %-20s %s%s", h->at, h->at + 11, h->kind,
					h->by ? h->by : "", h->undone ? "(undone) " : "", fields);
	free(fields);
	return 0;
}

void history_show(struct ui *ui, const char *id)
{
	struct hist_lines hl = { 0 };
	char *err = NULL;
	if (cache_history(ui->cache, id, add_line, &hl, &err)) {
		ui_message(ui, true, "%s", err);
		free(err);
	} else if (!hl.n) {
		ui_message(ui, false, "no local changes to %s (it came with the seed or a sync)", id);
	} else {
		char *title = str_printf("History of %s", id);
		viewer_run(ui, title, hl.lines, hl.n);
		free(title);
	}
	for (int i = 0; i < hl.n; i++)
		free(hl.lines[i]);
	free(hl.lines);
}
