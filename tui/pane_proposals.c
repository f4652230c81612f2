/*
 * Proposals: the triage queue, worked from the keyboard as a mail queue is.
 * It opens on what is left to triage, oldest first. + - 0 vote for your
 * institution; A accept, X decline (with a reason), L defer, R review,
 * s schedule into the calendar; Space marks, * marks all shown, and an
 * action on marks is one step for undo. f filters by status, o sorts.
 */
#include "dates.h"
#include "form.h"
#include "instcols.h"
#include "listpane.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "triage.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char *const filter_names[] = {
	"to triage", "all", "accepted", "declined", "deferred", "scheduled" };
static const char *const filter_values[] = {
	"new|review", NULL, "accepted", "declined", "deferred", "scheduled" };
static const char *const sort_names[] = { "age", "total vote", "area" };
/* By age is an order the proposal type indexes (fields.c); by area is by
 * the area's title, read through two indexes (cache_query.order_ref). */
#define VOTE_ORDER "(SELECT coalesce(sum(value), 0) FROM json_each(body, '$.votes')) DESC, " \
	"json_extract(body, '$.created_at')"

static const char *sort_order(int sort)
{
	const struct type_def *t = type_find("proposal");
	return sort == 0 ? t->indexes[0] : sort == 1 ? VOTE_ORDER : t->indexes[1];
}

struct proposals {
	struct instcols ic;
	cJSON *marks;		/* ids of marked proposals */
	int filter, sort;
	long to_triage, accepted;
	char *institution;	/* asked for when the config has none */
	char *hint;		/* how to keep a typed institution, said after the vote */
};

static struct proposals *state(struct pane *p)
{
	return ((struct listpane *)p->state)->data;
}

static void set_view(struct pane *p)
{
	struct proposals *pr = state(p);
	struct rlist *l = listpane_list(p);
	l->q.match[0].field = filter_values[pr->filter] ? "status" : NULL;
	l->q.match[0].value = filter_values[pr->filter];
	l->q.order = sort_order(pr->sort);
	l->q.order_ref = pr->sort == 2 ? "area" : NULL;
}

static void apply_view(struct pane *p)
{
	set_view(p);
	rlist_reload(listpane_list(p), p->ui);
}

static bool marked(struct proposals *pr, const char *id)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, pr->marks)
		if (!strcmp(m->valuestring, id))
			return true;
	return false;
}

static void toggle_mark(struct proposals *pr, const char *id)
{
	int i = 0;
	cJSON *m;
	cJSON_ArrayForEach(m, pr->marks) {
		if (!strcmp(m->valuestring, id)) {
			cJSON_DeleteItemFromArray(pr->marks, i);
			return;
		}
		i++;
	}
	cJSON_AddItemToArray(pr->marks, cJSON_CreateString(id));
}

/* "DK+ SE+ NO0 FI- IS." */
static char *votes_text(struct proposals *pr, const cJSON *doc)
{
	const cJSON *votes = cJSON_GetObjectItemCaseSensitive(doc, "votes");
	struct buf b = { 0 };
	for (int i = 0; i < pr->ic.n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(votes, pr->ic.id[i]);
		int n = cJSON_IsNumber(v) ? (int)v->valuedouble : 2;
		buf_printf(&b, "%s%s%c", i ? " " : "", pr->ic.code[i], "-0+."[n + 1]);
	}
	return buf_take(&b);
}

