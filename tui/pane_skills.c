/*
 * Skills: the catalogue of skills, equipment and services, each tied to a
 * person, an institution and an area. `w` asks "who can help with ...";
 * `f` narrows the list by kind, level, institution, area or exchange (Esc
 * in its popups keeps the narrowing as it was, "any" lifts it).
 */
#include "form.h"
#include "listpane.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const narrow_fields[] = { "kind", "level", "institution", "area", "exchange" };
#define NARROW_COUNT 5

struct skills {
	char *values[NARROW_COUNT];	/* the value each narrowing field must have */
};

static void skills_open(struct pane *p)
{
	static const char *const types[] = { "skill" };
	struct listpane *lp = listpane_new(p, types, 1);
	lp->data = calloc(1, sizeof(struct skills));
}

static void skills_close(struct pane *p)
{
	struct listpane *lp = p->state;
	struct skills *s = lp->data;
	for (int i = 0; i < NARROW_COUNT; i++)
		free(s->values[i]);
	free(s);
	listpane_close(p);
}

/* Rebuilds the list's matches from the narrowing values. */
static void apply_narrowing(struct pane *p)
{
	struct listpane *lp = p->state;
	struct skills *s = lp->data;
	struct rlist *l = listpane_list(p);
	int m = 0;
	memset(l->q.match, 0, sizeof l->q.match);
	for (int i = 0; i < NARROW_COUNT && m < CACHE_QUERY_MATCHES; i++)
		if (s->values[i]) {
			l->q.match[m].field = narrow_fields[i];
			l->q.match[m++].value = s->values[i];
		}
	l->cursor = l->top = 0;
	rlist_reload(l, p->ui);
}

/* How narrowing field i shows its value: an enum's choice, a record's label. */
static char *value_text(struct pane *p, int i)
{
	struct skills *s = ((struct listpane *)p->state)->data;
	const struct field_def *f = field_find(type_find("skill"), narrow_fields[i]);
	return f->kind == FIELD_REF ? ui_ref_label(p->ui, s->values[i]) : xstrdup(s->values[i]);
}

/* Asks the value one narrowing field must have: 1 with *out set, 0 for
 * "any" (no narrowing by it), -1 when Esc leaves it as it was. */
static int ask_value(struct pane *p, const struct field_def *f, bool has_value, char **out)
{
	if (f->kind == FIELD_REF) {
		char *pick_one = str_printf("pick another %s", f->ref);
		const char *items[] = { "any", pick_one };
		/* Only a narrowing in force needs "any" to undo it. */
		int pick = has_value ? prompt_choose(p->ui, f->name, items, 2, 1) : 1;
		free(pick_one);
		if (pick <= 0)
			return pick;
		ui_draw(p->ui);
		*out = picker_run(p->ui, type_find(f->ref), NULL);
		return *out ? 1 : -1;
	}
	const char *items[16] = { "any" };
	int n = 1;
	if (f->kind == FIELD_BOOL)
		items[n++] = "yes";
	for (int c = 0; f->choices && f->choices[c] && n < 15; c++)
		items[n++] = f->choices[c];
	int pick = prompt_choose(p->ui, f->name, items, n, 0);
	if (pick > 0)
		*out = xstrdup(items[pick]);
	return pick > 0 ? 1 : pick;
}

/* The "narrow by" menu: each field with the value it has now. */
static int ask_field(struct pane *p)
{
	struct skills *s = ((struct listpane *)p->state)->data;
	char *items[NARROW_COUNT];
	for (int i = 0; i < NARROW_COUNT; i++) {
		char *v = s->values[i] ? value_text(p, i) : NULL;
		items[i] = v ? str_printf("%-12s %s", narrow_fields[i], v) : xstrdup(narrow_fields[i]);
		free(v);
	}
	int which = prompt_choose(p->ui, "narrow by", (const char *const *)items, NARROW_COUNT, 0);
	for (int i = 0; i < NARROW_COUNT; i++)
		free(items[i]);
	return which;
}

static void narrow(struct pane *p)
{
	struct listpane *lp = p->state;
	struct skills *s = lp->data;
	int which = ask_field(p);
	if (which < 0)
		return;
	ui_draw(p->ui);	/* the value's popup over the list, not over the menu */
	const struct field_def *f = field_find(type_find("skill"), narrow_fields[which]);
	char *value = NULL;
	int got = ask_value(p, f, s->values[which] != NULL, &value);
	if (got < 0)
		return;
	free(s->values[which]);
	s->values[which] = value;
	apply_narrowing(p);
}

static void who_can_help(struct pane *p)
{
	char *topic = NULL;
	if (prompt_line(p->ui, "who can help with: ", "", NULL, NULL, &topic) > 0 && *topic) {
		struct rlist *l = listpane_list(p);
		rlist_set_filter(l, p->ui, topic);
		ui_message(p->ui, false, "%ld skill%s match \"%s\"%s", l->count,
			   l->count == 1 ? "" : "s", topic,
			   l->count ? " (Enter shows who, e.g. their email)" : "");
	}
	free(topic);
}

static bool skills_action(struct pane *p, enum action a)
{
	if (a == ACT_WHO_CAN_HELP)
		who_can_help(p);
	else if (a == ACT_NARROW)
		narrow(p);
	else
		return listpane_action(p, a);
	return true;
}

static char *skills_summary(struct pane *p)
{
	struct listpane *lp = p->state;
	struct skills *s = lp->data;
	struct buf b = { 0 };
	char *list = listpane_summary(p);
	buf_puts(&b, list);
	free(list);
	for (int i = 0; i < NARROW_COUNT; i++)
		if (s->values[i]) {
			char *v = value_text(p, i);
			buf_printf(&b, "  %s=%s", narrow_fields[i], v);
			free(v);
		}
	return buf_take(&b);
}

/* The person behind a skill, with how to reach them. */
static void skills_extra(struct pane *p, struct tblock *tb, const cJSON *doc)
{
	const cJSON *person = cJSON_GetObjectItemCaseSensitive(doc, "person");
	struct cache_doc d;
	if (!cJSON_IsString(person) || cache_get(p->ui->cache, person->valuestring, &d, NULL) <= 0)
		return;
	const cJSON *email = cJSON_GetObjectItemCaseSensitive(d.body, "email");
	if (cJSON_IsString(email)) {
		char *line = str_printf("%-12s %s", "email", email->valuestring);
		tblock_add(tb, A_NORMAL, line);
		free(line);
	}
	cache_doc_free(&d);
}

static void skills_open_extra(struct pane *p)
{
	skills_open(p);
	((struct listpane *)p->state)->extra = skills_extra;
}

const struct pane_ops pane_skills_ops = {
	.name = "Skills",
	.open = skills_open_extra,
	.close = skills_close,
	.draw = listpane_draw,
	.action = skills_action,
	.current = listpane_current,
	.new_record = listpane_new_record,
	.reload = listpane_reload,
	.select = listpane_select,
	.filter = listpane_filter,
	.summary = skills_summary,
};
