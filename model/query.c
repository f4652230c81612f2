/*
 * Reading the cache a window at a time: listings in each type's order,
 * full-text search, a record's history and the cache's status.
 */
#include "cache_internal.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* search_query() on the text column only, not the records' kind. */
static char *text_query(const char *text)
{
	char *words = search_query(text);
	char *q = words ? str_printf("text : (%s)", words) : NULL;
	free(words);
	return q;
}

/* Areas in tree order: each area's path of (position, title, id) keys from
 * the root; children of the areas listed in ?4 (a JSON array) are hidden.
 * "= +p.id": a column compared with an indexed expression keeps its TEXT
 * affinity and SQLite then cannot seek the expression's index; the unary
 * plus drops the affinity (as everywhere a column meets a json_extract). */
#define TREE_CTE \
	"WITH RECURSIVE tree(n, depth, path) AS (" \
	" SELECT n, 0, " AREA_KEY("d") " FROM docs d WHERE type = 'area' AND deleted = 0" \
	"  AND NOT EXISTS (SELECT 1 FROM docs p WHERE p.id = json_extract(d.body, '$.parent')" \
	"   AND p.type = 'area' AND p.deleted = 0)" \
	" UNION ALL" \
	" SELECT d.n, t.depth + 1, t.path || " AREA_KEY("d") " FROM tree t" \
	"  JOIN docs p ON p.n = t.n" \
	"  JOIN docs d ON json_extract(d.body, '$.parent') = +p.id AND d.type = 'area'" \
	"   AND d.deleted = 0 WHERE t.depth < 64" \
	"   AND p.id NOT IN (SELECT value FROM json_each(coalesce(?4, '[]')))) "
/* Positions are 32-bit integers: offset by 2^31, ten digits keep any two in
 * order as text. */
#define AREA_KEY(d) \
	"printf('%012d', coalesce(json_extract(" d ".body, '$.position'), 999999) + 2147483648)" \
	" || json_extract(" d ".body, '$.title') || char(1) || " d ".id || char(2)"
#define CHILDREN \
	"(SELECT count(*) FROM docs c WHERE json_extract(c.body, '$.parent') = +d.id" \
	" AND c.type = 'area' AND c.deleted = 0)"

/* NEXT: the first row from a row number on whose field holds a value. */
enum shape { ROWS, COUNT, POSITION, ROWS_FROM_END, NEXT };

/* order with each term's direction turned ("a, b DESC" gives "a DESC, b"),
 * so that an index is read backwards. Terms are split at commas outside
 * parentheses and quotes. */
static char *reversed(const char *order)
{
	struct buf b = { 0 };
	int depth = 0;
	bool quoted = false;
	const char *term = order;
	for (const char *p = order;; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && *p == '(')
			depth++;
		else if (!quoted && *p == ')')
			depth--;
		if (*p && (quoted || depth || *p != ','))
			continue;
		while (*term == ' ')
			term++;
		size_t n = p - term;
		while (n && term[n - 1] == ' ')
			n--;
		bool desc = n > 5 && !strncasecmp(term + n - 5, " DESC", 5);
		bool asc = n > 4 && !strncasecmp(term + n - 4, " ASC", 4);
		size_t keep = desc ? n - 5 : asc ? n - 4 : n;
		buf_printf(&b, "%s%.*s%s", b.len ? ", " : "", (int)keep, term, desc ? "" : " DESC");
		if (!*p)
			break;
		term = p + 1;
	}
	return buf_take(&b);
}

/* The conditions every listing shares; ?10... the matches. */
static void where_sql(struct buf *b, const struct cache_query *q, bool tree)
{
	/* The type is written out (it comes from the field table) so that the
	 * type's partial index applies. */
	if (tree)
		buf_puts(b, " WHERE 1");
	else
		buf_printf(b, " WHERE d.type = '%s' AND d.deleted = 0", q->type->name);
	if (q->filter)	/* the filter's matches, of this type only (filter_query) */
		buf_puts(b, " AND d.n IN temp.filter_hits");
	for (int i = 0; i < CACHE_QUERY_MATCHES && q->match[i].field; i++) {
		const struct field_def *f = field_find(q->type, q->match[i].field);
		if (f->kind == FIELD_REFLIST || f->kind == FIELD_VOTES)
			buf_printf(b, " AND EXISTS (SELECT 1 FROM json_each(d.body, '$.%s') WHERE"
				   " value IN (SELECT value FROM json_each(?%d)))", f->name, 10 + i);
		else	/* as an indexed expression is written (fields.c), of d */
			buf_printf(b, " AND json_extract(d.body,'$.%s') IN (SELECT value FROM"
				   " json_each(?%d))", f->name, 10 + i);
	}
}

