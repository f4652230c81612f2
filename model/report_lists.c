/*
 * The report's lists: projects that want help, skills open to staff
 * exchange, the coming events and the proposals waiting for a decision.
 * Each is a window of one listing (the first REPORT_LIST_MAX rows and a
 * count of the rest), with a column per field of the type's field table.
 */
#include "report_internal.h"
#include "record.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct list_def {
	const char *id, *title, *intro, *type, *empty;
	struct {
		const char *field, *value;
	} match[2];
	const char *const *fields;	/* its columns, NULL-terminated */
};

static const struct list_def help_wanted = {
	.id = "help", .title = "Projects that want help", .type = "project",
	.intro = "Ideas, planned and ongoing projects that look for help.",
	.empty = "No project is looking for help.",
	.match = { { "help_wanted", "yes" }, { "status", "idea|planned|ongoing" } },
	.fields = (const char *const[]){
		"title", "status", "lead", "institutions", "contact", "start", "end", NULL },
};

const char *const report_skill_fields[] = {
	"topic", "kind", "level", "institution", "area", "person", NULL };

static const struct list_def exchange = {
	.id = "exchange", .title = "Skills open to staff exchange", .type = "skill",
	.intro = "Skills, equipment and services whose people are open to staff exchange.",
	.empty = "No skill is open to staff exchange.",
	.match = { { "exchange", "yes" } },
	.fields = report_skill_fields,
};

static const struct list_def proposals = {
	.id = "proposals", .title = "Proposals waiting for a decision", .type = "proposal",
	.intro = "Workshop proposals that are new or under review, with each library's "
		 "vote (+1 for, 0 neutral, -1 against; empty: no vote yet).",
	.empty = "No proposal is waiting for a decision.",
	.match = { { "status", "new|review" } },
	.fields = (const char *const[]){
		"title", "area", "proposer", "institution", "status", "votes", NULL },
};

/* The events' columns after the day each occurs. */
static const char *const event_fields[] = {
	"title", "kind", "repeat", "location", "host", "url", NULL };

struct list_ctx {
	struct report_data *d;
	const struct type_def *type;
	const char *const *fields;
	struct report_table *t;
	int first;		/* the column of fields[0]: 1 after a date */
	long max;		/* rows shown; the rest are counted */
};

/* A field's heading: its name, capitalised, with spaces. */
static char *field_head(const struct field_def *f)
{
	if (f->kind == FIELD_URL)
		return xstrdup("URL");
	char *h = xstrdup(f->name);
	h[0] = (char)toupper((unsigned char)h[0]);
	for (char *p = h; *p; p++)
		if (*p == '_')
			*p = ' ';
	return h;
}

static int columns(const struct list_ctx *lc)
{
	int n = lc->first;
	for (int i = 0; lc->fields[i]; i++)
		n += field_find(lc->type, lc->fields[i])->kind == FIELD_VOTES ? lc->d->ninst + 1 : 1;
	return n;
}

static void heads(struct list_ctx *lc)
{
	int col = lc->first;
	for (int i = 0; lc->fields[i]; i++) {
		const struct field_def *f = field_find(lc->type, lc->fields[i]);
		if (f->kind != FIELD_VOTES) {
			lc->t->heads[col++] = field_head(f);
			continue;
		}
		for (int j = 0; j < lc->d->ninst; j++)
			lc->t->heads[col++] = xstrdup(lc->d->inst[j].code);
		lc->t->heads[col++] = xstrdup("Total");
	}
}

/* One column per library, then their sum. */
static int vote_cells(struct list_ctx *lc, const cJSON *votes, struct report_cell *cell)
{
	int total = 0;
	for (int j = 0; j < lc->d->ninst; j++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(votes, lc->d->inst[j].id);
		int n = !cJSON_IsNumber(v) ? 0 : v->valueint > 0 ? 1 : v->valueint < 0 ? -1 : 0;
		cell[j].text = cJSON_IsNumber(v) ? str_printf(n > 0 ? "+%d" : "%d", n) : xstrdup("");
		total += n;
	}
	cell[lc->d->ninst].text = str_printf(total > 0 ? "+%d" : "%d", total);
	return lc->d->ninst + 1;
}

