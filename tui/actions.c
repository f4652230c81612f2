/*
 * The record actions every pane shares: add, edit (form or $EDITOR),
 * delete, undo and history. Each saves through the cache at once.
 */
#include "form.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>

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