/* The index that holds a listing's order (schema.c), or NULL: the type's
 * sort, or one of its further orders (fields.h, type_def.indexes). */
static char *order_index(const struct cache_query *q)
{
	const struct type_def *t = q->type;
	if (!q->order)
		return str_printf("docs_sort_%s", t->name);
	for (int k = 0; t->indexes && t->indexes[k]; k++)
		if (!strcmp(q->order, t->indexes[k]))
			return str_printf("docs_%s_%d", t->name, k + 1);
	return NULL;
}

/* Rows in an order are read from that order's index: SQLite would rather
 * take a selective index (a status, the full-text matches) and sort all it
 * finds, which costs far more than reading a window. A count with only field
 * matches is left to SQLite (it counts on a status index). */
static void from_sql(struct buf *b, const struct cache_query *q, enum shape shape)
{
	char *index = order_index(q);
	if (index && (shape != COUNT || q->filter))
		buf_printf(b, " FROM docs d INDEXED BY %s", index);
	else
		buf_puts(b, " FROM docs d");
	free(index);
}

/* A listing in the order of the titles its reference points to (proposals
 * by their area's title) cannot be one index: it is read as areas in title
 * order (their title index), each with its proposals (the index on the
 * reference and the type's key), merged with those that have no area and
 * those whose area is not in the cache (found among the distinct values of
 * the reference, one index seek each). The first windows cost what they
 * do in an indexed order; one further down, a read of the keys before it
 * (as a window of a status filter costs). */
struct ref_join {
	const char *field, *key, *rtype, *title;
	char *outer, *inner;	/* the two indexes' names */
};

static char *index_named(const struct type_def *t, const char *expr)
{
	for (int k = 0; t->indexes && t->indexes[k]; k++)
		if (!strcmp(t->indexes[k], expr))
			return str_printf("docs_%s_%d", t->name, k + 1);
	return NULL;
}

static bool ref_join_find(const struct cache_query *q, struct ref_join *j)
{
	const struct field_def *f = q->order_ref ? field_find(q->type, q->order_ref) : NULL;
	const struct type_def *rt = f && f->kind == FIELD_REF ? type_find(f->ref) : NULL;
	if (!rt || !q->type->key)
		return false;
	*j = (struct ref_join){ .field = f->name, .key = q->type->key, .rtype = rt->name,
				.title = type_title_field(rt)->name };
	char *outer = str_printf("json_extract(body,'$.%s')", j->title);
	char *inner = str_printf("json_extract(body,'$.%s'), json_extract(body,'$.%s')",
				 j->field, j->key);
	j->outer = index_named(rt, outer);
	j->inner = index_named(q->type, inner);
	free(outer), free(inner);
	if (j->outer && j->inner)
		return true;
	free(j->outer), free(j->inner);
	return false;
}

/* The distinct values of the reference, as refs(v), a seek each. */
static void ref_values_cte(struct buf *b, const struct cache_query *q, const struct ref_join *j)
{
	const char *t = q->type->name;
	buf_printf(b, "WITH RECURSIVE refs(v) AS (SELECT min(json_extract(body,'$.%s')) FROM docs"
		   " INDEXED BY %s WHERE type = '%s' AND deleted = 0 UNION ALL SELECT (SELECT"
		   " min(json_extract(body,'$.%s')) FROM docs INDEXED BY %s WHERE type = '%s' AND"
		   " deleted = 0 AND json_extract(body,'$.%s') > refs.v) FROM refs WHERE v IS NOT"
		   " NULL) ", j->field, j->inner, t, j->field, j->inner, t, j->field);
}

/* The rows as (k1, k2, k3, k4, id, body, dirty): the title, the referred
 * id and row (which tells SQLite that each referred record comes once, so
 * that its rows come in the inner index's order, unsorted), and the key; k1
 * is NULL for those without a record referred to. */
