/*
 * Unit tests of the SQLite cache (model/cache.c, schema.c, store.c, undo.c,
 * query.c, exchange.c), each on a cache file in its own temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "exchange.h"
#include "record.h"
#include "util.h"

extern const char noron_seed_json[];

struct fx {
	char *dir, *path;
	struct cache *c;
	char *err;
};

static int setup(void **state)
{
	struct fx *f = xmalloc(sizeof *f);
	*f = (struct fx){ .dir = xstrdup("/tmp/noron-cache-XXXXXX") };
	if (!mkdtemp(f->dir))
		return -1;
	f->path = str_printf("%s/cache.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cache_close(f->c);
	DIR *d = opendir(f->dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char *p = str_printf("%s/%s", f->dir, e->d_name);
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f->dir);
	free(f->path);
	free(f->err);
	free(f);
	return 0;
}

/* Opens f->path into f->c, failing the test with the message if it cannot. */
static struct cache *open_ok(struct fx *f, unsigned flags)
{
	if (cache_open(f->path, flags, &f->c, &f->err))
		fail_msg("cache_open: %s", f->err);
	cache_set_author(f->c, "tester@kb-se");
	return f->c;
}

/* The first column of a one-row query (one optional text parameter). */
static long long q_long(struct cache *c, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *q_text(struct cache *c, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *s = sqlite3_column_text(st, 0);
	char *v = s ? xstrdup((const char *)s) : NULL;
	sqlite3_finalize(st);
	return v;
}

/* Row counts of the three tables every edit writes. */
struct counts { long long docs, history, search; };

static struct counts counts_of(struct cache *c)
{
	return (struct counts){ q_long(c, "SELECT count(*) FROM docs", NULL),
		q_long(c, "SELECT count(*) FROM history", NULL),
		q_long(c, "SELECT count(*) FROM search", NULL) };
}

static long long search_rows(struct cache *c, const char *id)
{
	return q_long(c, "SELECT count(*) FROM search WHERE rowid = "
		      "(SELECT n FROM docs WHERE id = ?1)", id);
}

/* A record "<type>:<key>" with fields set from name/value pairs (NULL ends them). */
static cJSON *make(const char *type, const char *key, ...)
{
	cJSON *doc = record_new(type_find(type));
	char *id = str_printf("%s:%s", type, key), *err = NULL;
	cJSON_ReplaceItemInObject(doc, "_id", cJSON_CreateString(id));
	free(id);
	va_list ap;
	va_start(ap, key);
	for (const char *n; (n = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		if (record_set(doc, n, v, &err))
			fail_msg("%s=%s: %s", n, v, err);
	}
	va_end(ap);
	return doc;
}

/* Saves and frees doc; returns cache_save's result. */
static int save(struct fx *f, cJSON *doc, const char *kind)
{
	int rc = cache_save(f->c, doc, kind, &f->err);
	cJSON_Delete(doc);
	return rc;
}

static void add_institution(struct fx *f, const char *key)
{
	assert_int_equal(save(f, make("institution", key, "code", key, "name", key,
				      "country", "Norden", NULL), HIST_ADD), 1);
}

static bool is_deleted(struct fx *f, const char *id)
{
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	bool del = d.deleted;
	cache_doc_free(&d);
	return del;
}

/* Rows collected from a listing or a search. */
struct rows {
	int n;
	char *ids[64];
	int depth[64];
};

static int collect(void *ctx, const struct cache_row *row)
{
	struct rows *r = ctx;
	assert_true(r->n < 64);
	assert_string_equal(record_id(row->body), row->id);
	r->ids[r->n] = xstrdup(row->id);
	r->depth[r->n++] = row->depth;
	return 0;
}

static void rows_free(struct rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->ids[i]);
	r->n = 0;
}

static bool rows_have(const struct rows *r, const char *id)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->ids[i], id))
			return true;
	return false;
}

