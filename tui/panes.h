/*
 * The six panes and the modal screens every pane can open.
 */
#ifndef NORON_PANES_H
#define NORON_PANES_H

#include "ui.h"

extern const struct pane_ops pane_areas_ops;
extern const struct pane_ops pane_skills_ops;
extern const struct pane_ops pane_projects_ops;
extern const struct pane_ops pane_calendar_ops;
extern const struct pane_ops pane_proposals_ops;
extern const struct pane_ops pane_people_ops;

void panes_init(struct ui *ui);
void panes_free(struct ui *ui);

/* Modal screens. */
void help_show(struct ui *ui);
void search_run(struct ui *ui, const char *initial);
void history_show(struct ui *ui, const char *id);
void conflicts_show(struct ui *ui);

/* A scrolling text viewer used by help and history: lines until q/Esc. */
void viewer_run(struct ui *ui, const char *title, char **lines, int n);

#endif