static void ref_rows(struct buf *b, const struct cache_query *q, const struct ref_join *j)
{
	buf_printf(b, "SELECT json_extract(r.body,'$.%s') AS k1, r.id AS k2, r.n AS k3,"
		   " json_extract(d.body,'$.%s') AS k4, d.id AS id, d.body AS body, d.dirty AS dirty"
		   " FROM docs r INDEXED BY %s CROSS JOIN docs d INDEXED BY %s"
		   " ON json_extract(d.body,'$.%s') = +r.id", j->title, j->key, j->outer, j->inner,
		   j->field);
	where_sql(b, q, false);
	buf_printf(b, " AND r.type = '%s' AND r.deleted = 0", j->rtype);
	buf_printf(b, " UNION ALL SELECT NULL, NULL, NULL, json_extract(d.body,'$.%s'), d.id,"
		   " d.body, d.dirty FROM docs d INDEXED BY %s", j->key, j->inner);
	where_sql(b, q, false);
	buf_printf(b, " AND json_extract(d.body,'$.%s') IS NULL", j->field);
	buf_printf(b, " UNION ALL SELECT NULL, g.v, NULL, json_extract(d.body,'$.%s'), d.id,"
		   " d.body, d.dirty FROM refs g CROSS JOIN docs d INDEXED BY %s"
		   " ON json_extract(d.body,'$.%s') = g.v", j->key, j->inner, j->field);
	where_sql(b, q, false);
	buf_printf(b, " AND g.v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM docs r WHERE"
		   " r.id = g.v AND r.type = '%s' AND r.deleted = 0)", j->rtype);
}

/* What a NEXT query keeps of the rows numbered rn: ?8 the first row
 * number, ?9 the values (JSON) the field must hold. */
static void next_where(struct buf *b, const char *field)
{
	buf_printf(b, ") WHERE rn >= ?8 AND json_extract(body,'$.%s') IN (SELECT value FROM"
		   " json_each(?9)) ORDER BY rn LIMIT 1", field);
}