/* Guards: a new cache has the schema version, WAL, foreign keys and every table, and no records. */
static void test_open_creates_schema(void **state)
{
	struct fx *f = *state;
	struct cache *c = open_ok(f, CACHE_CREATE);
	assert_int_equal(q_long(c, "PRAGMA user_version", NULL), CACHE_SCHEMA_VERSION);
	char *mode = q_text(c, "PRAGMA journal_mode", NULL);
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(q_long(c, "PRAGMA foreign_keys", NULL), 1);
	static const char *const tables[] = { "docs", "history", "conflicts", "sync_state", "search" };
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		assert_int_equal(q_long(c, "SELECT count(*) FROM sqlite_master WHERE name = ?1",
					tables[i]), 1);
	assert_int_equal(counts_of(c).docs, 0);
	assert_string_equal(cache_path(c), f->path);
	cache_close(c);
	f->c = NULL;
	open_ok(f, 0);
	assert_int_equal(q_long(f->c, "PRAGMA user_version", NULL), CACHE_SCHEMA_VERSION);
}

/* Guards: without CACHE_CREATE a missing cache is an error and no file appears. */
static void test_open_missing(void **state)
{
	struct fx *f = *state;
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, f->path));
	assert_int_equal(access(f->path, F_OK), -1);
}

/* Guards: CACHE_NEW (noron init) refuses a file that is already there. */
static void test_open_new_refuses_existing(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	cache_close(f->c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, CACHE_CREATE | CACHE_NEW, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, f->path));
	open_ok(f, 0);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), 1);
}

/* Guards: a file that is no database is refused as "not a noron cache" and left as it was. */
static void test_open_not_a_database(void **state)
{
	struct fx *f = *state;
	static const char text[] = "url = https://example.org/\nThis is a config, not a cache.\n"
		"It is long enough to hold an SQLite header if it were one......\n";
	FILE *fp = fopen(f->path, "w");
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(cache_open(f->path, CACHE_CREATE, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "not a noron cache"));
	char buf[sizeof text + 8] = { 0 };
	fp = fopen(f->path, "r");
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	assert_int_equal(n, strlen(text));
	assert_string_equal(buf, text);
}

/* Guards: another program's SQLite database is refused and not modified (no tables, no WAL). */
static void test_open_foreign_sqlite(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x); INSERT INTO notes VALUES(1);",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(cache_open(f->path, CACHE_CREATE, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "not a noron cache"));
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM sqlite_master), "
			   "(SELECT journal_mode FROM pragma_journal_mode)", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int tables = sqlite3_column_int(st, 0);
	char *mode = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
	bool wal = !strcmp(mode, "wal");
	free(mode);
	assert_int_equal(tables, 1);
	assert_false(wal);
}

/* Guards: a cache from a newer noron (user_version 99) is refused and left at 99. */
static void test_open_newer_schema(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(sqlite3_exec(cache_db(f->c), "PRAGMA user_version = 99", NULL, NULL, NULL),
			 SQLITE_OK);
	cache_close(f->c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "99"));
	sqlite3 *db;
	sqlite3_open(f->path, &db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	sqlite3_step(st);
	int v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(v, 99);
}

/* Guards: the seed loads clean: the charter's five institutions and seven main areas, no history. */
static void test_seed(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	cJSON *seed = cJSON_Parse(noron_seed_json);
	long insts = 0, roots = 0, all = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(seed, "records")) {
		all++;
		insts += !strcmp(cJSON_GetObjectItem(r, "type")->valuestring, "institution");
		roots += !strcmp(cJSON_GetObjectItem(r, "type")->valuestring, "area")
			&& !cJSON_GetObjectItem(r, "parent");
	}
	cJSON_Delete(seed);
	assert_int_equal(insts, 5);
	assert_int_equal(roots, 7);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), insts);
	struct rows rows = { 0 };
	assert_int_equal(cache_list(f->c, type_find("area"), NULL, 0, -1, collect, &rows, &f->err), 0);
	long depth0 = 0;
	for (int i = 0; i < rows.n; i++)
		depth0 += rows.depth[i] == 0;
	assert_int_equal(depth0, roots);
	rows_free(&rows);
	struct cache_status st;
	assert_int_equal(cache_status(f->c, &st, &f->err), 0);
	assert_int_equal(st.records, all);
	assert_int_equal(st.unsynced, 0);
	assert_int_equal(st.deleted, 0);
	cache_status_free(&st);
	assert_int_equal(counts_of(f->c).history, 0);
	assert_int_equal(counts_of(f->c).search, all);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
	assert_null(what);
}

