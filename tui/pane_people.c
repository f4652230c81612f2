/*
 * People: the institutions, their staff and the funds, one list each
 * (h and l switch between them). An institution's detail lists its people.
 */
#include "listpane.h"
#include "panes.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void people_extra(struct pane *p, struct tblock *tb, const cJSON *doc)
{
	if (strcmp(record_type(doc)->name, "institution"))
		return;
	tblock_add(tb, ATTR_PLAIN, "");
	tblock_add(tb, theme_attr(ROLE_HEADER), "People");
	cache_linked(p->ui->cache, record_id(doc), type_find("person"), 50, tblock_add_row, tb, NULL);
}

static void people_open(struct pane *p)
{
	static const char *const types[] = { "institution", "person", "fund" };
	struct listpane *lp = listpane_new(p, types, 3);
	lp->extra = people_extra;
}

const struct pane_ops pane_people_ops = {
	.name = "People",
	.open = people_open,
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