static char *ref_query_sql(const struct cache_query *q, const struct ref_join *j,
			   enum shape shape, const char *field)
{
	struct buf b = { 0 };
	const char *dir = shape == ROWS_FROM_END ? " DESC" : "";
	ref_values_cte(&b, q, j);
	if (shape == ROWS || shape == ROWS_FROM_END)
		buf_puts(&b, "SELECT id, body, dirty, 0, 0 FROM (");
	else
		buf_printf(&b, "SELECT rn FROM (SELECT id,%s row_number() OVER (ORDER BY k1, k2, k3,"
			   " k4, id) - 1 AS rn FROM (", shape == NEXT ? " body," : "");
	ref_rows(&b, q, j);
	if (shape == ROWS || shape == ROWS_FROM_END)
		buf_printf(&b, " ORDER BY 1%s, 2%s, 3%s, 4%s, 5%s LIMIT ?2 OFFSET ?3) ORDER BY k1%s,"
			   " k2%s, k3%s, k4%s, id%s", dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
	else if (shape == POSITION)
		buf_puts(&b, ")) WHERE id = ?7");
	else {
		buf_puts(&b, ")");
		next_where(&b, field);
	}
	return buf_take(&b);
}

static char *query_sql(const struct cache_query *q, enum shape shape, const char *field)
{
	struct ref_join j;
	if (shape != COUNT && ref_join_find(q, &j)) {
		char *sql = ref_query_sql(q, &j, shape, field);
		free(j.outer), free(j.inner);
		return sql;
	}
	bool tree = !strcmp(q->type->name, "area");
	struct buf b = { 0 };
	const char *order = tree ? "t.path" : q->order ? q->order : q->type->sort;
	/* Only the filter: the search index counts its type's matches alone
	 * (live records only have search rows). */
	if (shape == COUNT && q->filter && !tree && !q->match[0].field)
		return xstrdup("SELECT count(*) FROM temp.filter_hits");
	/* The type, perhaps some statuses: the count is kept (schema.c). */
	bool by_status = q->match[0].field && !strcmp(q->match[0].field, "status")
		&& !q->match[1].field;
	if (shape == COUNT && !q->filter && !tree && (!q->match[0].field || by_status))
		return str_printf("SELECT coalesce((SELECT sum(live) FROM type_counts"
				  " WHERE type = '%s'%s), 0)", q->type->name, by_status
				  ? " AND status IN (SELECT value FROM json_each(?10))" : "");
	if (tree)
		buf_puts(&b, TREE_CTE);
	if (shape == ROWS || shape == ROWS_FROM_END)
		buf_printf(&b, "SELECT d.id, d.body, d.dirty, %s, %s", tree ? "t.depth" : "0",
			   tree ? CHILDREN : "0");
	else if (shape == COUNT)
		buf_puts(&b, "SELECT count(*)");
	else
		buf_printf(&b, "SELECT rn FROM (SELECT d.id,%s row_number() OVER (ORDER BY %s, "
			   "d.id) - 1 AS rn", shape == NEXT ? " d.body," : "", order);
	if (tree)
		buf_puts(&b, " FROM tree t JOIN docs d ON d.n = t.n");
	else
		from_sql(&b, q, shape);
	where_sql(&b, q, tree);
	if (shape == ROWS)
		buf_printf(&b, " ORDER BY %s, d.id LIMIT ?2 OFFSET ?3", order);
	if (shape == ROWS_FROM_END) {
		char *back = reversed(order);
		buf_printf(&b, " ORDER BY %s, d.id DESC LIMIT ?2 OFFSET ?3", back);
		free(back);
	} else if (shape == POSITION)
		buf_puts(&b, ") WHERE id = ?7");
	else if (shape == NEXT)
		next_where(&b, field);
	return buf_take(&b);
}

static int check_query(const struct cache_query *q, char **err)
{
	for (int i = 0; i < CACHE_QUERY_MATCHES && q->match[i].field; i++)
		if (!field_find(q->type, q->match[i].field))
			return err_set(err, "unknown field '%s' for type %s", q->match[i].field,
				       q->type->name);
	return 0;
}

/* "a|b" as the JSON array ["a","b"]; yes/no as JSON true (1) or false (0),
 * which is how json_each reads them back. */
static char *match_values(const struct field_def *f, const char *value)
{
	cJSON *list = cJSON_CreateArray();
	char *copy = xstrdup(value), *save = NULL;
	for (char *v = strtok_r(copy, "|", &save); v; v = strtok_r(NULL, "|", &save))
		cJSON_AddItemToArray(list, f->kind == FIELD_BOOL
				     ? cJSON_CreateNumber(strchr("1yYtT", v[0]) != NULL)
				     : cJSON_CreateString(v));
	char *out = cJSON_PrintUnformatted(list);
	cJSON_Delete(list);
	free(copy);
	return out;
}

/* A listing's full-text condition: its type's records whose text has every
 * word of the filter. */
static char *filter_query(const struct cache_query *q)
{
	char *words = text_query(q->filter);
	char *fts = str_printf("kind : \"%s\" AND %s", q->type->name, words ? words : "\"\"");
	free(words);
	return fts;
}

static sqlite3_stmt *prepare_query(struct cache *c, const struct cache_query *q,
				   enum shape shape, const char *field, char **err)
{
	if (check_query(q, err))
		return NULL;
	if (field && !field_find(q->type, field)) {
		err_set(err, "unknown field '%s' for type %s", field, q->type->name);
		return NULL;
	}
	if (q->filter) {
		char *fts = filter_query(q);
		int rc = cache_filter_hits(c, fts, err);
		free(fts);
		if (rc)
			return NULL;
	}
	char *sql = query_sql(q, shape, field);
	sqlite3_stmt *st = cache_stmt(c, sql, err);
	free(sql);
	if (!st)
		return NULL;
	if (q->collapsed && !q->filter)
		sqlite3_bind_text(st, 4, q->collapsed, -1, SQLITE_TRANSIENT);
	for (int i = 0; i < CACHE_QUERY_MATCHES && q->match[i].field; i++) {
		char *values = match_values(field_find(q->type, q->match[i].field), q->match[i].value);
		sqlite3_bind_text(st, 10 + i, values, -1, SQLITE_TRANSIENT);
		free(values);
	}
	return st;
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
			.children = sqlite3_column_int(st, 4),
			.rank = sqlite3_column_double(st, 4),
			.occurs = sqlite3_column_count(st) > 5
				? (const char *)sqlite3_column_text(st, 5) : NULL,
			.occurs_until = sqlite3_column_count(st) > 6
				? (const char *)sqlite3_column_text(st, 6) : NULL,
		};
		rc = row.body ? fn(ctx, &row) : err_set(err, "record %s is damaged", row.id);
		cJSON_Delete(row.body);
	}
	if (!rc && step != SQLITE_DONE)
		rc = cache_fail(c, "reading records", err);
	cache_release(c, st);
	return rc;
}