/* Guards: one save writes the doc, its history row and its search row, stamped with the author. */
static void test_save_writes_three_tables(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	struct counts before = counts_of(f->c);
	add_institution(f, "kb-se");
	struct counts after = counts_of(f->c);
	assert_int_equal(after.docs, before.docs + 1);
	assert_int_equal(after.history, before.history + 1);
	assert_int_equal(after.search, before.search + 1);
	const char *id = "institution:kb-se";
	assert_int_equal(q_long(f->c, "SELECT dirty FROM docs WHERE id = ?1", id), 1);
	assert_int_equal(search_rows(f->c, id), 1);
	char *body = q_text(f->c, "SELECT body FROM docs WHERE id = ?1", id);
	char *hist_after = q_text(f->c, "SELECT after FROM history WHERE id = ?1", id);
	char *hist_kind = q_text(f->c, "SELECT kind || '|' || coalesce(before, 'null') || '|' || by"
				 " FROM history WHERE id = ?1", id);
	assert_string_equal(body, hist_after);
	assert_string_equal(hist_kind, HIST_ADD "|null|tester@kb-se");
	cJSON *doc = cJSON_Parse(body);
	assert_string_equal(cJSON_GetObjectItem(doc, "updated_by")->valuestring, "tester@kb-se");
	assert_non_null(cJSON_GetObjectItem(doc, "updated_at"));
	assert_non_null(cJSON_GetObjectItem(doc, "created_at"));
	assert_int_equal(record_check(doc, NULL, NULL, NULL), 0);
	cJSON_Delete(doc);
	free(body);
	free(hist_after);
	free(hist_kind);
}

/* Guards: a refused save (bad ref, bad value, or a failure after the doc is written) changes nothing. */
static void test_refused_save_changes_nothing(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	struct counts before = counts_of(f->c);
	assert_int_equal(save(f, make("person", "p1", "name", "Anna", "institution", "nowhere", NULL),
			      HIST_ADD), -1);
	assert_non_null(strstr(f->err, "institution:nowhere"));
	cJSON *bad = make("institution", "kb-se", "code", "kb-se", "name", "X", "country", "SE", NULL);
	cJSON_ReplaceItemInObject(bad, "country", cJSON_CreateNumber(7));
	assert_int_equal(save(f, bad, HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "country"));
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(q_long(f->c, "SELECT count(*) FROM history WHERE id = 'person:p1'", NULL), 0);
	assert_int_equal(sqlite3_get_autocommit(cache_db(f->c)), 1);
}

/* Guards: the failing third write of a save rolls back the first two. */
static void test_save_is_one_transaction(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	struct counts before = counts_of(f->c);
	assert_int_equal(sqlite3_exec(cache_db(f->c), "CREATE TEMP TRIGGER boom BEFORE INSERT ON "
				      "history BEGIN SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL), 0);
	assert_int_equal(save(f, make("institution", "nb-no", "code", "nb", "name", "NB",
				      "country", "NO", NULL), HIST_ADD), -1);
	assert_non_null(strstr(f->err, "boom"));
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(q_long(f->c, "SELECT count(*) FROM docs WHERE id = 'institution:nb-no'",
				NULL), 0);
	assert_int_equal(sqlite3_get_autocommit(cache_db(f->c)), 1);
}

/* Guards: storing the same body again returns 0 and writes no history. */
static void test_store_unchanged(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "institution:kb-se", &d, &f->err), 1);
	struct counts before = counts_of(f->c);
	struct store_opts o = { .kind = HIST_EDIT, .keep_meta = true };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	assert_int_equal(cache_store(f->c, d.body, &o, &f->err), 0);
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	cache_doc_free(&d);
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
}

/* Guards: saving a record with no field changed (a stored seed record) is no edit. */
static void test_save_without_change_is_no_edit(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "institution:nb-no", &d, &f->err), 1);
	int rc = cache_save(f->c, d.body, HIST_EDIT, &f->err);
	cache_doc_free(&d);
	struct cache_status st;
	assert_int_equal(cache_status(f->c, &st, &f->err), 0);
	long unsynced = st.unsynced;
	cache_status_free(&st);
	assert_int_equal(rc, 0);
	assert_int_equal(unsynced, 0);
	assert_int_equal(counts_of(f->c).history, 0);
}

