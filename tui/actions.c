/*
 * The record actions every pane shares: add, edit (form or $EDITOR),
 * delete, undo and history, each saved through the cache at once; and the
 * report for the directors, written to a file.
 */
#include "form.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "report.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int ui_save_record(struct ui *ui, cJSON *doc, bool is_new, char **err)
{
	if (record_derive_id(doc) && !is_new)
		return err_set(err, "the area and institution of a standing cannot change: "
			       "set that cell instead");
	return cache_save(ui->cache, doc, is_new ? HIST_ADD : HIST_EDIT, err) < 0 ? -1 : 0;
}

static void after_save(struct ui *ui, char *id, const char *what)
{
	if (!id)
		return;
	ui_reload(ui);
	struct pane *p = ui_pane(ui);
	if (!p->ops->select || !p->ops->select(p, id))
		ui_show_record(ui, id);
	ui_message(ui, false, "%s %s", what, id);
	free(id);
}

void ui_add(struct ui *ui)
{
	struct pane *p = ui_pane(ui);
	cJSON *doc = p->ops->new_record ? p->ops->new_record(p) : NULL;
	if (!doc) {
		ui_message(ui, true, "nothing to add here");
		return;
	}
	after_save(ui, form_run(ui, doc, true), "added");
	cJSON_Delete(doc);
}

static cJSON *current_or_say(struct ui *ui)
{
	struct pane *p = ui_pane(ui);
	cJSON *doc = p->ops->current ? p->ops->current(p) : NULL;
	if (!doc)
		ui_message(ui, true, "no record selected");
	return doc;
}

void ui_edit(struct ui *ui)
{
	cJSON *doc = current_or_say(ui);
	if (doc)
		after_save(ui, form_run(ui, doc, false), "saved");
	cJSON_Delete(doc);
}

void ui_edit_text(struct ui *ui)
{
	cJSON *doc = current_or_say(ui);
	if (doc)
		after_save(ui, editor_edit_record(ui, doc, false), "saved");
	cJSON_Delete(doc);
}

void ui_delete(struct ui *ui)
{
	cJSON *doc = current_or_say(ui);
	if (!doc)
		return;
	char *label = record_label(doc);
	char *q = str_printf("Delete %s \"%s\"? (y/n)", record_type(doc)->name, label);
	char *safe = text_sanitize(q, false);
	if (prompt_yes(ui, safe)) {
		char *err = NULL;
		if (cache_delete(ui->cache, record_id(doc), &err))
			ui_message(ui, true, "%s", err);
		else
			ui_message(ui, false, "deleted %s (u undoes)", record_id(doc));
		free(err);
		ui_reload(ui);
	} else {
		ui_message(ui, false, "not deleted");
	}
	free(safe);
	free(q);
	free(label);
	cJSON_Delete(doc);
}

void ui_undo(struct ui *ui)
{
	char *what = NULL, *err = NULL;
	int rc = cache_undo(ui->cache, &what, &err);
	if (rc < 0)
		ui_message(ui, true, "%s", err);
	else if (rc == 0)
		ui_message(ui, false, "nothing to undo");
	else
		ui_message(ui, false, "%s", what);
	free(what);
	free(err);
	ui_reload(ui);
}

void ui_history(struct ui *ui)
{
	cJSON *doc = current_or_say(ui);
	if (doc)
		history_show(ui, record_id(doc));
	cJSON_Delete(doc);
}

/* R: the report as a web page in the home folder, where the Calendar's x
 * puts its files too; the status line names it. */
void ui_report(struct ui *ui)
{
	const char *home = getenv("HOME");
	char *path = report_default_path(home && *home ? home : ".");
	struct report_opts o = { .format = REPORT_HTML };
	char *err = NULL;
	size_t n = home ? strlen(home) : 0;
	if (report_save(ui->cache, path, &o, &err))
		ui_message(ui, true, "%s", err);
	else if (n && !strncmp(path, home, n) && path[n] == '/')
		ui_message(ui, false, "wrote the report to ~%s", path + n);
	else
		ui_message(ui, false, "wrote the report to %s", path);
	free(err);
	free(path);
}