/* Rows read backwards, kept to be handed on in their order. */
struct kept_rows {
	struct cache_row *rows;
	size_t n, cap;
};

void cache_row_copy(struct cache_row *dst, const struct cache_row *src)
{
	*dst = *src;
	dst->id = xstrdup(src->id);
	dst->body = cJSON_Duplicate(src->body, 1);
	dst->occurs = src->occurs ? xstrdup(src->occurs) : NULL;
	dst->occurs_until = src->occurs_until ? xstrdup(src->occurs_until) : NULL;
}

void cache_row_clear(struct cache_row *r)
{
	free((char *)r->id);
	free((char *)r->occurs);
	free((char *)r->occurs_until);
	cJSON_Delete(r->body);
	*r = (struct cache_row){ 0 };
}

static int keep_row(void *ctx, const struct cache_row *row)
{
	struct kept_rows *k = ctx;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 32;
		k->rows = xrealloc(k->rows, k->cap * sizeof *k->rows);
	}
	cache_row_copy(&k->rows[k->n++], row);
	return 0;
}

/* The window [offset, offset + limit) of the last half, read from the end
 * of the order: OFFSET skips index entries one by one, so the last row of
 * 25,000 would cost as much as reading all of them. */
static int rows_from_end(struct cache *c, const struct cache_query *q, long offset, long limit,
			 cache_row_fn fn, void *ctx, char **err)
{
	long left = q->total - offset;
	long n = limit < 0 || limit > left ? left : limit;
	sqlite3_stmt *st = prepare_query(c, q, ROWS_FROM_END, NULL, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, n);
	sqlite3_bind_int64(st, 3, left - n);
	struct kept_rows k = { 0 };
	int rc = each_row(c, st, keep_row, &k, err);
	for (size_t i = k.n; i-- > 0;) {
		if (!rc)
			rc = fn(ctx, &k.rows[i]);
		cache_row_clear(&k.rows[i]);
	}
	free(k.rows);
	return rc;
}

int cache_query_rows(struct cache *c, const struct cache_query *q, long offset, long limit,
		     cache_row_fn fn, void *ctx, char **err)
{
	bool tree = !strcmp(q->type->name, "area");
	if (!tree && q->total > 0 && offset > q->total / 2 && offset < q->total)
		return rows_from_end(c, q, offset, limit, fn, ctx, err);
	sqlite3_stmt *st = prepare_query(c, q, ROWS, NULL, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 2, limit < 0 ? -1 : limit);
	sqlite3_bind_int64(st, 3, offset);
	return each_row(c, st, fn, ctx, err);
}

/* Runs a query of one number; -1 on error, def when there is no row. */
static long one_number(struct cache *c, sqlite3_stmt *st, long def, char **err)
{
	int step = sqlite3_step(st);
	long n = step == SQLITE_ROW ? sqlite3_column_int64(st, 0)
		: step == SQLITE_DONE ? def : cache_fail(c, "counting records", err);
	cache_release(c, st);
	return n;
}

long cache_query_count(struct cache *c, const struct cache_query *q, char **err)
{
	sqlite3_stmt *st = prepare_query(c, q, COUNT, NULL, err);
	return st ? one_number(c, st, 0, err) : -1;
}

long cache_query_position(struct cache *c, const struct cache_query *q, const char *id,
			  char **err)
{
	sqlite3_stmt *st = prepare_query(c, q, POSITION, NULL, err);
	if (!st)
		return -2;
	sqlite3_bind_text(st, 7, id, -1, SQLITE_TRANSIENT);
	long n = one_number(c, st, -1, err);
	return n == -1 && err && *err ? -2 : n;
}