/* Guards: a delete leaves a tombstone: deleted=1, body kept, search row gone, not a live ref. */
static void test_delete_tombstone(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	add_institution(f, "nb-no");
	const char *id = "institution:kb-se";
	assert_int_equal(cache_delete(f->c, id, &f->err), 0);
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	assert_true(d.deleted);
	assert_true(d.dirty);
	assert_string_equal(cJSON_GetObjectItem(d.body, "code")->valuestring, "kb-se");
	cache_doc_free(&d);
	assert_int_equal(search_rows(f->c, id), 0);
	assert_int_equal(search_rows(f->c, "institution:nb-no"), 1);
	assert_false(cache_ref_exists(f->c, id, "institution"));
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), 1);
	char *h = q_text(f->c, "SELECT kind || '|' || coalesce(after, 'null') FROM history "
			 "WHERE id = ?1 ORDER BY seq DESC LIMIT 1", id);
	assert_string_equal(h, HIST_DELETE "|null");
	free(h);
	assert_int_equal(cache_delete(f->c, id, &f->err), -1);
	assert_non_null(strstr(f->err, id));
	assert_int_equal(cache_delete(f->c, "institution:never", &f->err), -1);
}

/* Guards: a record others refer to (by ref or in a list) cannot be deleted; the referrer is named. */
static void test_delete_refused_while_referenced(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	add_institution(f, "nb-no");
	assert_int_equal(save(f, make("person", "p1", "name", "Anna", "institution", "kb-se", NULL),
			      HIST_ADD), 1);
	assert_int_equal(save(f, make("project", "x", "title", "X", "status", "idea",
				      "institutions", "nb-no", NULL), HIST_ADD), 1);
	struct counts before = counts_of(f->c);
	assert_int_equal(cache_delete(f->c, "institution:kb-se", &f->err), -1);
	assert_non_null(strstr(f->err, "person:p1"));
	assert_int_equal(cache_delete(f->c, "institution:nb-no", &f->err), -1);
	assert_non_null(strstr(f->err, "project:x"));
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	assert_false(is_deleted(f, "institution:kb-se"));
	assert_int_equal(cache_delete(f->c, "person:p1", &f->err), 0);
	assert_int_equal(cache_delete(f->c, "institution:kb-se", &f->err), 0);
}

/* Guards: undoing an add leaves a tombstone, and then nothing is left to undo. */
static void test_undo_add(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, "institution:kb-se"));
	free(what);
	assert_true(is_deleted(f, "institution:kb-se"));
	assert_int_equal(search_rows(f->c, "institution:kb-se"), 0);
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
	assert_null(what);
}

static char *field_of(struct fx *f, const char *id, const char *name)
{
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	const cJSON *v = cJSON_GetObjectItem(d.body, name);
	char *s = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
	cache_doc_free(&d);
	return s;
}

/* Guards: undoing an edit brings the previous body back (and its search text). */
static void test_undo_edit(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(save(f, make("fund", "f1", "name", "Nordplus", NULL), HIST_ADD), 1);
	cJSON *doc = make("fund", "f1", "name", "Nordforsk", "scope", "research", NULL);
	assert_int_equal(save(f, doc, HIST_EDIT), 1);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, HIST_EDIT));
	free(what);
	char *name = field_of(f, "fund:f1", "name"), *scope = field_of(f, "fund:f1", "scope");
	assert_string_equal(name, "Nordplus");
	assert_null(scope);
	free(name);
	struct rows r = { 0 };
	assert_int_equal(cache_search(f->c, "nordforsk", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(cache_search(f->c, "nordplus", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	assert_true(is_deleted(f, "fund:f1"));
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
}

/* Guards: undoing a delete restores the record, live and searchable. */
static void test_undo_delete(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	assert_int_equal(cache_delete(f->c, "institution:kb-se", &f->err), 0);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, HIST_DELETE));
	free(what);
	assert_false(is_deleted(f, "institution:kb-se"));
	assert_int_equal(search_rows(f->c, "institution:kb-se"), 1);
	assert_true(cache_ref_exists(f->c, "institution:kb-se", "institution"));
}

/* Guards: a multi-record import is undone as one step. */
static void test_undo_import_batch(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	static const char text[] = "{\"records\": ["
		"{\"_id\": \"fund:a\", \"type\": \"fund\", \"name\": \"A\"},"
		"{\"_id\": \"fund:b\", \"type\": \"fund\", \"name\": \"B\"},"
		"{\"_id\": \"person:p\", \"type\": \"person\", \"name\": \"P\","
		" \"institution\": \"institution:kb-se\"}]}";
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "t.json", &st, &f->err), 0);
	assert_int_equal(st.added, 3);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, "3"));
	free(what);
	assert_true(is_deleted(f, "fund:a"));
	assert_true(is_deleted(f, "fund:b"));
	assert_true(is_deleted(f, "person:p"));
	assert_false(is_deleted(f, "institution:kb-se"));
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	assert_true(is_deleted(f, "institution:kb-se"));
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
}

