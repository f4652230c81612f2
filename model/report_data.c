/*
 * What the report reads first: the libraries (the one it is for first),
 * the areas in tree order, and every cell's standing, looked up by its id.
 */
#include "report_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *text_of(const cJSON *doc, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static int keep_institution(void *ctx, const struct cache_row *row)
{
	struct report_data *d = ctx;
	struct report_inst *in = &d->inst[d->ninst++];
	in->id = xstrdup(row->id);
	in->code = text_of(row->body, "code");
	if (!in->code)
		in->code = xstrdup(row->id);
	in->name = text_of(row->body, "name");
	in->name_en = text_of(row->body, "name_en");
	in->country = text_of(row->body, "country");
	return 0;
}

/* Puts the library the report is for first; an error lists the codes. */
static int put_own_first(struct report_data *d, const char *want, char **err)
{
	int at = 0;
	while (at < d->ninst && strcasecmp(d->inst[at].code, want) && strcmp(d->inst[at].id, want))
		at++;
	if (at == d->ninst) {
		struct buf b = { 0 };
		for (int i = 0; i < d->ninst; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", d->inst[i].code);
		err_set(err, "no institution '%s' (institutions: %s)", want, b.s ? b.s : "none");
		free(b.s);
		return -1;
	}
	struct report_inst own = d->inst[at];
	memmove(&d->inst[1], &d->inst[0], (size_t)at * sizeof *d->inst);
	d->inst[0] = own;
	d->own = true;
	return 0;
}

static int keep_area(void *ctx, const struct cache_row *row)
{
	struct report_data *d = ctx;
	struct report_area *a = &d->areas[d->nareas++];
	a->id = xstrdup(row->id);
	a->title = text_of(row->body, "title");
	a->depth = row->depth;
	a->at = xmalloc((size_t)d->ninst * sizeof *a->at);
	memset(a->at, 0, (size_t)d->ninst * sizeof *a->at);
	return 0;
}

/* The standing of every cell: one look-up by its id each. */
static int read_standings(struct report_data *d, char **err)
{
	const struct field_def *level = field_find(type_find("standing"), "level");
	for (long i = 0; i < d->nareas; i++)
		for (int j = 0; j < d->ninst; j++) {
			struct report_standing *s = &d->areas[i].at[j];
			char *id = standing_id(d->areas[i].id, d->inst[j].id);
			struct cache_doc doc;
			int found = cache_get(d->cache, id, &doc, err);
			free(id);
			s->level = REPORT_UNKNOWN;
			if (found < 0)
				return -1;
			if (!found)
				continue;
			const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc.body, "level");
			if (!doc.deleted && cJSON_IsString(l))
				s->level = enum_index(level, l->valuestring);
			s->priority = !doc.deleted
				&& cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc.body, "priority"));
			s->note = s->priority ? text_of(doc.body, "note") : NULL;
			cache_doc_free(&doc);
		}
	return 0;
}

int report_read(struct report_data *d, char **err)
{
	const struct type_def *area = type_find("area");
	if (cache_list(d->cache, type_find("institution"), NULL, 0, REPORT_INSTITUTIONS_MAX,
		       keep_institution, d, err))
		return -1;
	if (d->opts->institution && put_own_first(d, d->opts->institution, err))
		return -1;
	long n = cache_count(d->cache, area, NULL, err);
	if (n < 0)
		return -1;
	d->more_areas = n > REPORT_AREAS_MAX ? n - REPORT_AREAS_MAX : 0;
	d->areas = xmalloc((size_t)(n - d->more_areas) * sizeof *d->areas);
	if (cache_list(d->cache, area, NULL, 0, n - d->more_areas, keep_area, d, err))
		return -1;
	return read_standings(d, err);
}

void report_data_free(struct report_data *d)
{
	for (int i = 0; i < d->ninst; i++) {
		struct report_inst *in = &d->inst[i];
		free(in->id), free(in->code), free(in->name), free(in->name_en), free(in->country);
	}
	for (long i = 0; i < d->nareas; i++) {
		for (int j = 0; j < d->ninst; j++)
			free(d->areas[i].at[j].note);
		free(d->areas[i].id), free(d->areas[i].title), free(d->areas[i].at);
	}
	free(d->areas), free(d->today), free(d->year_on);
}