long cache_query_next(struct cache *c, const struct cache_query *q, long from,
		      const char *field, const char *values, char **err)
{
	sqlite3_stmt *st = prepare_query(c, q, NEXT, field, err);
	if (!st)
		return -2;
	char *list = match_values(field_find(q->type, field), values);
	sqlite3_bind_int64(st, 8, from);
	sqlite3_bind_text(st, 9, list, -1, free);
	long n = one_number(c, st, -1, err);
	return n == -1 && err && *err ? -2 : n;
}

int cache_list(struct cache *c, const struct type_def *t, const char *filter,
	       long offset, long limit, cache_row_fn fn, void *ctx, char **err)
{
	struct cache_query q = { .type = t, .filter = filter };
	return cache_query_rows(c, &q, offset, limit, fn, ctx, err);
}

long cache_count(struct cache *c, const struct type_def *t, const char *filter, char **err)
{
	struct cache_query q = { .type = t, .filter = filter };
	return cache_query_count(c, &q, err);
}

int cache_linked(struct cache *c, const char *dst, const struct type_def *t, long limit,
		 cache_row_fn fn, void *ctx, char **err)
{
	/* The links of one type are a range of links_order, already in order
	 * (record_link_key): the window is read, not the whole set sorted. A
	 * record that refers to dst through two fields is listed once. */
	sqlite3_stmt *st = cache_stmt(c, "SELECT d.id, d.body, d.dirty, 0, 0 FROM links l"
		" CROSS JOIN docs d ON d.id = l.src WHERE l.dst = ?1 AND l.key > ?2 AND l.key < ?3"
		" AND l.field = (SELECT min(x.field) FROM links x WHERE x.dst = l.dst"
		" AND x.src = l.src) AND d.deleted = 0 ORDER BY l.key, l.src LIMIT ?4", err);
	if (!st)
		return -1;
	char *from = str_printf("%s\x01", t->name), *to = str_printf("%s\x02", t->name);
	sqlite3_bind_text(st, 1, dst, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, from, -1, free);
	sqlite3_bind_text(st, 3, to, -1, free);
	sqlite3_bind_int64(st, 4, limit);
	return each_row(c, st, fn, ctx, err);
}

int cache_with_prefix(struct cache *c, const char *prefix, long limit, cache_row_fn fn,
		      void *ctx, char **err)
{
	/* The ids from prefix up to prefix with its last byte raised: a range
	 * of the id index. */
	size_t n = strlen(prefix);
	if (!n || (unsigned char)prefix[n - 1] == 0xFF)
		return err_set(err, "no range of ids begins with '%s'", prefix);
	sqlite3_stmt *st = cache_stmt(c, "SELECT id, body, dirty, 0, 0 FROM docs"
				      " WHERE id >= ?1 AND id < ?2 AND deleted = 0 ORDER BY id LIMIT ?3",
				      err);
	if (!st)
		return -1;
	char *end = xstrdup(prefix);
	end[n - 1]++;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, end, -1, free);
	sqlite3_bind_int64(st, 3, limit);
	return each_row(c, st, fn, ctx, err);
}

/* The occurrences of events that overlap the days [?1, ?2) in the user's
 * time zone: an occurrence from its start to its end (its start when it has
 * none) overlaps when it begins before ?2 and ends on ?1 or later, both as
 * local days (noron_local_day). Yearly events occur on their anniversaries
 * in later years too (shifted by so many years), a 29 February in leap
 * years only (as RRULE:FREQ=YEARLY has it). The stored times are UTC, so the
 * candidates come from a window a day wider on each side, from the indexes
 * alone: events starting in it (docs_sort_event), events of several days
 * that began before it and end in it or later (docs_multiday), and the
 * yearly ones (docs_yearly). Only the records of the window chosen are read
 * (an event that starts a day after ?1 or later is in the range whatever its
 * end, so its end is not looked at before; a date is its own local day).
 * On each day the all-day events come first. */
