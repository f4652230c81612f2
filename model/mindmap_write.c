/*
 * Mind map export (see mindmap.h): a FreeMind 1.0 map, which Freeplane
 * reads too. The areas come a window at a time in tree order; where each
 * library stands in an area is read by one query per area. Text is written
 * in ASCII with every other character as a character reference, as
 * FreeMind writes it; what XML 1.0 cannot hold (control characters, bytes
 * that are not UTF-8) is left out.
 */
#include "mindmap.h"
#include "mindmap_internal.h"
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 500
#define ROOT_TEXT "NORON IT cooperation"
#define ROOT_ID "ID_noron"

struct writer {
	struct cache *c;
	FILE *out;
	sqlite3_stmt *standings;
	void *ids;		/* the IDs given so far (tsearch), allocated */
	int open;		/* <node>s open, the root's included */
	long top;		/* first-level nodes so far: they go right and left in turn */
	long rows;
	char **err;
};

/* s (n bytes) as XML text; in an attribute, tabs and newlines as references. */
static void xml_add(struct buf *b, const char *s, size_t n, bool attr)
{
	const char *end = s + n;
	while (s < end) {
		wchar_t c;
		int len = text_char(s, &c);
		s += len ? len : 1;
		if (!len || (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c < 0xA0)
		    || c == 0xFFFE || c == 0xFFFF)
			continue;
		if (c == '&')
			buf_puts(b, "&amp;");
		else if (c == '<')
			buf_puts(b, "&lt;");
		else if (c == '>')
			buf_puts(b, "&gt;");
		else if (c == '"')
			buf_puts(b, "&quot;");
		else if (c >= 0x7F || (attr && c < 0x20))
			buf_printf(b, "&#x%x;", (unsigned)c);
		else
			buf_add(b, s - len, 1);
	}
}

static void xml_puts(struct buf *b, const char *s)
{
	xml_add(b, s, strlen(s), true);
}

static bool name_char(char ch, bool first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_'
		|| (!first && ((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'));
}

/* The node's ID (w->ids keeps it): the one the area was imported with when
 * it is an XML name of ASCII letters, digits and "_-.", else "ID_" and the
 * id's key with other characters as '_'; unique in the map. */
static char *node_id(struct writer *w, const cJSON *doc)
{
	const char *kept = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "map_id"));
	for (const char *p = kept; kept && *p; p++)
		if (!name_char(*p, p == kept))
			kept = NULL;
	if (kept && !*kept)
		kept = NULL;
	const char *id = record_id(doc), *key = strchr(id, ':');
	char *base = kept ? xstrdup(kept) : str_printf("ID_%s", key ? key + 1 : id);
	for (char *p = base + 3; !kept && *p; p++)
		if (!name_char(*p, false) || *p == '-' || *p == '.')
			*p = '_';
	char *name = xstrdup(base);
	for (int n = 2; tfind(name, &w->ids, mm_cmp_text); n++) {
		free(name);
		name = str_printf("%s_%d", base, n);
	}
	free(base);
	if (!tsearch(name, &w->ids, mm_cmp_text))
		abort();	/* out of memory, as xmalloc would */
	return name;
}

/* Where each library stands: an attribute per institution code with the
 * level, and a warning icon and a "priority" attribute naming the
 * libraries for which the area is one of the most pressing topics. */
static int add_standings(struct writer *w, struct buf *b, const char *area)
{
	sqlite3_stmt *st = w->standings;
	struct buf levels = { 0 }, priority = { 0 };
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, area, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *level = (const char *)sqlite3_column_text(st, 1);
		if (level) {
			buf_puts(&levels, "<attribute NAME=\"");
			xml_puts(&levels, code);
			buf_puts(&levels, "\" VALUE=\"");
			xml_puts(&levels, level);
			buf_puts(&levels, "\"/>\n");
		}
		if (sqlite3_column_int(st, 2))
			buf_printf(&priority, "%s%s", priority.len ? ", " : "", code);
	}
	sqlite3_reset(st);
	if (priority.len)
		buf_puts(b, "<icon BUILTIN=\"messagebox_warning\"/>\n");
	if (levels.len)
		buf_puts(b, levels.s);
	if (priority.len) {
		buf_puts(b, "<attribute NAME=\"priority\" VALUE=\"");
		xml_puts(b, priority.s);
		buf_puts(b, "\"/>\n");
	}
	free(levels.s);
	free(priority.s);
	return step == SQLITE_DONE ? 0 : cache_fail(w->c, "reading the standings", w->err);
}

