/*
 * Reading the cache a window at a time: listings in each type's order,
 * full-text search, a record's history and the cache's status.
 */
#include "cache_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool has_word_char(const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			return true;
	return false;
}

char *search_query(const char *text)
{
	struct buf b = { 0 };
	char *copy = xstrdup(text), *save = NULL;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (!has_word_char(w))
			continue;
		buf_puts(&b, b.len ? " \"" : "\"");
		for (char *p = w; *p; p++)
			buf_add(&b, p, *p == '"' ? 0 : 1);
		buf_puts(&b, "\"*");
	}
	free(copy);
	return b.len ? buf_take(&b) : NULL;
}

#define TREE_SQL \
	"WITH RECURSIVE tree(n, depth, path) AS (" \
	" SELECT n, 0, " AREA_KEY("d") " FROM docs d WHERE type = 'area' AND deleted = 0" \
	"  AND NOT EXISTS (SELECT 1 FROM docs p WHERE p.id = json_extract(d.body, '$.parent')" \
	"   AND p.type = 'area' AND p.deleted = 0)" \
	" UNION ALL" \
	" SELECT d.n, t.depth + 1, t.path || " AREA_KEY("d") " FROM tree t" \
	"  JOIN docs p ON p.n = t.n" \
	"  JOIN docs d ON json_extract(d.body, '$.parent') = p.id AND d.type = 'area'" \
	"   AND d.deleted = 0 WHERE t.depth < 64)" \
	" SELECT d.id, d.body, d.dirty, t.depth, 0 FROM tree t JOIN docs d ON d.n = t.n"
#define AREA_KEY(d) \
	"printf('%%012d', coalesce(json_extract(" d ".body, '$.position'), 999999) + 100000000)" \
	" || json_extract(" d ".body, '$.title') || char(1) || " d ".id || char(2)"

#define FILTER_SQL " d.n IN (SELECT rowid FROM search WHERE search MATCH ?1)"

static char *list_sql(const struct type_def *t, bool filter, bool count)
{
	bool tree = !strcmp(t->name, "area");
	if (count)
		return str_printf("SELECT count(*) FROM docs d WHERE type = '%s' AND deleted = 0%s",
				  t->name, filter ? " AND" FILTER_SQL : "");
	if (tree)
		return str_printf(TREE_SQL "%s ORDER BY t.path LIMIT ?2 OFFSET ?3",
				  filter ? " WHERE" FILTER_SQL : "");
	return str_printf("SELECT d.id, d.body, d.dirty, 0, 0 FROM docs d WHERE type = '%s' "
			  "AND deleted = 0%s ORDER BY %s, id LIMIT ?2 OFFSET ?3", t->name,
			  filter ? " AND" FILTER_SQL : "", t->sort);
}

/* Runs a prepared row query and hands each row to fn. */
static int each_row(struct cache *c, sqlite3_stmt *st, cache_row_fn fn, void *ctx, char **err)
{
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct cache_row row = {
			.id = (const char *)sqlite3_column_text(st, 0),
			.body = cJSON_Parse((const char *)sqlite3_column_text(st, 1)),
			.dirty = sqlite3_column_int(st, 2),
			.depth = sqlite3_column_int(st, 3),
			.rank = sqlite3_column_double(st, 4),
		};
		rc = row.body ? fn(ctx, &row) : err_set(err, "record %s is damaged", row.id);
		cJSON_Delete(row.body);
	}
	if (!rc && step != SQLITE_DONE)
		rc = cache_fail(c, "reading records", err);
	sqlite3_finalize(st);
	return rc;
}

static sqlite3_stmt *prepare_filtered(struct cache *c, const char *sql, const char *filter,
				      char **err)
{
	sqlite3_stmt *st = cache_prepare(c, sql, err);
	char *q = filter ? search_query(filter) : NULL;
	if (st && filter)
		sqlite3_bind_text(st, 1, q ? q : "\"\"", -1, SQLITE_TRANSIENT);
	free(q);
	return st;
}