#define SQL_START "json_extract(d.body, '$.start')"
#define SQL_END "json_extract(d.body, '$.end')"
#define SQL_UNTIL "coalesce(" SQL_END ", " SQL_START ")"
#define SQL_LO "date(?1, '-1 day')"
#define SQL_HI "date(?2, '+1 day')"
#define SQL_YEAR(x) "CAST(substr(" x ", 1, 4) AS INTEGER)"
/* The end of the occurrence so many years after the first. */
#define SQL_LAST(shift) "printf('%04d', " SQL_YEAR(SQL_UNTIL) " + " shift ")" \
	" || substr(" SQL_UNTIL ", 5)"
#define SQL_SHIFT "years.y - " SQL_YEAR(SQL_START)
#define OCCURRENCES_SQL \
	"WITH RECURSIVE years(y) AS (SELECT " SQL_YEAR("?1") " - 1 UNION ALL" \
	" SELECT y + 1 FROM years WHERE y < " SQL_YEAR("?2") " AND y < 9999)," \
	" occs(n, id, occ, last, shift) AS (" \
	"  SELECT d.n, d.id, " SQL_START "," \
	"   CASE WHEN " SQL_START " >= date(?1, '+1 day') THEN " SQL_START \
	"   ELSE " SQL_UNTIL " END," \
	"   0 FROM docs d WHERE d.type = 'event' AND d.deleted = 0" \
	"   AND " SQL_START " >= " SQL_LO " AND " SQL_START " < " SQL_HI \
	"  UNION ALL" \
	"  SELECT d.n, d.id, " SQL_START ", " SQL_END ", 0 FROM docs d" \
	"   WHERE d.type = 'event' AND d.deleted = 0" \
	"   AND substr(" SQL_END ", 1, 10) > substr(" SQL_START ", 1, 10)" \
	"   AND " SQL_END " >= " SQL_LO " AND " SQL_START " < " SQL_LO \
	"  UNION ALL" \
	"  SELECT n, id, occ, last, shift FROM (SELECT d.n, d.id," \
	"    printf('%04d', years.y) || substr(" SQL_START ", 5) AS occ," \
	"    " SQL_LAST(SQL_SHIFT) " AS last, " SQL_SHIFT " AS shift" \
	"   FROM docs d CROSS JOIN years" \
	"   WHERE d.type = 'event' AND d.deleted = 0 AND json_extract(d.body, '$.repeat') = 'yearly'" \
	"   AND years.y > " SQL_YEAR(SQL_START) \
	"   AND (substr(" SQL_START ", 6, 5) <> '02-29'" \
	"    OR (years.y % 4 = 0 AND years.y % 100 <> 0) OR years.y % 400 = 0))" \
	"   WHERE occ < " SQL_HI " AND last >= " SQL_LO ")," \
	" days(n, id, occ, last, shift, day) AS (SELECT n, id, occ, last, shift," \
	"  CASE WHEN length(occ) = 10 THEN occ ELSE noron_local_day(occ) END FROM occs)" \
	" SELECT d.id, d.body, d.dirty, 0, 0, o.occ," \
	"  CASE WHEN o.shift = 0 THEN " SQL_UNTIL " ELSE " SQL_LAST("o.shift") " END" \
	" FROM (SELECT n, id, occ, shift, day FROM days" \
	"  WHERE day < ?2 AND (last >= date(?1, '+1 day') OR noron_local_day(last) >= ?1)" \
	"  ORDER BY day, length(occ), occ, id LIMIT ?3) o" \
	" CROSS JOIN docs d ON d.n = o.n ORDER BY o.day, length(o.occ), o.occ, o.id"

/* (CROSS JOIN: the yearly events come from their index first; years first
 * made SQLite build an index over every record for each call.) */
int cache_events_between(struct cache *c, const char *from, const char *to, long limit,
			 cache_row_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *st = cache_stmt(c, OCCURRENCES_SQL, err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, limit);
	return each_row(c, st, fn, ctx, err);
}

long long cache_data_version(struct cache *c)
{
	sqlite3_stmt *st = cache_stmt(c, "PRAGMA data_version", NULL);
	long long v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	cache_release(c, st);
	return v;
}

/* Past this many matches, ranking them all costs more than a keystroke may
 * (bm25 reads every match's size): the newest records come first instead,
 * and typing more brings the ranking back. */
#define SEARCH_RANKED_MAX 2000

