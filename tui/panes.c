/*
 * The six panes in tab order.
 */
#include "panes.h"

static const struct pane_ops *const pane_order[PANE_COUNT] = {
	&pane_areas_ops, &pane_skills_ops, &pane_projects_ops,
	&pane_calendar_ops, &pane_proposals_ops, &pane_people_ops,
};

void panes_init(struct ui *ui)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		ui->panes[i] = (struct pane){ .ops = pane_order[i], .ui = ui, .number = i + 1 };
		ui->panes[i].ops->open(&ui->panes[i]);
	}
}

void panes_free(struct ui *ui)
{
	for (int i = 0; i < PANE_COUNT; i++)
		ui->panes[i].ops->close(&ui->panes[i]);
}
