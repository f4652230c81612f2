/*
 * The report (see report.h): its sections as tables, the header, where
 * every library stands in every area, their most pressing topics and the
 * libraries themselves; the writers then print the sections.
 */
#include "report_internal.h"
#include "files.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The Areas pane's glyphs, none to advanced. */
static const char *const level_glyphs[] = { "··", "░░", "▒▒", "▓▓", "██" };
#define GLYPHS (int)(sizeof level_glyphs / sizeof level_glyphs[0])

int report_format_parse(const char *name)
{
	return !strcmp(name, "html") ? REPORT_HTML : !strcmp(name, "md") ? REPORT_MD : -1;
}

struct report_section *report_section(struct report *r, const char *id, char *title,
				      char *intro)
{
	r->sections = xrealloc(r->sections, (size_t)(r->nsections + 1) * sizeof *r->sections);
	struct report_section *s = &r->sections[r->nsections++];
	*s = (struct report_section){ .id = id, .title = title, .intro = intro };
	return s;
}

struct report_table *report_table(struct report_section *s, int ncols, const char *empty)
{
	s->tables = xrealloc(s->tables, (size_t)(s->ntables + 1) * sizeof *s->tables);
	struct report_table *t = &s->tables[s->ntables++];
	*t = (struct report_table){ .ncols = ncols, .empty = empty };
	t->heads = xmalloc((size_t)ncols * sizeof *t->heads);
	for (int i = 0; i < ncols; i++)
		t->heads[i] = NULL;
	return t;
}

struct report_cell *report_row(struct report_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = xrealloc(t->cells, (size_t)(t->cap * t->ncols) * sizeof *t->cells);
	}
	struct report_cell *row = &t->cells[t->nrows++ * t->ncols];
	for (int i = 0; i < t->ncols; i++)
		row[i] = (struct report_cell){ .level = REPORT_TEXT };
	return row;
}

static void free_table(struct report_table *t)
{
	for (long i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	for (int i = 0; i < t->ncols; i++)
		free(t->heads[i]);
	free(t->heads), free(t->cells), free(t->caption);
}

static void report_free(struct report *r)
{
	for (int i = 0; i < r->nsections; i++) {
		struct report_section *s = &r->sections[i];
		for (int j = 0; j < s->ntables; j++)
			free_table(&s->tables[j]);
		free(s->tables), free(s->title), free(s->intro);
	}
	free(r->sections), free(r->title), free(r->made), free(r->sync);
}

/* U+FFFD (text_sanitize's mark for what it took out) and the bidirectional
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
 * could make a record's text read in another order than it is written. */
static size_t dropped(const unsigned char *p)
{
	bool mark = p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xBD;
	bool bidi = p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
				     || (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9));
	return mark || bidi ? 3 : 0;
}

char *report_clean(const char *s)
{
	char *safe = text_sanitize(s, false), *out = safe;
	for (char *p = safe; *p;) {
		size_t n = dropped((const unsigned char *)p);
		if (n)
			p += n;
		else
			*out++ = *p++;
	}
	*out = '\0';
	return safe;
}

char *report_standing_text(const struct report_standing *s)
{
	const struct field_def *f = field_find(type_find("standing"), "level");
	const char *star = s->priority ? " ★" : "";
	if (s->level < 0)
		return str_printf("–%s", star);
	return str_printf("%s %s%s", s->level < GLYPHS ? level_glyphs[s->level] : "",
			  f->choices[s->level], star);
}

char *report_ref(struct report_data *d, const char *id)
{
	for (int i = 0; i < d->ninst; i++)
		if (!strcmp(d->inst[i].id, id))
			return xstrdup(d->inst[i].code);
	struct cache_doc doc;
	char *label = cache_get(d->cache, id, &doc, NULL) > 0 && !doc.deleted
		? record_label(doc.body) : xstrdup(id);
	cache_doc_free(&doc);
	return label;
}

char *report_when(const char *when)
{
	if (strlen(when) < 16 || when[10] != 'T')
		return xstrdup(when);
	return str_printf("%.10s %.5s UTC", when, when + 11);
}

static void head(struct report_table *t, int col, const char *text)
{
	t->heads[col] = xstrdup(text);
}

/* The legend: one column per level, then the marks. */
static void legend(struct report_section *s)
{
	const struct field_def *f = field_find(type_find("standing"), "level");
	int n = 0;
	while (f->choices[n])
		n++;
	struct report_table *t = report_table(s, n + 2, NULL);
	t->caption = xstrdup("Legend");
	struct report_cell *row = report_row(t);
	for (int i = 0; i < n; i++) {
		head(t, i, f->choices[i]);
		row[i].text = xstrdup(i < GLYPHS ? level_glyphs[i] : f->choices[i]);
		row[i].level = i;
	}
	head(t, n, "most pressing topic");
	row[n].text = xstrdup("★");
	head(t, n + 1, "nothing recorded");
	row[n + 1].text = xstrdup("–");
	row[n + 1].level = REPORT_UNKNOWN;
}