/* References by their names (libraries by their codes). */
static char *refs_text(struct report_data *d, const cJSON *v)
{
	if (cJSON_IsString(v))
		return report_ref(d, v->valuestring);
	struct buf b = { 0 };
	const cJSON *item;
	cJSON_ArrayForEach(item, v) {
		if (!cJSON_IsString(item))
			continue;
		char *label = report_ref(d, item->valuestring);
		buf_printf(&b, "%s%s", b.len ? ", " : "", label);
		free(label);
	}
	return b.s ? buf_take(&b) : xstrdup("");
}

static int add_row(void *ctx, const struct cache_row *row)
{
	struct list_ctx *lc = ctx;
	if (lc->t->nrows == lc->max) {
		lc->t->more++;
		return 0;
	}
	struct report_cell *cell = report_row(lc->t);
	if (lc->first)
		cell[0].text = report_when(row->occurs ? row->occurs : "");
	cell += lc->first;
	for (int i = 0; lc->fields[i]; i++) {
		const struct field_def *f = field_find(lc->type, lc->fields[i]);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(row->body, f->name);
		if (f->kind == FIELD_VOTES)
			cell += vote_cells(lc, v, cell);
		else if (f->kind == FIELD_REF || f->kind == FIELD_REFLIST)
			(cell++)->text = v ? refs_text(lc->d, v) : xstrdup("");
		else
			(cell++)->text = record_field_text(row->body, f);
	}
	return 0;
}

/* A table of fields; dated: a first column says when each row occurs. */
static struct list_ctx list_start(struct report_data *d, struct report_section *s,
				  const char *type, const char *const *fields, const char *empty,
				  bool dated)
{
	struct list_ctx lc = { .d = d, .type = type_find(type), .fields = fields,
			       .first = dated, .max = REPORT_LIST_MAX };
	lc.t = report_table(s, columns(&lc), empty);
	if (lc.first)
		lc.t->heads[0] = xstrdup("When");
	heads(&lc);
	return lc;
}

int report_list(struct report_data *d, struct report_section *s, const struct cache_query *q,
		const char *const *fields, const char *empty, char **err)
{
	struct list_ctx lc = list_start(d, s, q->type->name, fields, empty, false);
	if (cache_query_rows(d->cache, q, 0, REPORT_LIST_MAX, add_row, &lc, err))
		return -1;
	long n = cache_query_count(d->cache, q, err);
	if (n < 0)
		return -1;
	lc.t->more = n > lc.t->nrows ? n - lc.t->nrows : 0;
	return 0;
}

static struct report_section *section(struct report *r, const struct list_def *def)
{
	return report_section(r, def->id, xstrdup(def->title), xstrdup(def->intro));
}

static int list_section(struct report_data *d, struct report *r, const struct list_def *def,
			char **err)
{
	struct cache_query q = { .type = type_find(def->type) };
	for (int i = 0; i < 2 && def->match[i].field; i++) {
		q.match[i].field = def->match[i].field;
		q.match[i].value = def->match[i].value;
	}
	return report_list(d, section(r, def), &q, def->fields, def->empty, err);
}

static const struct list_def events = {
	.id = "events", .title = "Coming meetings and events", .type = "event",
	.intro = "The next meetings, conferences, workshops, visits and deadlines in the "
		 "coming twelve months; yearly events at their next occurrence.",
	.empty = "No events in the coming twelve months.",
};

static int events_section(struct report_data *d, struct report *r, char **err)
{
	struct list_ctx lc = list_start(d, section(r, &events), "event", event_fields, events.empty,
					true);
	lc.max = REPORT_EVENTS_MAX;
	return cache_events_between(d->cache, d->today, d->year_on, -1, add_row, &lc, err);
}

int report_lists(struct report_data *d, struct report *r, char **err)
{
	if (list_section(d, r, &help_wanted, err) || list_section(d, r, &exchange, err)
	    || events_section(d, r, err))
		return -1;
	return list_section(d, r, &proposals, err);
}
