/*
 * The record form (see form.h): one row per field of the type's table; each
 * kind of field has its own way of being edited, and an invalid value stays
 * beside its field with the reason until it is fixed.
 */
#include "form.h"
#include "prompt.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

struct form {
	struct ui *ui;
	cJSON *doc;
	const struct type_def *t;
	bool is_new, changed;
	int cursor, top;
	char **errors;		/* per field: why the typed value was refused */
	char **typed;		/* per field: the refused text, shown instead */
	char *message;		/* the last save's error */
};

/* The reason alone: the row already shows the field's name and the value. */
static const char *reason_only(const char *why, const char *name, const char *typed)
{
	size_t n = strlen(name);
	if (!strncmp(why, "field '", 7) && !strncmp(why + 7, name, n) && !strncmp(why + 7 + n, "': ", 3))
		why += 10 + n;
	size_t t = typed ? strlen(typed) : 0;
	if (typed && why[0] == '\'' && !strncmp(why + 1, typed, t) && why[1 + t] == '\''
	    && why[2 + t] == ' ')
		why += 3 + t;
	return why;
}

static void set_error(struct form *f, int i, const char *typed, const char *why)
{
	free(f->errors[i]);
	free(f->typed[i]);
	f->errors[i] = why ? xstrdup(reason_only(why, f->t->fields[i].name, typed)) : NULL;
	f->typed[i] = why && typed ? xstrdup(typed) : NULL;
}

/* Sets field i from text; a refused value is kept beside the field. */
static void set_field(struct form *f, int i, const char *text)
{
	char *err = NULL;
	if (record_set(f->doc, f->t->fields[i].name, text, &err))
		set_error(f, i, text, err);
	else
		set_error(f, i, NULL, NULL), f->changed = true;
	free(err);
}

static void draw_row(struct form *f, int i, int y, int x, int w)
{
	const struct field_def *fd = &f->t->fields[i];
	bool sel = i == f->cursor;
	char *name = str_printf("%s%s", fd->name, fd->flags & FL_REQUIRED ? " *" : "");
	draw_text(y, x, 16, name, sel ? theme_attr(ROLE_SELECTED) : theme_attr(ROLE_HEADER));
	free(name);
	char *value = f->typed[i] ? xstrdup(f->typed[i]) : ui_field_text(f->ui, f->doc, fd);
	int vw = w - 17;
	if (f->errors[i]) {
		int vwid = text_width(value) + 1, ew = vw - (vwid < vw / 3 ? vwid : vw / 3);
		draw_text(y, x + 17, vw - ew, value, theme_attr(ROLE_ERROR));
		char *e = str_printf(" ! %s", f->errors[i]);
		draw_text(y, x + 17 + vw - ew, ew, e, theme_attr(ROLE_ERROR));
		free(e);
	} else {
		draw_text(y, x + 17, vw, *value ? value : "-", *value ? ATTR_PLAIN
			  : theme_attr(ROLE_DIM));
	}
	free(value);
}

static void form_draw(struct form *f)
{
	struct ui *ui = f->ui;
	if (ui_too_small(ui))
		return;
	erase();
	char *label = record_label(f->doc);
	char *title = f->is_new ? str_printf("New %s", f->t->name)
		: str_printf("Edit %s: %s", f->t->name, label);
	struct rect r = { .y = 0, .x = 0, .h = ui->rows - 1, .w = ui->cols };
	draw_box(r, title);
	free(title);
	free(label);
	int rows = r.h - 2;
	if (f->cursor < f->top)
		f->top = f->cursor;
	if (f->cursor >= f->top + rows)
		f->top = f->cursor - rows + 1;
	for (int i = f->top; i < (int)f->t->nfields && i - f->top < rows; i++)
		draw_row(f, i, 1 + i - f->top, 2, ui->cols - 4);
	const char *hint = " Enter edit  x clear  ^S or w save  Esc leave without saving ";
	draw_text(ui->rows - 1, 0, ui->cols, f->message ? f->message : hint,
		  theme_attr(f->message ? ROLE_ERROR : ROLE_STATUS));
	move(1 + f->cursor - f->top, 2);
	refresh();
}

static void edit_enum(struct form *f, int i)
{
	const struct field_def *fd = &f->t->fields[i];
	const char *items[32];
	int n = 0, current = 0;
	if (!(fd->flags & FL_REQUIRED))
		items[n++] = "(none)";
	char *now = record_field_text(f->doc, fd);
	for (int c = 0; fd->choices[c] && n < 31; c++) {
		if (!strcmp(now, fd->choices[c]))
			current = n;
		items[n++] = fd->choices[c];
	}
	free(now);
	int pick = prompt_choose(f->ui, fd->name, items, n, current);
	if (pick >= 0)
		set_field(f, i, strcmp(items[pick], "(none)") ? items[pick] : "");
}

/* Adds a picked record to a list field, or takes it out if it is there. */
static void toggle_in_list(struct form *f, int i, const char *id)
{
	const struct field_def *fd = &f->t->fields[i];
	cJSON *list = cJSON_GetObjectItemCaseSensitive(f->doc, fd->name);
	struct buf b = { 0 };
	bool found = false;
	const cJSON *item;
	cJSON_ArrayForEach(item, list) {
		if (cJSON_IsString(item) && !strcmp(item->valuestring, id))
			found = true;
		else if (cJSON_IsString(item))
			buf_printf(&b, "%s%s", b.len ? "," : "", item->valuestring);
	}
	if (!found)
		buf_printf(&b, "%s%s", b.len ? "," : "", id);
	set_field(f, i, b.s ? b.s : "");
	free(b.s);
}

