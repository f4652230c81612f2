/*
 * The help screen, generated from the key table: what `?` lists is what the
 * keys in this pane do.
 */
#include "panes.h"
#include "util.h"

#include <stdlib.h>

void help_show(struct ui *ui)
{
	struct pane *p = ui_pane(ui);
	int n = 0;
	char **lines = NULL;
	for (const struct keydef *k = keydefs; k->act != ACT_NONE; k++) {
		if (!k->label || !(k->panes & IN(p->number)))
			continue;
		lines = xrealloc(lines, (size_t)(n + 1) * sizeof *lines);
		lines[n++] = str_printf("%-8s %s", k->label, k->help);
	}
	char *title = str_printf("Keys in %s", p->ops->name);
	viewer_run(ui, title, lines, n);
	free(title);
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