/* The description as a note, a paragraph per line, as FreeMind writes one. */
static void add_note(struct buf *b, const char *text)
{
	buf_puts(b, "<richcontent TYPE=\"NOTE\"><html>\n  <head>\n  </head>\n  <body>\n");
	for (const char *p = text;; p++) {
		size_t n = strcspn(p, "\n");
		buf_puts(b, "    <p>\n      ");
		xml_add(b, p, n, false);
		buf_puts(b, "\n    </p>\n");
		p += n;
		if (!*p)
			break;
	}
	buf_puts(b, "  </body>\n</html>\n</richcontent>\n");
}

static int put_area(void *ctx, const struct cache_row *row)
{
	struct writer *w = ctx;
	for (; w->open > row->depth + 1; w->open--)
		fputs("</node>\n", w->out);
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(row->body, "title");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(row->body, "description");
	char *id = node_id(w, row->body);
	struct buf b = { 0 };
	buf_puts(&b, "<node TEXT=\"");
	xml_puts(&b, cJSON_IsString(title) ? title->valuestring : "");
	buf_printf(&b, "\" ID=\"%s\"", id);
	if (w->open == 1)
		buf_printf(&b, " POSITION=\"%s\"", w->top++ % 2 ? "left" : "right");
	buf_puts(&b, ">\n");
	int rc = add_standings(w, &b, row->id);
	if (cJSON_IsString(text) && *text->valuestring)
		add_note(&b, text->valuestring);
	fwrite(b.s, 1, b.len, w->out);
	free(b.s);
	w->open++;
	w->rows++;
	return rc;
}

static int put_tree(struct writer *w)
{
	const struct type_def *t = type_find("area");
	long before;
	do {
		before = w->rows;
		if (cache_list(w->c, t, NULL, w->rows, WINDOW, put_area, w, w->err))
			return -1;
	} while (w->rows - before == WINDOW);
	for (; w->open > 0; w->open--)
		fputs("</node>\n", w->out);
	return 0;
}

int mindmap_export(struct cache *c, FILE *out, char **err)
{
	struct writer w = { .c = c, .out = out, .err = err, .open = 1 };
	w.standings = cache_prepare(c,
		"SELECT coalesce(json_extract(i.body, '$.code'), i.id),"
		" json_extract(s.body, '$.level'), json_extract(s.body, '$.priority')"
		" FROM docs s JOIN docs i ON i.id = json_extract(s.body, '$.institution')"
		"  AND i.type = 'institution' AND i.deleted = 0"
		" WHERE s.type = 'standing' AND s.deleted = 0"
		"  AND json_extract(s.body, '$.area') = ?1 ORDER BY 1", err);
	if (!w.standings)
		return -1;
	/* One read transaction: the map is one consistent picture. */
	if (sqlite3_exec(cache_db(c), "BEGIN", NULL, NULL, NULL)) {
		sqlite3_finalize(w.standings);
		return cache_fail(c, "reading the areas", err);
	}
	fputs("<map version=\"1.0.1\">\n<!-- To view this file, download free mind mapping "
	      "software FreeMind from http://freemind.sourceforge.net -->\n"
	      "<node TEXT=\"" ROOT_TEXT "\" ID=\"" ROOT_ID "\">\n", out);
	if (!tsearch(xstrdup(ROOT_ID), &w.ids, mm_cmp_text))
		abort();	/* out of memory, as xmalloc would */
	int rc = put_tree(&w);
	fputs("</map>\n", out);
	sqlite3_exec(cache_db(c), "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(w.standings);
	tdestroy(w.ids, free);
	return rc;
}