long cache_search_count(struct cache *c, const char *text, long cap, char **err)
{
	char *q = text_query(text);
	if (!q)
		return 0;
	/* Only live records have search rows (store.c), so no join is needed;
	 * the search index stops at the cap instead of walking every match. */
	sqlite3_stmt *st = cache_stmt(c, "SELECT count(*) FROM (SELECT 1 FROM search"
				      " WHERE search MATCH ?1 LIMIT ?2)", err);
	if (st) {
		sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, cap < 0 ? -1 : cap);
	}
	free(q);
	return st ? one_number(c, st, 0, err) : -1;
}

int cache_search(struct cache *c, const char *text, long offset, long limit,
		 cache_row_fn fn, void *ctx, char **err)
{
	char *q = text_query(text);
	if (!q)
		return err_set(err, "nothing to search for in '%s'", text);
	long matches = cache_search_count(c, text, SEARCH_RANKED_MAX + 1, err);
	if (matches < 0) {
		free(q);
		return -1;
	}
	/* The window is taken from the index alone; only its rows are read. */
	sqlite3_stmt *st = cache_stmt(c, matches <= SEARCH_RANKED_MAX
		? "SELECT d.id, d.body, d.dirty, 0, s.score FROM (SELECT rowid AS n,"
		  " bm25(search) AS score FROM search WHERE search MATCH ?1"
		  " ORDER BY score, rowid LIMIT ?2 OFFSET ?3) s CROSS JOIN docs d ON d.n = s.n"
		  " ORDER BY s.score, d.n"
		: "SELECT d.id, d.body, d.dirty, 0, 0 FROM (SELECT rowid AS n FROM search"
		  " WHERE search MATCH ?1 ORDER BY rowid DESC LIMIT ?2 OFFSET ?3) s"
		  " CROSS JOIN docs d ON d.n = s.n ORDER BY d.n DESC", err);
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
	sqlite3_stmt *st = cache_stmt(c, "SELECT seq, batch, kind, at, by, before, after, undone"
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
	cache_release(c, st);
	return rc;
}

static char *text_or_null(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

/* The totals are left out (-1) for the status line, which does not show
 * them: counting 100,000 records costs more than drawing a screen. */
static int read_status(struct cache *c, struct cache_status *s, bool totals, char **err)
{
	*s = (struct cache_status){ .records = -1, .deleted = -1 };
	sqlite3_stmt *st = cache_stmt(c, "SELECT"
		" CASE WHEN ?1 THEN (SELECT count(*) FROM docs)"
		"  - (SELECT count(*) FROM docs WHERE deleted = 1) END,"
		" (SELECT count(*) FROM (SELECT 1 FROM docs WHERE dirty = 1 LIMIT"
		"  CASE WHEN ?1 THEN -1 ELSE ?2 END)),"
		" (SELECT count(*) FROM conflicts),"
		" (SELECT count(*) FROM docs WHERE rejected IS NOT NULL),"
		" CASE WHEN ?1 THEN (SELECT count(*) FROM docs WHERE deleted = 1) END,"
		" (SELECT max(last_ok) FROM sync_state),"
		" (SELECT last_error FROM sync_state ORDER BY last_try DESC LIMIT 1),"
		" (SELECT endpoint FROM sync_state ORDER BY last_try DESC LIMIT 1)", err);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, totals);
	sqlite3_bind_int(st, 2, CACHE_UNSYNCED_CAP);
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : cache_fail(c, "reading the status", err);
	if (!rc) {
		if (totals) {
			s->records = sqlite3_column_int64(st, 0);
			s->deleted = sqlite3_column_int64(st, 4);
		}
		s->unsynced = sqlite3_column_int64(st, 1);
		s->conflicts = sqlite3_column_int64(st, 2);
		s->rejected = sqlite3_column_int64(st, 3);
		s->last_sync = text_or_null(st, 5);
		s->last_error = text_or_null(st, 6);
		s->endpoint = text_or_null(st, 7);
	}
	cache_release(c, st);
	return rc;
}

int cache_status(struct cache *c, struct cache_status *s, char **err)
{
	return read_status(c, s, true, err);
}

int cache_sync_status(struct cache *c, struct cache_status *s, char **err)
{
	return read_status(c, s, false, err);
}

void cache_status_free(struct cache_status *s)
{
	free(s->last_sync);
	free(s->last_error);
	free(s->endpoint);
}