/* Writes c's export to a temporary file and reads it back. */
static char *export_text(struct cache *c, char **err)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(export_json(c, fp, err), 0);
	long n = ftell(fp);
	rewind(fp);
	char *text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	text[n] = '\0';
	fclose(fp);
	return text;
}

/* Guards: importing a whole export (subareas listed before their parents) is undone as one step. */
static void test_undo_import_of_export(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	char *text = export_text(f->c, &f->err);
	cache_close(f->c);
	f->c = NULL;
	unlink(f->path);
	open_ok(f, CACHE_CREATE);
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "export.json", &st, &f->err), 0);
	free(text);
	assert_true(st.added > 0);
	char *what = NULL;
	int rc = cache_undo(f->c, &what, &f->err);
	if (rc < 0)
		print_error("%s\n", f->err);
	free(what);
	struct cache_status s;
	assert_int_equal(cache_status(f->c, &s, &f->err), 0);
	long live = s.records;
	cache_status_free(&s);
	assert_int_equal(rc, 1);
	assert_int_equal(live, 0);
}

struct hist_log {
	int n;
	char kinds[8][16];
	long long seq[8];
	bool before[8], after[8];
};

static int log_hist(void *ctx, const struct cache_hist *h)
{
	struct hist_log *l = ctx;
	assert_true(l->n < 8);
	assert_string_equal(h->by, "tester@kb-se");
	snprintf(l->kinds[l->n], sizeof l->kinds[0], "%s", h->kind);
	l->seq[l->n] = h->seq;
	l->before[l->n] = h->before != NULL;
	l->after[l->n++] = h->after != NULL;
	return 0;
}

