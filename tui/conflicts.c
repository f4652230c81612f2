/*
 * The Conflicts screen (C): each record both sides changed, with base, mine
 * and theirs for every conflicting field. m keeps mine, t takes theirs, f
 * chooses field by field, E edits the merged record in $EDITOR, Enter shows
 * it in its pane (mine in each conflicting field); edits the endpoint
 * refused are listed below with its reason: Enter opens one to correct it,
 * t discards it (the endpoint's version back), m sends it again.
 */
#include "form.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "replica.h"
#include "rlist.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct item {
	char *id;
	char *reason;		/* a refused edit; NULL for a conflict */
};

struct screen {
	struct ui *ui;
	struct item *items;
	int n, cursor, scroll;
};

static void add_item(struct screen *s, const char *id, const char *reason)
{
	s->items = xrealloc(s->items, (size_t)(s->n + 1) * sizeof *s->items);
	s->items[s->n++] = (struct item){ .id = xstrdup(id), .reason = reason ? xstrdup(reason)
					  : NULL };
}

static int take_conflict(void *ctx, const struct conflict *k)
{
	add_item(ctx, k->id, NULL);
	return 0;
}

static int take_rejected(void *ctx, const char *id, const char *reason)
{
	add_item(ctx, id, reason);
	return 0;
}

static void load(struct screen *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->items[i].id);
		free(s->items[i].reason);
	}
	s->n = 0;
	conflicts_list(s->ui->cache, take_conflict, s, NULL);
	replica_rejected_list(s->ui->cache, take_rejected, s, NULL);
	if (s->cursor >= s->n)
		s->cursor = s->n ? s->n - 1 : 0;
}

static char *value_text(struct ui *ui, const cJSON *doc, const char *field)
{
	if (!doc)
		return xstrdup("(deleted)");
	const struct type_def *t = record_type(doc);
	const struct field_def *f = t ? field_find(t, field) : NULL;
	if (f)
		return ui_field_text(ui, doc, f);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, field);
	return v ? cJSON_PrintUnformatted(v) : xstrdup("-");
}

struct detail_ctx {
	struct screen *s;
	struct tblock *tb;
};

static int describe(void *ctx, const struct conflict *k)
{
	struct detail_ctx *d = ctx;
	char *label = record_label(k->mine ? k->mine : k->theirs);
	char *head = str_printf("%s  (%s)", label, k->id);
	tblock_add(d->tb, theme_attr(ROLE_TITLE), head);
	free(head), free(label);
	const cJSON *f;
	cJSON_ArrayForEach(f, k->fields) {
		const char *name = f->valuestring;
		bool del = !strcmp(name, "_deleted");
		tblock_add(d->tb, theme_attr(ROLE_HEADER), del ? "edited on one side, deleted on "
			   "the other" : name);
		static const char *const sides[] = { "base  ", "mine  ", "theirs" };
		const cJSON *docs[] = { k->base, k->mine, k->theirs };
		for (int i = 0; i < 3; i++) {
			char *v = del ? xstrdup(docs[i] ? "present" : "(deleted)")
				: value_text(d->s->ui, docs[i], name);
			char *line = str_printf("  %s %s", sides[i], v);
			tblock_add(d->tb, ATTR_PLAIN, line);
			free(line), free(v);
		}
	}
	return 0;
}

static void draw(struct screen *s)
{
	struct ui *ui = s->ui;
	if (ui_too_small(ui))
		return;
	erase();
	struct rect r = { .y = 0, .x = 0, .h = ui->rows - 1, .w = ui->cols };
	draw_box(r, "Conflicts and refused edits");
	int list_h = s->n < (r.h - 2) / 3 ? s->n : (r.h - 2) / 3;
	int top = s->cursor >= list_h ? s->cursor - list_h + 1 : 0;
	for (int i = 0; i < list_h; i++) {
		struct item *it = &s->items[top + i];
		char *line = it->reason ? str_printf("refused   %s: %s", it->id, it->reason)
			: str_printf("conflict  %s", it->id);
		draw_text(1 + i, 2, r.w - 4, line, top + i == s->cursor ? theme_attr(ROLE_SELECTED)
			  : ATTR_PLAIN);
		free(line);
	}
	if (!s->n)
		draw_text(1, 2, r.w - 4, "nothing to resolve: no conflicts, no refused edits",
			  theme_attr(ROLE_DIM));
	struct tblock tb = { .width = r.w - 5 };
	struct detail_ctx d = { .s = s, .tb = &tb };
	if (s->n && !s->items[s->cursor].reason)
		conflict_get(ui->cache, s->items[s->cursor].id, describe, &d, NULL);
	struct rect det = { .y = 2 + list_h, .x = 2, .h = r.h - 3 - list_h, .w = r.w - 4 };
	tblock_draw(&tb, det, &s->scroll);
	tblock_free(&tb);
	if (ui->message)	/* what the last key did */
		draw_text(ui->rows - 1, 0, ui->cols, ui->message,
			  theme_attr(ui->message_error ? ROLE_ERROR : ROLE_STATUS));
	else if (s->n && s->items[s->cursor].reason)
		draw_text(ui->rows - 1, 0, ui->cols, " j/k move  Enter open to correct  t discard "
			  "(take theirs)  m send again  q close ", theme_attr(ROLE_STATUS));
	else
		draw_text(ui->rows - 1, 0, ui->cols, " j/k move  m keep mine  t take theirs  f field "
			  "by field  E edit  Enter open  q close ", theme_attr(ROLE_STATUS));
	move(1 + s->cursor - top, 2);
	refresh();
}

