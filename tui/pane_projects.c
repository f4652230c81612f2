/*
 * Projects: ideas, planned, ongoing and past projects, with their areas,
 * institutions, period, contact, funding and whether they want help.
 */
#include "listpane.h"
#include "panes.h"

static void projects_open(struct pane *p)
{
	static const char *const types[] = { "project" };
	listpane_new(p, types, 1);
}

const struct pane_ops pane_projects_ops = {
	.name = "Projects",
	.open = projects_open,
	.close = listpane_close,
	.draw = listpane_draw,
	.action = listpane_action,
	.current = listpane_current,
	.new_record = listpane_new_record,
	.reload = listpane_reload,
	.select = listpane_select,
	.filter = listpane_filter,
	.summary = listpane_summary,
};