/* Guards: a record's history lists add, edit, delete and undo newest first, with before/after. */
static void test_history_order_and_kinds(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(save(f, make("fund", "f1", "name", "One", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("fund", "other", "name", "Other", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("fund", "f1", "name", "Two", NULL), HIST_EDIT), 1);
	assert_int_equal(cache_delete(f->c, "fund:f1", &f->err), 0);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	struct hist_log l = { 0 };
	assert_int_equal(cache_history(f->c, "fund:f1", log_hist, &l, &f->err), 0);
	static const char *const kinds[] = { HIST_UNDO, HIST_DELETE, HIST_EDIT, HIST_ADD };
	assert_int_equal(l.n, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(l.kinds[i], kinds[i]);
		if (i)
			assert_true(l.seq[i] < l.seq[i - 1]);
	}
	assert_true(!l.before[0] && l.after[0]);	/* the undo brought it back */
	assert_true(l.before[1] && !l.after[1]);	/* the delete */
	assert_true(l.before[3] == false && l.after[3]);	/* the add */
}

/* Guards: listings come in the type's order, and windows (offset/limit) tile the full list. */
static void test_list_windows_in_order(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	static const char *const deadlines[] = { "2013-05-01", "2012-01-15", "2014-09-30",
		"2012-11-02", "2013-01-01", "2012-06-30", "2015-02-28" };
	enum { N = sizeof deadlines / sizeof deadlines[0] };
	for (int i = 0; i < N; i++) {
		char key[8];
		snprintf(key, sizeof key, "f%d", i);
		assert_int_equal(save(f, make("fund", key, "name", key, "deadline", deadlines[i], NULL),
				      HIST_ADD), 1);
	}
	const struct type_def *t = type_find("fund");
	assert_int_equal(cache_count(f->c, t, NULL, &f->err), N);
	struct rows all = { 0 };
	assert_int_equal(cache_list(f->c, t, NULL, 0, -1, collect, &all, &f->err), 0);
	assert_int_equal(all.n, N);
	for (int i = 1; i < N; i++) {
		char *a = field_of(f, all.ids[i - 1], "deadline"), *b = field_of(f, all.ids[i], "deadline");
		assert_true(strcmp(a, b) < 0);
		free(a);
		free(b);
	}
	for (long limit = 1; limit <= N + 1; limit++) {
		int seen = 0;
		for (long off = 0; off < N; off += limit) {
			struct rows w = { 0 };
			assert_int_equal(cache_list(f->c, t, NULL, off, limit, collect, &w, &f->err), 0);
			assert_int_equal(w.n, off + limit <= N ? limit : N - off);
			for (int i = 0; i < w.n; i++)
				assert_string_equal(w.ids[i], all.ids[seen++]);
			rows_free(&w);
		}
		assert_int_equal(seen, N);
	}
	rows_free(&all);
	assert_int_equal(cache_delete(f->c, "fund:f3", &f->err), 0);
	assert_int_equal(cache_count(f->c, t, NULL, &f->err), N - 1);
}

/* Guards: areas list as a tree: by position then title, children under their parent, with depth. */
static void test_list_area_tree(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(save(f, make("area", "b", "title", "B", "position", "1", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "a", "title", "A", "position", "2", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "c", "title", "C", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "b2", "title", "B two", "parent", "b",
				      "position", "2", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "b1", "title", "B one", "parent", "b",
				      "position", "1", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "b1a", "title", "Deep", "parent", "b1", NULL),
			      HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "a1", "title", "Zeta", "parent", "a", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "a0", "title", "Alpha", "parent", "a", NULL), HIST_ADD), 1);
	static const char *const want[] = { "area:b", "area:b1", "area:b1a", "area:b2", "area:a",
		"area:a0", "area:a1", "area:c" };
	static const int depth[] = { 0, 1, 2, 1, 0, 1, 1, 0 };
	struct rows r = { 0 };
	const struct type_def *t = type_find("area");
	assert_int_equal(cache_list(f->c, t, NULL, 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 8);
	for (int i = 0; i < r.n; i++) {
		assert_string_equal(r.ids[i], want[i]);
		assert_int_equal(r.depth[i], depth[i]);
	}
	rows_free(&r);
	assert_int_equal(cache_list(f->c, t, NULL, 2, 3, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(r.ids[i], want[2 + i]);
	rows_free(&r);
	assert_int_equal(cache_count(f->c, t, NULL, &f->err), 8);
}

/* Guards: --filter keeps only matching records, in listings and in counts alike. */
static void test_list_filter(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	const struct type_def *areas = type_find("area"), *insts = type_find("institution");
	struct rows r = { 0 };
	assert_int_equal(cache_list(f->c, areas, "web", 0, -1, collect, &r, &f->err), 0);
	assert_true(r.n >= 2);
	assert_true(rows_have(&r, "area:web-access"));
	assert_true(rows_have(&r, "area:web-harvesting"));
	assert_false(rows_have(&r, "area:metadata"));
	assert_int_equal(cache_count(f->c, areas, "web", &f->err), r.n);
	assert_true(r.n < cache_count(f->c, areas, NULL, &f->err));
	rows_free(&r);
	assert_int_equal(cache_list(f->c, insts, "reykjavik", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ids[0], "institution:lbs-is");
	rows_free(&r);
	assert_int_equal(cache_count(f->c, insts, "no-such-word-anywhere", &f->err), 0);
	assert_int_equal(cache_count(f->c, insts, "!!", &f->err), 0);
}

/* Guards: search folds case and accents: "ÆGIS" finds Ægisdóttir, "landsbokasafn" Landsbókasafn. */
static void test_search_unicode(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	assert_int_equal(save(f, make("person", "gudrun", "name", "Guðrún Ægisdóttir",
				      "institution", "lbs-is", NULL), HIST_ADD), 1);
	struct rows r = { 0 };
	assert_int_equal(cache_search(f->c, "ÆGIS", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ids[0], "person:gudrun");
	rows_free(&r);
	assert_int_equal(cache_search(f->c, "landsbokasafn", 0, -1, collect, &r, &f->err), 0);
	assert_true(rows_have(&r, "institution:lbs-is"));
	rows_free(&r);
	assert_int_equal(cache_search(f->c, "gudrun", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(cache_search(f->c, "guðrún ægis", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	assert_int_equal(cache_delete(f->c, "person:gudrun", &f->err), 0);
	assert_int_equal(cache_search(f->c, "ægis", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(cache_search(f->c, "-- !!", 0, -1, collect, &r, &f->err), -1);
	assert_non_null(f->err);
}

/* Guards: status counts live, unsynced and deleted records. */
static void test_status_counts(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	struct cache_status s0, s1;
	assert_int_equal(cache_status(f->c, &s0, &f->err), 0);
	add_institution(f, "extra");
	assert_int_equal(save(f, make("fund", "f1", "name", "F", NULL), HIST_ADD), 1);
	assert_int_equal(cache_delete(f->c, "fund:f1", &f->err), 0);
	assert_int_equal(cache_status(f->c, &s1, &f->err), 0);
	assert_int_equal(s1.records, s0.records + 1);
	assert_int_equal(s1.unsynced, s0.unsynced + 2);
	assert_int_equal(s1.deleted, s0.deleted + 1);
	assert_int_equal(s1.conflicts, 0);
	assert_int_equal(s1.rejected, 0);
	assert_null(s1.last_sync);
	cache_status_free(&s0);
	cache_status_free(&s1);
}

/* Guards: an export imported into an empty cache gives the same bodies, every one added. */
static void test_export_import_round_trip(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	assert_int_equal(save(f, make("person", "gudrun", "name", "Guðrún Ægisdóttir",
				      "institution", "lbs-is", "email", "g@lbs.is", NULL), HIST_ADD), 1);
	char *text = export_text(f->c, &f->err);
	struct cache *src = f->c;
	char *dst_path = str_printf("%s/copy.db", f->dir);
	struct cache *dst;
	assert_int_equal(cache_open(dst_path, CACHE_CREATE, &dst, &f->err), 0);
	struct import_stats st;
	assert_int_equal(import_json(dst, text, "export.json", &st, &f->err), 0);
	free(text);
	long long n = q_long(src, "SELECT count(*) FROM docs WHERE deleted = 0", NULL);
	assert_int_equal(st.added, n);
	assert_int_equal(st.updated + st.unchanged, 0);
	sqlite3_stmt *ids;
	sqlite3_prepare_v2(cache_db(src), "SELECT id FROM docs WHERE deleted = 0", -1, &ids, NULL);
	int compared = 0;
	while (sqlite3_step(ids) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(ids, 0);
		struct cache_doc a, b;
		assert_int_equal(cache_get(src, id, &a, &f->err), 1);
		assert_int_equal(cache_get(dst, id, &b, &f->err), 1);
		bool same = cJSON_Compare(a.body, b.body, 1);
		cache_doc_free(&a);
		cache_doc_free(&b);
		assert_true(same);
		compared++;
	}
	sqlite3_finalize(ids);
	assert_int_equal(compared, n);
	assert_int_equal(q_long(dst, "SELECT count(*) FROM docs", NULL), n);
	cache_close(dst);
	free(dst_path);
}

/* Guards: broken JSON is refused with its line number; a bad record names itself; nothing changes. */
static void test_import_broken(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	add_institution(f, "kb-se");
	struct counts before = counts_of(f->c);
	static const char broken[] = "{\"records\": [\n"
		"{\"_id\": \"fund:a\", \"type\": \"fund\", \"name\": \"A\"},\n"
		"{\"_id\": \"fund:b\", \"type\": \"fund\",\n"
		"  \"name\": \"B\" \"scope\": \"x\"}\n]}\n";
	struct import_stats st = { .added = 42 };
	assert_int_equal(import_json(f->c, broken, "in.json", &st, &f->err), -1);
	assert_non_null(strstr(f->err, "in.json"));
	assert_non_null(strstr(f->err, "line 4"));
	static const char bad_record[] = "{\"records\": ["
		"{\"_id\": \"fund:a\", \"type\": \"fund\", \"name\": \"A\"},"
		"{\"_id\": \"fund:b\", \"type\": \"fund\", \"name\": \"B\", \"deadline\": \"2011-02-30\"}]}";
	assert_int_equal(import_json(f->c, bad_record, "in.json", &st, &f->err), -1);
	assert_non_null(strstr(f->err, "record 2"));
	assert_non_null(strstr(f->err, "deadline"));
	assert_int_equal(st.added, 0);
	static const char bad_ref[] = "[{\"_id\": \"person:p\", \"type\": \"person\", \"name\": \"P\","
		" \"institution\": \"institution:nowhere\"}]";
	assert_int_equal(import_json(f->c, bad_ref, "in.json", &st, &f->err), -1);
	assert_non_null(strstr(f->err, "institution:nowhere"));
	assert_int_equal(import_json(f->c, "{\"noron\": 1}", "in.json", &st, &f->err), -1);
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	assert_int_equal(sqlite3_get_autocommit(cache_db(f->c)), 1);
}

/* Guards: importing the same text twice reports everything unchanged and writes no history. */
static void test_import_twice_unchanged(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	char *text = export_text(f->c, &f->err);
	long long n = q_long(f->c, "SELECT count(*) FROM docs WHERE deleted = 0", NULL);
	struct counts before = counts_of(f->c);
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "x.json", &st, &f->err), 0);
	assert_int_equal(st.unchanged, n);
	assert_int_equal(st.added + st.updated, 0);
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	/* The seed's export into a cache without the seed: added once, then unchanged. */
	cache_close(f->c);
	f->c = NULL;
	unlink(f->path);
	open_ok(f, CACHE_CREATE);
	assert_int_equal(import_json(f->c, text, "x.json", &st, &f->err), 0);
	assert_int_equal(st.added, n);
	long long hist = counts_of(f->c).history;
	assert_int_equal(import_json(f->c, text, "x.json", &st, &f->err), 0);
	assert_int_equal(st.unchanged, n);
	assert_int_equal(st.added + st.updated, 0);
	assert_int_equal(counts_of(f->c).history, hist);
	free(text);
}

/* Guards: a parent that would close a loop among areas (or the area itself) is refused. */
static void test_area_parent_loop(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(save(f, make("area", "a", "title", "A", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "b", "title", "B", "parent", "a", NULL), HIST_ADD), 1);
	assert_int_equal(save(f, make("area", "c", "title", "C", "parent", "b", NULL), HIST_ADD), 1);
	struct counts before = counts_of(f->c);
	assert_int_equal(save(f, make("area", "a", "title", "A", "parent", "c", NULL), HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "loop"));
	assert_int_equal(save(f, make("area", "a", "title", "A", "parent", "a", NULL), HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "loop"));
	struct counts after = counts_of(f->c);
	assert_memory_equal(&before, &after, sizeof before);
	char *p = field_of(f, "area:a", "parent");
	assert_null(p);
	static const char loop[] = "[{\"_id\": \"area:x\", \"type\": \"area\", \"title\": \"X\","
		" \"parent\": \"area:y\"}, {\"_id\": \"area:y\", \"type\": \"area\", \"title\": \"Y\","
		" \"parent\": \"area:x\"}]";
	struct import_stats st;
	assert_int_equal(import_json(f->c, loop, "loop.json", &st, &f->err), -1);
	assert_non_null(strstr(f->err, "loop"));
}

/* Guards: a write while another process holds the lock fails after the busy wait, naming the lock. */
static void test_locked_cache(void **state)
{
	struct fx *f = *state;
	setenv("NORON_BUSY_TIMEOUT", "200", 1);
	open_ok(f, CACHE_CREATE);
	struct cache *other;
	assert_int_equal(cache_open(f->path, 0, &other, &f->err), 0);
	unsetenv("NORON_BUSY_TIMEOUT");
	assert_int_equal(cache_begin(other, &f->err), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = save(f, make("fund", "f", "name", "F", NULL), HIST_ADD);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cache_rollback(other);
	cache_close(other);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(f->err, "locked"));
	assert_true(s >= 0.15 && s < 3);
	cJSON *doc = make("fund", "f", "name", "F", NULL);
	assert_int_equal(save(f, doc, HIST_ADD), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_creates_schema),
		T(test_open_missing),
		T(test_open_new_refuses_existing),
		T(test_open_not_a_database),
		T(test_open_foreign_sqlite),
		T(test_open_newer_schema),
		T(test_seed),
		T(test_save_writes_three_tables),
		T(test_refused_save_changes_nothing),
		T(test_save_is_one_transaction),
		T(test_store_unchanged),
		T(test_save_without_change_is_no_edit),
		T(test_delete_tombstone),
		T(test_delete_refused_while_referenced),
		T(test_undo_add),
		T(test_undo_edit),
		T(test_undo_delete),
		T(test_undo_import_batch),
		T(test_undo_import_of_export),
		T(test_history_order_and_kinds),
		T(test_list_windows_in_order),
		T(test_list_area_tree),
		T(test_list_filter),
		T(test_search_unicode),
		T(test_status_counts),
		T(test_export_import_round_trip),
		T(test_import_broken),
		T(test_import_twice_unchanged),
		T(test_area_parent_loop),
		T(test_locked_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
