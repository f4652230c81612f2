/*
 * Proposals: the workshop proposals, those still to triage first, with a
 * count of what is left to triage on the status line.
 */
#include "listpane.h"
#include "panes.h"
#include "util.h"

#include <stdlib.h>

struct proposals {
	long to_triage;		/* new and under review, counted on reload */
};

static void proposals_open(struct pane *p)
{
	static const char *const types[] = { "proposal" };
	struct listpane *lp = listpane_new(p, types, 1);
	lp->data = calloc(1, sizeof(struct proposals));
}

static void proposals_close(struct pane *p)
{
	struct listpane *lp = p->state;
	free(lp->data);
	listpane_close(p);
}

static void proposals_reload(struct pane *p)
{
	struct listpane *lp = p->state;
	struct proposals *pr = lp->data;
	struct cache_query q = { .type = type_find("proposal"),
				 .match = { { "status", "new" } } };
	long fresh = cache_query_count(p->ui->cache, &q, NULL);
	q.match[0].value = "review";
	pr->to_triage = fresh + cache_query_count(p->ui->cache, &q, NULL);
	listpane_reload(p);
}

static char *proposals_summary(struct pane *p)
{
	struct listpane *lp = p->state;
	struct proposals *pr = lp->data;
	char *list = listpane_summary(p);
	char *s = str_printf("%s, %ld to triage", list, pr->to_triage);
	free(list);
	return s;
}

const struct pane_ops pane_proposals_ops = {
	.name = "Proposals",
	.open = proposals_open,
	.close = proposals_close,
	.draw = listpane_draw,
	.action = listpane_action,
	.current = listpane_current,
	.new_record = listpane_new_record,
	.reload = proposals_reload,
	.select = listpane_select,
	.filter = listpane_filter,
	.summary = proposals_summary,
};