static char *age_text(const cJSON *doc)
{
	const cJSON *created = cJSON_GetObjectItemCaseSensitive(doc, "created_at");
	struct tm tm = { 0 };
	if (!cJSON_IsString(created) || !strptime(created->valuestring, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return xstrdup("?");
	long days = (long)(time(NULL) - timegm(&tm)) / 86400;
	return days < 60 ? str_printf("%ldd", days) : str_printf("%ldmo", days / 30);
}

static void draw_row(void *pane, const struct cache_row *row, struct rect line, bool sel)
{
	struct pane *p = pane;
	struct proposals *pr = state(p);
	const struct type_def *t = record_type(row->body);
	int attr = sel ? theme_attr(ROLE_SELECTED) : marked(pr, row->id)
		? theme_attr(ROLE_MARKED) : ATTR_PLAIN;
	char *votes = votes_text(pr, row->body), *age = age_text(row->body);
	char *area = ui_field_text(p->ui, row->body, field_find(t, "area"));
	char *status = record_field_text(row->body, field_find(t, "status"));
	char *fmt = record_field_text(row->body, field_find(t, "format"));
	const cJSON *inst = cJSON_GetObjectItemCaseSensitive(row->body, "institution");
	const char *code = "";
	for (int i = 0; cJSON_IsString(inst) && i < pr->ic.n; i++)
		if (!strcmp(pr->ic.id[i], inst->valuestring))
			code = pr->ic.code[i];
	int vw = pr->ic.n * 4, fixed = 2 + 9 + 1 + 3 + 1 + 10 + 1 + 5 + 1 + vw;
	int tw = line.w - fixed - 16 > 10 ? line.w - fixed - 16 : 10;
	char *label = record_label(row->body);
	char *text = str_printf("%s %-9.9s ", marked(pr, row->id) ? "*" : " ", status);
	draw_fill(line.y, line.x, line.w, attr);
	int x = line.x;
	draw_text(line.y, x, 12, text, attr), x += 12;
	draw_text(line.y, x, tw, label, attr), x += tw + 1;
	draw_text(line.y, x, 15, area, attr), x += 16;
	draw_text(line.y, x, 3, code, attr), x += 4;
	draw_text(line.y, x, 10, fmt, attr), x += 11;
	draw_text(line.y, x, 5, age, attr), x += 6;
	draw_text(line.y, x, line.x + line.w - x, votes, attr);
	if (sel)
		move(line.y, line.x);
	free(text), free(label), free(votes), free(age), free(area), free(status), free(fmt);
}

static void draw_header(struct pane *p, struct rect line)
{
	struct proposals *pr = state(p);
	int vw = pr->ic.n * 4, fixed = 2 + 9 + 1 + 3 + 1 + 10 + 1 + 5 + 1 + vw;
	int tw = line.w - fixed - 16 > 10 ? line.w - fixed - 16 : 10;
	char *votes = votes_text(pr, NULL);
	for (char *c = votes; *c; c++)
		if (*c == '.')
			*c = ' ';
	char *h = str_printf("  %-9s %-*s %-15s %-3s %-10s %-5s %s", "status", tw, "title",
			     "area", "by", "format", "age", votes);
	draw_text(line.y, line.x, line.w, h, theme_attr(ROLE_HEADER));
	free(h), free(votes);
}

/* A code typed for this session: it signs the edits (user@code) as the
 * config's institution would, and the next message says how to keep it. */
static void adopt_typed(struct pane *p, char *code)
{
	struct proposals *pr = state(p);
	struct config as = *p->ui->cfg;
	as.institution = code;
	char *author = config_author(&as);
	cache_set_author(p->ui->cache, author);
	free(author);
	char *path = p->ui->cfg->path ? xstrdup(p->ui->cfg->path) : config_path();
	free(pr->hint);
	pr->hint = str_printf("; as %s: add 'institution = %s' to %s to keep it", code, code, path);
	free(path);
}

/* Your institution's id: the config's, or asked once. Votes and decisions
 * both need it (whose vote, who decided). */
static const char *institution(struct pane *p)
{
	struct proposals *pr = state(p);
	if (pr->institution)
		return pr->institution;
	const char *code = p->ui->cfg->institution;
	char *typed = NULL;
	if (!code || !*code) {
		if (prompt_line(p->ui, "your institution's code (e.g. kb-se): ", "", NULL, NULL,
				&typed) <= 0 || !*typed) {
			free(typed);
			return NULL;
		}
		code = typed;
	}
	char *id = str_printf("institution:%s", code);
	if (!cache_ref_exists(p->ui->cache, id, "institution")) {
		ui_message(p->ui, true, "no institution %s", id);
		free(id);
		id = NULL;
	} else if (typed) {
		adopt_typed(p, typed);
	}
	free(typed);
	return pr->institution = id;
}

/* The proposals an action applies to: the marked ones, else the current. */
static int targets(struct pane *p, const char ***ids, char **current)
{
	struct proposals *pr = state(p);
	int n = cJSON_GetArraySize(pr->marks);
	*current = NULL;
	if (n) {
		*ids = xmalloc((size_t)n * sizeof **ids);
		for (int i = 0; i < n; i++)
			(*ids)[i] = cJSON_GetArrayItem(pr->marks, i)->valuestring;
		return n;
	}
	cJSON *doc = listpane_current(p);
	if (!doc)
		return 0;
	*current = xstrdup(record_id(doc));
	cJSON_Delete(doc);
	*ids = xmalloc(sizeof **ids);
	(*ids)[0] = *current;
	return 1;
}

/* Asks what an action needs; false when the person gave up. */
static bool ask_details(struct pane *p, struct triage *t, char **owned)
{
	struct ui *ui = p->ui;
	if (!(t->institution = institution(p)))
		return false;
	if (t->act == TRIAGE_DECLINE)
		return prompt_line(ui, "decline, because: ", "", NULL, NULL, &owned[0]) > 0
			&& (t->reason = owned[0]);
	if (t->act != TRIAGE_SCHEDULE)
		return true;
	if (prompt_line(ui, "workshop on (YYYY-MM-DD or date-time): ", "", NULL, NULL, &owned[0]) <= 0
	    || prompt_line(ui, "until (empty: the same day): ", "", NULL, NULL, &owned[1]) <= 0
	    || prompt_line(ui, "where: ", "", NULL, NULL, &owned[2]) <= 0)
		return false;
	t->start = owned[0], t->end = owned[1], t->location = owned[2];
	return true;
}

/* On to the next proposal to triage: the one acted on (current), if still
 * shown at row `at`, is stepped over, and so are the decided ones after it
 * (in the view of them all: the others show only proposals to triage, or
 * none); with none to triage below, the next row. */
static void move_on(struct pane *p, long at, const char *current)
{
	struct rlist *l = listpane_list(p);
	l->cursor = at;
	if (current && cache_query_position(p->ui->cache, &l->q, current, NULL) == at)
		l->cursor++;
	long next = filter_values[state(p)->filter] ? -1 : cache_query_next(p->ui->cache, &l->q,
		l->cursor, "status", filter_values[0], NULL);
	if (next >= 0)
		l->cursor = next;
	if (l->cursor >= l->count)
		l->cursor = l->count > 0 ? l->count - 1 : 0;
	free(l->cursor_id);
	l->cursor_id = NULL;
}

/* Says what was done, drops the marks and shows the cache as it is now. */
static void done(struct pane *p, int n, enum triage_act act)
{
	struct proposals *pr = state(p);
	ui_message(p->ui, false, "%d proposal%s: %s (u undoes)%s", n, n == 1 ? "" : "s",
		   act == TRIAGE_VOTE ? "voted" : filter_names[act == TRIAGE_REVIEW ? 0
		   : act == TRIAGE_ACCEPT ? 2 : act == TRIAGE_DECLINE ? 3
		   : act == TRIAGE_DEFER ? 4 : 5], pr->hint ? pr->hint : "");
	free(pr->hint);
	pr->hint = NULL;
	cJSON_Delete(pr->marks);
	pr->marks = cJSON_CreateArray();
	ui_reload(p->ui);
}

static void triage(struct pane *p, enum triage_act act, int vote)
{
	struct triage t = { .act = act, .vote = vote };
	char *owned[3] = { 0 }, *current = NULL, *err = NULL;
	const char **ids = NULL;
	int n = targets(p, &ids, &current);
	long at = listpane_list(p)->cursor;
	if (!n) {
		ui_message(p->ui, true, "no proposal selected");
	} else if (ask_details(p, &t, owned)) {
		if (triage_apply(p->ui->cache, ids, n, &t, &err)) {
			ui_message(p->ui, true, "%s", err);
		} else {
			done(p, n, act);
			move_on(p, at, current);
		}
	}
	for (int i = 0; i < 3; i++)
		free(owned[i]);
	free(err);
	free(ids);
	free(current);
}

static int mark_row(void *ctx, const struct cache_row *row)
{
	struct proposals *pr = ctx;
	if (!marked(pr, row->id))
		cJSON_AddItemToArray(pr->marks, cJSON_CreateString(row->id));
	return 0;
}

static bool proposals_action(struct pane *p, enum action a)
{
	struct proposals *pr = state(p);
	struct rlist *l = listpane_list(p);
	switch (a) {
	case ACT_VOTE_UP: triage(p, TRIAGE_VOTE, 1); return true;
	case ACT_VOTE_DOWN: triage(p, TRIAGE_VOTE, -1); return true;
	case ACT_VOTE_ZERO: triage(p, TRIAGE_VOTE, 0); return true;
	case ACT_ACCEPT: triage(p, TRIAGE_ACCEPT, 0); return true;
	case ACT_DECLINE: triage(p, TRIAGE_DECLINE, 0); return true;
	case ACT_DEFER: triage(p, TRIAGE_DEFER, 0); return true;
	case ACT_REVIEW: triage(p, TRIAGE_REVIEW, 0); return true;
	case ACT_SCHEDULE: triage(p, TRIAGE_SCHEDULE, 0); return true;
	case ACT_MARK: {
		cJSON *doc = listpane_current(p);
		if (doc)
			toggle_mark(pr, record_id(doc));
		cJSON_Delete(doc);
		rlist_move(l, ACT_DOWN, 1);
		return true;
	}
	case ACT_MARK_ALL:
		cache_query_rows(p->ui->cache, &l->q, 0, 10000, mark_row, pr, NULL);
		return true;
	case ACT_STATUS_FILTER: {
		int f = prompt_choose(p->ui, "show", filter_names, 6, pr->filter);
		if (f >= 0) {
			pr->filter = f, l->cursor = l->top = 0;
			free(l->cursor_id), l->cursor_id = NULL;
			apply_view(p);
		}
		return true;
	}
	case ACT_SORT: {
		int s = prompt_choose(p->ui, "sort by", sort_names, 3, pr->sort);
		if (s >= 0) {
			pr->sort = s, l->cursor = l->top = 0;
			free(l->cursor_id), l->cursor_id = NULL;
			apply_view(p);
		}
		return true;
	}
	case ACT_BACK:
		if (cJSON_GetArraySize(pr->marks) && !l->filter) {
			cJSON_Delete(pr->marks);
			pr->marks = cJSON_CreateArray();
			return true;
		}
		return listpane_action(p, a);
	default:
		return listpane_action(p, a);
	}
}

/* The event a proposal became: its date and place as they are now, or that
 * it is gone (deleted where this cache has not yet let the proposal go). */
static void proposals_extra(struct pane *p, struct tblock *tb, const cJSON *doc)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(doc, "event");
	struct cache_doc d;
	if (!cJSON_IsString(ev))
		return;
	int found = cache_get(p->ui->cache, ev->valuestring, &d, NULL);
	char *line;
	if (found <= 0 || d.deleted) {
		line = str_printf("%-12s %s", "event", found > 0 ? "deleted: not scheduled any more"
				  : "not in this cache");
	} else {
		const cJSON *start = cJSON_GetObjectItemCaseSensitive(d.body, "start");
		const cJSON *where = cJSON_GetObjectItemCaseSensitive(d.body, "location");
		char *when = when_local(cJSON_IsString(start) ? start->valuestring : "?", true);
		line = str_printf("%-12s %s%s%s", "scheduled", when, cJSON_IsString(where) ? " at " : "",
				  cJSON_IsString(where) ? where->valuestring : "");
		free(when);
	}
	tblock_add(tb, ATTR_BOLD, line);
	free(line);
	if (found > 0)
		cache_doc_free(&d);
}

static void proposals_open(struct pane *p)
{
	static const char *const types[] = { "proposal" };
	struct listpane *lp = listpane_new(p, types, 1);
	struct proposals *pr = calloc(1, sizeof *pr);
	pr->marks = cJSON_CreateArray();
	lp->data = pr;
	lp->row = draw_row;
	lp->header = draw_header;
	lp->extra = proposals_extra;
	lp->stacked = true;	/* the rows need the width: votes of every library */
	set_view(p);	/* read when the pane is first shown */
}

static void proposals_close(struct pane *p)
{
	struct proposals *pr = state(p);
	instcols_free(&pr->ic);
	cJSON_Delete(pr->marks);
	free(pr->institution);
	free(pr->hint);
	free(pr);
	listpane_close(p);
}

static void proposals_reload(struct pane *p)
{
	struct proposals *pr = state(p);
	instcols_load(&pr->ic, p->ui);
	triage_counts(p->ui->cache, &pr->to_triage, &pr->accepted, NULL);
	listpane_reload(p);
}

static char *proposals_summary(struct pane *p)
{
	struct proposals *pr = state(p);
	struct rlist *l = listpane_list(p);
	int marks = cJSON_GetArraySize(pr->marks);
	struct buf b = { 0 };
	buf_printf(&b, "%ld to triage, %ld accepted this month  [%s, by %s: %ld]", pr->to_triage,
		   pr->accepted, filter_names[pr->filter], sort_names[pr->sort], l->count);
	if (marks)
		buf_printf(&b, "  %d marked", marks);
	if (l->filter)
		buf_printf(&b, "  /%s", l->filter);
	return buf_take(&b);
}

static bool proposals_select(struct pane *p, const char *id)
{
	struct proposals *pr = state(p);
	const struct type_def *t = type_of_id(id);
	if (!t || strcmp(t->name, "proposal"))
		return false;
	if (listpane_select(p, id))
		return true;
	pr->filter = 1;	/* not among those shown: show them all */
	apply_view(p);
	return listpane_select(p, id);
}

const struct pane_ops pane_proposals_ops = {
	.name = "Proposals",
	.open = proposals_open,
	.close = proposals_close,
	.draw = listpane_draw,
	.action = proposals_action,
	.current = listpane_current,
	.new_record = listpane_new_record,
	.reload = proposals_reload,
	.select = proposals_select,
	.filter = listpane_filter,
	.summary = proposals_summary,
};
