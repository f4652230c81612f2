/*
 * The report from one library's point of view (noron report --institution):
 * where other libraries could help it (areas where it stands low, or that
 * it marked as pressing, and others stand high, with their skills there
 * open to staff exchange) and where it could help them.
 */
#include "report_internal.h"
#include "util.h"

#include <stdlib.h>

/* Whether library j could help the report's library in area a. */
static bool could_help_it(const struct report_data *d, const struct report_area *a, int j)
{
	const struct report_standing *own = &a->at[0];
	return (own->level < d->high || own->priority) && a->at[j].level >= d->high
		&& a->at[j].level > own->level;
}

/* Whether the report's library could help library j in area a. */
static bool could_help_them(const struct report_data *d, const struct report_area *a, int j)
{
	const struct report_standing *own = &a->at[0], *them = &a->at[j];
	return own->level >= d->high && them->level < own->level
		&& ((them->level >= 0 && them->level < d->high) || them->priority);
}

typedef bool (*helps_fn)(const struct report_data *d, const struct report_area *a, int j);

/* "kb-dk ▓▓ operational, nb-no ██ advanced": the libraries j of area a for
 * which helps holds; NULL when none does. */
static char *who(const struct report_data *d, const struct report_area *a, helps_fn helps)
{
	struct buf b = { 0 };
	for (int j = 1; j < d->ninst; j++) {
		if (!helps(d, a, j))
			continue;
		char *st = report_standing_text(&a->at[j]);
		buf_printf(&b, "%s%s %s", b.len ? ", " : "", d->inst[j].code, st);
		free(st);
	}
	return b.s ? buf_take(&b) : NULL;
}

/* The areas where helps holds for some library; their ids into *ids as
 * "a|b|c" when ids is given. */
static void help_table(struct report_data *d, struct report_section *s, const char *third,
		       helps_fn helps, const char *empty, struct buf *ids)
{
	struct report_table *t = report_table(s, 3, empty);
	t->heads[0] = xstrdup("Area");
	t->heads[1] = xstrdup(d->inst[0].code);
	t->heads[2] = xstrdup(third);
	for (long i = 0; i < d->nareas; i++) {
		struct report_area *a = &d->areas[i];
		char *text = who(d, a, helps);
		if (!text)
			continue;
		if (ids)
			buf_printf(ids, "%s%s", ids->len ? "|" : "", a->id);
		if (t->nrows == REPORT_LIST_MAX) {
			t->more++;
			free(text);
			continue;
		}
		struct report_cell *row = report_row(t);
		row[0].text = xstrdup(a->title ? a->title : a->id);
		row[1].text = report_standing_text(&a->at[0]);
		row[1].level = a->at[0].level;
		row[2].text = text;
	}
}

/* Other libraries' skills in those areas, open to staff exchange. */
static int skills_there(struct report_data *d, struct report_section *s, const char *areas,
			char **err)
{
	struct buf others = { 0 };
	for (int j = 1; j < d->ninst; j++)
		buf_printf(&others, "%s%s", others.len ? "|" : "", d->inst[j].id);
	struct cache_query q = { .type = type_find("skill"), .match = {
		{ "area", areas }, { "exchange", "yes" }, { "institution", others.s } } };
	int rc = report_list(d, s, &q, report_skill_fields,
			     "No skills of other libraries in these areas are open to exchange.", err);
	if (!rc)
		s->tables[s->ntables - 1].caption = xstrdup("Skills of other libraries in these "
							    "areas, open to staff exchange");
	free(others.s);
	return rc;
}

int report_view(struct report_data *d, struct report *r, char **err)
{
	const char *code = d->inst[0].code;
	const char *high = field_find(type_find("standing"), "level")->choices[d->high];
	struct report_section *s = report_section(r, "help-for",
		str_printf("Where others could help %s", code),
		str_printf("Areas where %s stands below %s or that it marked as pressing, "
			   "and the libraries that stand higher there, at %s or above.",
			   code, high, high));
	struct buf areas = { 0 };
	help_table(d, s, "Who stands higher", could_help_it,
		   "No other library stands higher in such an area.", &areas);
	int rc = areas.s && d->ninst > 1 ? skills_there(d, s, areas.s, err) : 0;
	free(areas.s);
	s = report_section(r, "help-from", str_printf("Where %s could help others", code),
		str_printf("Areas where %s stands at %s or higher and other libraries stand "
			   "lower: below %s, or where they marked the area as pressing.",
			   code, high, high));
	help_table(d, s, "Who could use help", could_help_them,
		   "No other library stands lower in such an area.", NULL);
	return rc;
}