/* The record as it should be, from choosing a side for each field. */
struct fields_ctx {
	struct screen *s;
	cJSON *result;		/* starts as the stored body (mine for conflicting fields) */
	bool theirs;		/* m or t: the side wanted */
	bool deleted, cancelled;
};

static int choose_fields(void *ctx, const struct conflict *k)
{
	struct fields_ctx *fc = ctx;
	const cJSON *f;
	cJSON_ArrayForEach(f, k->fields) {
		char *mine = value_text(fc->s->ui, k->mine, f->valuestring);
		char *theirs = value_text(fc->s->ui, k->theirs, f->valuestring);
		char *a = str_printf("mine:   %s", mine), *b = str_printf("theirs: %s", theirs);
		const char *items[] = { a, b };
		int pick = prompt_choose(fc->s->ui, f->valuestring, items, 2, 0);
		free(mine), free(theirs), free(a), free(b);
		if (pick < 0) {
			fc->cancelled = true;
			return 1;
		}
		const cJSON *side = pick ? k->theirs : k->mine;
		if (!strcmp(f->valuestring, "_deleted")) {
			fc->deleted = !side;
			if (side) {
				cJSON_Delete(fc->result);
				fc->result = cJSON_Duplicate(side, 1);
			}
			continue;
		}
		const cJSON *v = side ? cJSON_GetObjectItemCaseSensitive(side, f->valuestring) : NULL;
		cJSON_DeleteItemFromObjectCaseSensitive(fc->result, f->valuestring);
		if (v)
			cJSON_AddItemToObject(fc->result, f->valuestring, cJSON_Duplicate(v, 1));
	}
	return 0;
}

static int whole_side(void *ctx, const struct conflict *k)
{
	struct fields_ctx *fc = ctx;
	cJSON *stored = fc->result;
	fc->result = conflict_pick(k, stored, fc->theirs);
	fc->deleted = !fc->result;
	cJSON_Delete(stored);
	return 0;
}

static void settle(struct screen *s, const cJSON *result, const char *how)
{
	char *err = NULL;
	const char *id = s->items[s->cursor].id;
	if (conflict_resolve(s->ui->cache, id, result, &err))
		ui_message(s->ui, true, "%s", err);
	else
		ui_message(s->ui, false, "%s: %s; it goes up at the next sync (S)", id, how);
	free(err);
	load(s);
}

static void resolve(struct screen *s, int key)
{
	const char *id = s->items[s->cursor].id;
	struct cache_doc d;
	if (cache_get(s->ui->cache, id, &d, NULL) <= 0)
		return;
	struct fields_ctx fc = { .s = s, .theirs = key == 't' };
	if (key == 'm' || key == 't') {
		fc.result = cJSON_Duplicate(d.body, 1);
		conflict_get(s->ui->cache, id, whole_side, &fc, NULL);
		settle(s, fc.deleted ? NULL : fc.result, key == 'm' ? "kept mine" : "took theirs");
	} else if (key == 'f') {
		fc.result = cJSON_Duplicate(d.body, 1);
		conflict_get(s->ui->cache, id, choose_fields, &fc, NULL);
		if (!fc.cancelled)
			settle(s, fc.deleted ? NULL : fc.result, "merged field by field");
	} else if (key == 'E') {
		char *saved = editor_edit_record(s->ui, d.body, false);
		struct cache_doc now;
		if (saved && cache_get(s->ui->cache, saved, &now, NULL) > 0)
			settle(s, now.body, "edited");
		if (saved)
			cache_doc_free(&now);
		free(saved);
	}
	cJSON_Delete(fc.result);
	cache_doc_free(&d);
}

/* A refused edit: t discards it, m sends it again. */
static void settle_refused(struct screen *s, bool theirs)
{
	char *err = NULL;
	const char *id = s->items[s->cursor].id;
	if (rejected_settle(s->ui->cache, id, theirs, &err) < 0)
		ui_message(s->ui, true, "%s", err);
	else
		ui_message(s->ui, false, "%s: %s", id, theirs ? "refused edit discarded"
			   : "goes up again at the next sync (S)");
	free(err);
	load(s);
}

void conflicts_show(struct ui *ui)
{
	struct screen s = { .ui = ui };
	load(&s);
	for (;;) {
		draw(&s);
		int key = ui_wait_key(ui);
		if (key == 'q' || key == 27 || key == 3 || key == -1)
			break;
		if (key != KEY_RESIZE) {
			free(ui->message);
			ui->message = NULL;
		}
		if (key == 'j' || key == KEY_DOWN)
			s.cursor += s.cursor + 1 < s.n, s.scroll = 0;
		else if (key == 'k' || key == KEY_UP)
			s.cursor -= s.cursor > 0, s.scroll = 0;
		else if (s.n && (key == '\r' || key == '\n' || key == KEY_ENTER)) {
			/* the record as merged so far, or as refused */
			ui_show_record(ui, s.items[s.cursor].id);
			break;
		} else if (s.n && s.items[s.cursor].reason && (key == 't' || key == 'm'))
			settle_refused(&s, key == 't');
		else if (s.n && !s.items[s.cursor].reason && key > 0 && key < 128
			   && strchr("mtfE", key))
			resolve(&s, key);
	}
	for (int i = 0; i < s.n; i++) {
		free(s.items[i].id);
		free(s.items[i].reason);
	}
	free(s.items);
	ui_reload(ui);
}