static void matrix(struct report_data *d, struct report *r)
{
	struct report_section *s = report_section(r, "matrix",
		xstrdup("Where every library stands"),
		xstrdup("Each cell says where a library stands in an area (see the legend); "
			"★ marks one of its most pressing topics."));
	legend(s);
	struct report_table *t = report_table(s, d->ninst + 1, "No areas are recorded.");
	t->wide = true;
	t->more = d->more_areas;
	head(t, 0, "Area");
	for (int j = 0; j < d->ninst; j++)
		head(t, j + 1, d->inst[j].code);
	for (long i = 0; i < d->nareas; i++) {
		struct report_cell *row = report_row(t);
		row[0].text = xstrdup(d->areas[i].title ? d->areas[i].title : d->areas[i].id);
		row[0].depth = d->areas[i].depth;
		for (int j = 0; j < d->ninst; j++) {
			row[j + 1].text = report_standing_text(&d->areas[i].at[j]);
			row[j + 1].level = d->areas[i].at[j].level;
		}
	}
}

static void libraries(struct report_data *d, struct report *r)
{
	static const char *const heads[] = { "Code", "Name", "In English", "Country" };
	struct report_section *s = report_section(r, "libraries", xstrdup("The libraries"), NULL);
	struct report_table *t = report_table(s, 4, "No libraries are recorded.");
	for (int i = 0; i < 4; i++)
		head(t, i, heads[i]);
	for (int i = 0; i < d->ninst; i++) {
		struct report_cell *row = report_row(t);
		const struct report_inst *in = &d->inst[i];
		const char *v[] = { in->code, in->name, in->name_en, in->country };
		for (int c = 0; c < 4; c++)
			row[c].text = xstrdup(v[c] ? v[c] : "");
	}
}

/* Each library's priorities, the library the report is for first. */
static void priorities(struct report_data *d, struct report *r)
{
	static const char *const heads[] = { "Library", "Area", "Where it stands", "Note" };
	struct report_section *s = report_section(r, "priorities",
		xstrdup("Most pressing topics"),
		xstrdup("The areas each library marked as one of its most pressing topics."));
	struct report_table *t = report_table(s, 4, "No library has marked a topic as pressing.");
	for (int i = 0; i < 4; i++)
		head(t, i, heads[i]);
	for (int j = 0; j < d->ninst; j++)
		for (long i = 0; i < d->nareas; i++) {
			const struct report_standing *st = &d->areas[i].at[j];
			if (!st->priority)
				continue;
			if (t->nrows == REPORT_LIST_MAX) {
				t->more++;
				continue;
			}
			struct report_cell *row = report_row(t);
			row[0].text = xstrdup(d->inst[j].code);
			row[1].text = xstrdup(d->areas[i].title ? d->areas[i].title : d->areas[i].id);
			row[2].text = report_standing_text(st);
			row[2].level = st->level;
			row[3].text = xstrdup(st->note ? st->note : "");
		}
}

/* When the report was made, and how current the cache was. */
static int header(struct report_data *d, struct report *r, char **err)
{
	char *now = now_utc(), *made = report_when(now);
	r->made = str_printf("Made %s", made);
	free(now), free(made);
	r->title = d->own ? str_printf("NORON report for %s (%s)", d->inst[0].code,
				       d->inst[0].name ? d->inst[0].name : d->inst[0].id)
		: xstrdup("NORON report: where the Nordic national libraries stand");
	struct cache_status st;
	if (cache_sync_status(d->cache, &st, err))
		return -1;
	struct buf b = { 0 };
	char *when = st.last_sync ? report_when(st.last_sync) : NULL;
	if (when)
		buf_printf(&b, "Last synced with the shared database %s", when);
	else
		buf_puts(&b, "Never synced with the shared database: this shows what this "
			 "cache holds");
	if (st.unsynced)
		buf_printf(&b, "; %s%ld edit%s made here not synced yet",
			   st.unsynced >= CACHE_UNSYNCED_CAP ? "over " : "", st.unsynced,
			   st.unsynced == 1 ? "" : "s");
	else
		buf_puts(&b, "; no edit made here waits to be synced");
	if (st.conflicts)
		buf_printf(&b, "; %ld conflict%s to settle", st.conflicts, st.conflicts == 1 ? "" : "s");
	buf_puts(&b, ".");
	r->sync = buf_take(&b);
	free(when);
	cache_status_free(&st);
	return 0;
}

static char *local_date(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return str_printf("%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

char *report_default_path(const char *dir)
{
	char *day = local_date();
	char *path = str_printf("%s/noron-report-%s.html", dir, day);
	free(day);
	return path;
}

static int build(struct report_data *d, struct report *r, char **err)
{
	const struct field_def *level = field_find(type_find("standing"), "level");
	/* from operational up, a library could help others */
	d->high = enum_index(level, "operational");
	if (d->high < 0)
		return err_set(err, "standings have no level 'operational'");
	d->today = local_date();
	d->year_on = str_printf("%04d%s", atoi(d->today) + 1, d->today + 4);
	if (report_read(d, err) || header(d, r, err))
		return -1;
	matrix(d, r);
	if (d->own && report_view(d, r, err))
		return -1;
	priorities(d, r);
	if (report_lists(d, r, err))
		return -1;
	libraries(d, r);
	return 0;
}

int report_write(struct cache *c, FILE *out, const struct report_opts *o, char **err)
{
	struct report_data d = { .cache = c, .opts = o };
	struct report r = { 0 };
	int rc = build(&d, &r, err);
	if (!rc && o->format == REPORT_HTML)
		report_html(&r, out);
	else if (!rc)
		report_md(&r, out);
	report_free(&r);
	report_data_free(&d);
	return rc;
}

int report_save(struct cache *c, const char *path, const struct report_opts *o, char **err)
{
	struct atomic_file af;
	if (atomic_open(&af, path, err))
		return -1;
	if (report_write(c, af.fp, o, err)) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af, err);
}