int cache_list(struct cache *c, const struct type_def *t, const char *filter,
	       long offset, long limit, cache_row_fn fn, void *ctx, char **err)
{
	char *sql = list_sql(t, filter != NULL, false);
	sqlite3_stmt *st = prepare_filtered(c, sql, filter, err);
	free(sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, limit < 0 ? -1 : limit);
	sqlite3_bind_int64(st, 3, offset);
	return each_row(c, st, fn, ctx, err);
}

long cache_count(struct cache *c, const struct type_def *t, const char *filter, char **err)
{
	char *sql = list_sql(t, filter != NULL, true);
	sqlite3_stmt *st = prepare_filtered(c, sql, filter, err);
	free(sql);
	if (!st)
		return -1;
	long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
		: cache_fail(c, "counting records", err);
	sqlite3_finalize(st);
	return n;
}

int cache_search(struct cache *c, const char *text, long offset, long limit,
		 cache_row_fn fn, void *ctx, char **err)
{
	char *q = search_query(text);
	if (!q)
		return err_set(err, "nothing to search for in '%s'", text);
	sqlite3_stmt *st = cache_prepare(c, "SELECT d.id, d.body, d.dirty, 0, bm25(search) "
		"FROM search JOIN docs d ON d.n = search.rowid WHERE search MATCH ? "
		"AND d.deleted = 0 ORDER BY bm25(search), d.id LIMIT ? OFFSET ?", err);
	if (st) {
		sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, limit < 0 ? -1 : limit);
		sqlite3_bind_int64(st, 3, offset);
	}
	free(q);
	return st ? each_row(c, st, fn, ctx, err) : -1;
}

static cJSON *parse_column(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? cJSON_Parse((const char *)s) : NULL;
}

int cache_history(struct cache *c, const char *id, cache_hist_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT seq, batch, kind, at, by, before, after, undone"
					 " FROM history WHERE id = ? ORDER BY seq DESC", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct cache_hist h = {
			.seq = sqlite3_column_int64(st, 0), .batch = sqlite3_column_int64(st, 1),
			.kind = (const char *)sqlite3_column_text(st, 2),
			.at = (const char *)sqlite3_column_text(st, 3),
			.by = (const char *)sqlite3_column_text(st, 4),
			.before = parse_column(st, 5), .after = parse_column(st, 6),
			.undone = sqlite3_column_int(st, 7),
		};
		rc = fn(ctx, &h);
		cJSON_Delete(h.before);
		cJSON_Delete(h.after);
	}
	if (!rc && step != SQLITE_DONE)
		rc = cache_fail(c, "reading history", err);
	sqlite3_finalize(st);
	return rc;
}

static char *text_or_null(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

int cache_status(struct cache *c, struct cache_status *s, char **err)
{
	*s = (struct cache_status){ 0 };
	sqlite3_stmt *st = cache_prepare(c, "SELECT"
		" (SELECT count(*) FROM docs WHERE deleted = 0),"
		" (SELECT count(*) FROM docs WHERE dirty = 1),"
		" (SELECT count(*) FROM conflicts),"
		" (SELECT count(*) FROM docs WHERE rejected IS NOT NULL),"
		" (SELECT count(*) FROM docs WHERE deleted = 1),"
		" (SELECT max(last_ok) FROM sync_state),"
		" (SELECT last_error FROM sync_state ORDER BY last_ok DESC LIMIT 1),"
		" (SELECT endpoint FROM sync_state ORDER BY last_ok DESC LIMIT 1)", err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : cache_fail(c, "reading the status", err);
	if (!rc) {
		s->records = sqlite3_column_int64(st, 0);
		s->unsynced = sqlite3_column_int64(st, 1);
		s->conflicts = sqlite3_column_int64(st, 2);
		s->rejected = sqlite3_column_int64(st, 3);
		s->deleted = sqlite3_column_int64(st, 4);
		s->last_sync = text_or_null(st, 5);
		s->last_error = text_or_null(st, 6);
		s->endpoint = text_or_null(st, 7);
	}
	sqlite3_finalize(st);
	return rc;
}

void cache_status_free(struct cache_status *s)
{
	free(s->last_sync);
	free(s->last_error);
	free(s->endpoint);
}