static void edit_ref(struct form *f, int i)
{
	const struct field_def *fd = &f->t->fields[i];
	char *id = picker_run(f->ui, type_find(fd->ref), NULL);
	if (id && fd->kind == FIELD_REFLIST)
		toggle_in_list(f, i, id);
	else if (id)
		set_field(f, i, id);
	free(id);
}

static void edit_text(struct form *f, int i)
{
	const struct field_def *fd = &f->t->fields[i];
	char *now = f->typed[i] ? xstrdup(f->typed[i]) : record_field_text(f->doc, fd);
	char *out = NULL;
	if (fd->kind == FIELD_LONGTEXT) {
		if (editor_edit_text(f->ui, now, &out) > 0)
			set_field(f, i, out);
	} else {
		char *label = str_printf("%s: ", fd->name);
		if (prompt_line(f->ui, label, now, NULL, NULL, &out) > 0)
			set_field(f, i, out);
		free(label);
	}
	free(out);
	free(now);
}

static void edit_field(struct form *f, int i)
{
	const struct field_def *fd = &f->t->fields[i];
	switch (fd->kind) {
	case FIELD_ENUM:
		edit_enum(f, i);
		break;
	case FIELD_BOOL: {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->doc, fd->name);
		set_field(f, i, cJSON_IsTrue(v) ? "no" : "yes");
		break;
	}
	case FIELD_REF:
	case FIELD_REFLIST:
		edit_ref(f, i);
		break;
	default:
		edit_text(f, i);
	}
}

/* Marks the field a save error names ("field 'start': ..."). */
static void mark_from_message(struct form *f, const char *msg)
{
	const char *p = strstr(msg, "field '");
	for (size_t i = 0; p && i < f->t->nfields; i++) {
		size_t n = strlen(f->t->fields[i].name);
		if (!strncmp(p + 7, f->t->fields[i].name, n) && p[7 + n] == '\'')
			set_error(f, (int)i, NULL, msg);
	}
}

static char *form_save(struct form *f)
{
	for (size_t i = 0; i < f->t->nfields; i++)
		if (f->errors[i]) {
			f->cursor = (int)i;
			free(f->message);
			f->message = str_printf(" fix %s first: %s ", f->t->fields[i].name, f->errors[i]);
			return NULL;
		}
	char *err = NULL;
	if (ui_save_record(f->ui, f->doc, f->is_new, &err)) {
		free(f->message);
		f->message = str_printf(" not saved: %s ", err);
		mark_from_message(f, err);
		free(err);
		return NULL;
	}
	return xstrdup(record_id(f->doc));
}

/* One key in the form; returns 1 to leave saved, -1 to leave unsaved. */
static int form_key(struct form *f, int key, char **saved)
{
	int n = (int)f->t->nfields;
	switch (key) {
	case 'j': case KEY_DOWN: case '\t': f->cursor = (f->cursor + 1) % n; break;
	case 'k': case KEY_UP: case KEY_BTAB: f->cursor = (f->cursor + n - 1) % n; break;
	case 'g': case KEY_HOME: f->cursor = 0; break;
	case 'G': case KEY_END: f->cursor = n - 1; break;
	case '\r': case '\n': case KEY_ENTER: case 'i': edit_field(f, f->cursor); break;
	case 'x': case KEY_DC: set_field(f, f->cursor, ""); break;
	case CTRL('s'): case 'w': case KEY_F(2):
		*saved = form_save(f);
		return *saved ? 1 : 0;
	case 27: case 'q': case CTRL('c'): case -1:
		return -1;
	}
	return 0;
}

static void form_free(struct form *f)
{
	for (size_t i = 0; i < f->t->nfields; i++) {
		free(f->errors[i]);
		free(f->typed[i]);
	}
	free(f->errors);
	free(f->typed);
	free(f->message);
}

char *form_run(struct ui *ui, cJSON *doc, bool is_new)
{
	struct form f = { .ui = ui, .doc = doc, .t = record_type(doc), .is_new = is_new };
	f.errors = calloc(f.t->nfields, sizeof *f.errors);
	f.typed = calloc(f.t->nfields, sizeof *f.typed);
	char *saved = NULL;
	int done = 0;
	/* A new record starts at its first empty field (a standing at its level). */
	while (is_new && f.cursor + 1 < (int)f.t->nfields
	       && cJSON_GetObjectItemCaseSensitive(doc, f.t->fields[f.cursor].name))
		f.cursor++;
	while (!done) {
		form_draw(&f);
		int key = ui_wait_key(ui);
		if (key == KEY_RESIZE) {
			getmaxyx(stdscr, ui->rows, ui->cols);
			continue;
		}
		free(f.message);
		f.message = NULL;
		done = form_key(&f, key, &saved);
	}
	if (done < 0)
		ui_message(ui, false, "left the form: nothing saved");
	form_free(&f);
	return saved;
}
