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
	char *dir, *path, *err;
	struct cache *c;
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
		if (e->d_name[0] != '.')
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

/* Opens f->path into f->c (closing any earlier one), failing the test with the message. */
static void open_ok(struct fx *f, unsigned flags)
{
	cache_close(f->c);
	if (cache_open(f->path, flags, &f->c, &f->err))
		fail_msg("cache_open: %s", f->err);
	cache_set_author(f->c, "tester@kb-se");
}

/* Closes f->c and removes its file, for a test that starts over. */
static void start_over(struct fx *f)
{
	cache_close(f->c);
	f->c = NULL;
	unlink(f->path);
}

/* The first column of a one-row query with one optional text parameter ?1. */
static long long q_db(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static long long q(struct cache *c, const char *sql, const char *arg)
{
	return q_db(cache_db(c), sql, arg);
}

/* Row counts of the three tables every edit writes. */
struct counts { long long docs, history, search; };

static struct counts counts_of(struct cache *c)
{
	return (struct counts){ q(c, "SELECT count(*) FROM docs", NULL),
		q(c, "SELECT count(*) FROM history", NULL), q(c, "SELECT count(*) FROM search", NULL) };
}

#define assert_counts_equal(a, b) assert_memory_equal(&(a), &(b), sizeof(a))

static long long search_rows(struct cache *c, const char *id)
{
	return q(c, "SELECT count(*) FROM search WHERE rowid = (SELECT n FROM docs WHERE id = ?1)", id);
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

#define ADD(f, type, ...) assert_int_equal(save(f, make(type, __VA_ARGS__, NULL), HIST_ADD), 1)
#define ADD_INST(f, key) ADD(f, "institution", key, "code", key, "name", key, "country", "N")

static bool is_deleted(struct fx *f, const char *id)
{
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	bool del = d.deleted;
	cache_doc_free(&d);
	return del;
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

static long status_of(struct fx *f, long *unsynced, long *deleted)
{
	struct cache_status s;
	assert_int_equal(cache_status(f->c, &s, &f->err), 0);
	assert_int_equal(s.conflicts + s.rejected, 0);
	assert_null(s.last_sync);
	*unsynced = s.unsynced;
	*deleted = s.deleted;
	cache_status_free(&s);
	return s.records;
}

/* Rows collected from a listing or a search. */
struct rows {
	int n, depth[64];
	char *ids[64];
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

/* Guards: a new cache has the schema version, WAL, foreign keys and every table; reopening works. */
static void test_open_creates_schema(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(q(f->c, "PRAGMA user_version", NULL), CACHE_SCHEMA_VERSION);
	assert_int_equal(q(f->c, "SELECT journal_mode = 'wal' FROM pragma_journal_mode", NULL), 1);
	assert_int_equal(q(f->c, "PRAGMA foreign_keys", NULL), 1);
	static const char *const tables[] = { "docs", "history", "conflicts", "sync_state", "search" };
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		assert_int_equal(q(f->c, "SELECT count(*) FROM sqlite_master WHERE name = ?1", tables[i]), 1);
	assert_int_equal(counts_of(f->c).docs, 0);
	assert_string_equal(cache_path(f->c), f->path);
	open_ok(f, 0);
	assert_int_equal(q(f->c, "PRAGMA user_version", NULL), CACHE_SCHEMA_VERSION);
}

/* Guards: a missing cache needs CACHE_CREATE, a directory is no cache, CACHE_NEW refuses an existing one. */
static void test_open_missing_and_new(void **state)
{
	struct fx *f = *state;
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, f->path));
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(cache_open(f->dir, CACHE_CREATE, &f->c, &f->err), -1);
	assert_non_null(strstr(f->err, "directory"));
	open_ok(f, CACHE_CREATE);
	ADD_INST(f, "kb-se");
	cache_close(f->c);
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
	static const char text[] = "url = https://example.org/\nThis is a config, not a cache, "
		"and long enough to hold an SQLite header if it were one.\n";
	FILE *fp = fopen(f->path, "w");
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(cache_open(f->path, CACHE_CREATE, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "not a noron cache"));
	char buf[sizeof text + 8] = { 0 };
	fp = fopen(f->path, "r");
	assert_int_equal(fread(buf, 1, sizeof buf, fp), strlen(text));
	fclose(fp);
	assert_string_equal(buf, text);
}

/* Guards: another program's SQLite database is refused and not modified (no tables, no WAL). */
static void test_open_foreign_sqlite(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(cache_open(f->path, CACHE_CREATE, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "not a noron cache"));
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	long long tables = q_db(db, "SELECT count(*) FROM sqlite_master", NULL);
	long long wal = q_db(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode", NULL);
	sqlite3_close(db);
	assert_int_equal(tables, 1);
	assert_int_equal(wal, 0);
}

/* Guards: a cache from a newer noron (user_version 99) is refused and left at 99. */
static void test_open_newer_schema(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	assert_int_equal(sqlite3_exec(cache_db(f->c), "PRAGMA user_version = 99", NULL, NULL, NULL), 0);
	cache_close(f->c);
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), -1);
	assert_null(f->c);
	assert_non_null(strstr(f->err, "99"));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	long long v = q_db(db, "PRAGMA user_version", NULL);
	sqlite3_close(db);
	assert_int_equal(v, 99);
}

/* Guards: the seed loads clean: the charter's five institutions and seven main areas, no history. */
static void test_seed(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	cJSON *seed = cJSON_Parse(noron_seed_json);
	long insts = 0, roots = 0, all = 0, depth0 = 0, unsynced, deleted;
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(seed, "records")) {
		const char *type = cJSON_GetObjectItem(r, "type")->valuestring;
		all++;
		insts += !strcmp(type, "institution");
		roots += !strcmp(type, "area") && !cJSON_GetObjectItem(r, "parent");
	}
	cJSON_Delete(seed);
	assert_int_equal(insts, 5);
	assert_int_equal(roots, 7);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), insts);
	struct rows rows = { 0 };
	assert_int_equal(cache_list(f->c, type_find("area"), NULL, 0, -1, collect, &rows, &f->err), 0);
	for (int i = 0; i < rows.n; i++)
		depth0 += rows.depth[i] == 0;
	rows_free(&rows);
	assert_int_equal(depth0, roots);
	assert_int_equal(status_of(f, &unsynced, &deleted), all);
	assert_int_equal(unsynced + deleted, 0);
	assert_int_equal(counts_of(f->c).history, 0);
	assert_int_equal(counts_of(f->c).search, all);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
	assert_null(what);
}

/* Guards: a cache whose making was cut off (an SQLite file without a table, as
 * a kill leaves it) is made whole, seed included, on the next open; a cache
 * made without the seed (init --empty) gets none later. */
static void test_open_cut_off_cache(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); DROP TABLE t",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(access(f->path, F_OK), 0);
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), 5);
	start_over(f);
	open_ok(f, CACHE_CREATE);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), 0);
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), 0);
}

/* Guards: one save writes the doc, its history row and its search row, stamped with the author. */
static void test_save_writes_three_tables(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	struct counts before = counts_of(f->c);
	ADD_INST(f, "kb-se");
	struct counts after = counts_of(f->c);
	assert_int_equal(after.docs, before.docs + 1);
	assert_int_equal(after.history, before.history + 1);
	assert_int_equal(after.search, before.search + 1);
	const char *id = "institution:kb-se";
	assert_int_equal(search_rows(f->c, id), 1);
	assert_int_equal(q(f->c, "SELECT dirty FROM docs WHERE id = ?1", id), 1);
	assert_int_equal(q(f->c, "SELECT h.after = d.body AND h.before IS NULL AND h.kind = '" HIST_ADD
			   "' AND h.by = 'tester@kb-se' FROM history h JOIN docs d USING (id) "
			   "WHERE id = ?1", id), 1);
	assert_int_equal(q(f->c, "SELECT json_extract(body, '$.updated_by') = 'tester@kb-se' AND "
			   "json_extract(body, '$.updated_at') >= json_extract(body, '$.created_at') "
			   "FROM docs WHERE id = ?1", id), 1);
	char *name = field_of(f, id, "name");
	assert_string_equal(name, "kb-se");
	free(name);
}

/* Guards: a refused save (bad ref, bad value, a failing history write) changes none of the tables. */
static void test_refused_save_changes_nothing(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD_INST(f, "kb-se");
	struct counts before = counts_of(f->c);
	assert_int_equal(save(f, make("person", "p1", "name", "Anna", "institution", "nowhere", NULL),
			      HIST_ADD), -1);
	assert_non_null(strstr(f->err, "institution:nowhere"));
	cJSON *bad = make("institution", "kb-se", "code", "kb-se", "name", "X", "country", "SE", NULL);
	cJSON_ReplaceItemInObject(bad, "country", cJSON_CreateNumber(7));
	assert_int_equal(save(f, bad, HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "country"));
	/* A failing history write must take the doc and search rows back with it. */
	assert_int_equal(sqlite3_exec(cache_db(f->c), "CREATE TEMP TRIGGER boom BEFORE INSERT ON "
				      "history BEGIN SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL), 0);
	assert_int_equal(save(f, make("fund", "f", "name", "F", NULL), HIST_ADD), -1);
	assert_non_null(strstr(f->err, "boom"));
	struct counts after = counts_of(f->c);
	assert_counts_equal(before, after);
	assert_int_equal(q(f->c, "SELECT count(*) FROM docs WHERE id IN ('person:p1', 'fund:f')", NULL), 0);
	assert_int_equal(sqlite3_get_autocommit(cache_db(f->c)), 1);
}

/* Guards: storing or saving a body with no field changed returns 0 and writes nothing. */
static void test_store_unchanged(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "institution:nb-no", &d, &f->err), 1);
	struct counts before = counts_of(f->c);
	struct store_opts o = { .kind = HIST_EDIT, .keep_meta = true };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	assert_int_equal(cache_store(f->c, d.body, &o, &f->err), 0);
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	int rc = cache_save(f->c, d.body, HIST_EDIT, &f->err);	/* stamps, but changes nothing */
	cache_doc_free(&d);
	long unsynced, deleted;
	status_of(f, &unsynced, &deleted);
	struct counts after = counts_of(f->c);
	assert_int_equal(rc, 0);
	assert_int_equal(unsynced, 0);
	assert_counts_equal(before, after);
}

/* Guards: a delete leaves a tombstone (deleted=1, body kept, search row gone) and status counts it. */
static void test_delete_tombstone(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	long u0, d0, u1, d1, live = status_of(f, &u0, &d0);
	long insts = cache_count(f->c, type_find("institution"), NULL, &f->err);
	ADD_INST(f, "kb-x");
	ADD_INST(f, "kb-y");
	const char *id = "institution:kb-x";
	assert_int_equal(cache_delete(f->c, id, &f->err), 0);
	assert_true(is_deleted(f, id));
	char *code = field_of(f, id, "code");
	assert_string_equal(code, "kb-x");
	free(code);
	assert_int_equal(search_rows(f->c, id), 0);
	assert_int_equal(search_rows(f->c, "institution:kb-y"), 1);
	assert_false(cache_ref_exists(f->c, id, "institution"));
	assert_int_equal(q(f->c, "SELECT kind = '" HIST_DELETE "' AND after IS NULL AND before IS NOT "
			   "NULL FROM history WHERE id = ?1 ORDER BY seq DESC LIMIT 1", id), 1);
	assert_int_equal(status_of(f, &u1, &d1), live + 1);
	assert_int_equal(u1, u0 + 1);	/* kb-y; the endpoint never saw kb-x: no tombstone to push */
	assert_int_equal(d1, d0 + 1);
	assert_int_equal(cache_delete(f->c, "fund:nordic-funds", &f->err), 0);
	assert_int_equal(status_of(f, &u1, &d1), live);
	assert_int_equal(u1, u0 + 2);	/* a seed record's tombstone must reach the endpoint */
	assert_int_equal(d1, d0 + 2);
	assert_int_equal(cache_count(f->c, type_find("institution"), NULL, &f->err), insts + 1);
	assert_int_equal(cache_delete(f->c, id, &f->err), -1);
	assert_non_null(strstr(f->err, id));
	assert_int_equal(cache_delete(f->c, "institution:never", &f->err), -1);
}

/* Guards: a record others refer to (by ref or in a list) cannot be deleted; the referrer is named. */
static void test_delete_refused_while_referenced(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD_INST(f, "kb-se");
	ADD_INST(f, "nb-no");
	ADD(f, "person", "p1", "name", "Anna", "institution", "kb-se");
	ADD(f, "project", "x", "title", "X", "status", "idea", "institutions", "nb-no");
	struct counts before = counts_of(f->c);
	assert_int_equal(cache_delete(f->c, "institution:kb-se", &f->err), -1);
	assert_non_null(strstr(f->err, "person:p1"));
	assert_int_equal(cache_delete(f->c, "institution:nb-no", &f->err), -1);
	assert_non_null(strstr(f->err, "project:x"));
	struct counts after = counts_of(f->c);
	assert_counts_equal(before, after);
	assert_false(is_deleted(f, "institution:kb-se"));
	assert_int_equal(cache_delete(f->c, "person:p1", &f->err), 0);
	assert_int_equal(cache_delete(f->c, "institution:kb-se", &f->err), 0);
}

/* Guards: undo of a delete restores the record, undo of its add leaves a tombstone, then nothing is left. */
static void test_undo_add_and_delete(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD_INST(f, "kb-se");
	const char *id = "institution:kb-se";
	assert_int_equal(cache_delete(f->c, id, &f->err), 0);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, HIST_DELETE));
	free(what);
	assert_false(is_deleted(f, id));
	assert_int_equal(search_rows(f->c, id), 1);
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	assert_non_null(strstr(what, id));
	free(what);
	assert_true(is_deleted(f, id));
	assert_int_equal(search_rows(f->c, id), 0);
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
	assert_null(what);
}

/* Guards: undoing an edit brings the previous body back, and its search text. */
static void test_undo_edit(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD(f, "fund", "f1", "name", "Nordplus");
	assert_int_equal(save(f, make("fund", "f1", "name", "Nordforsk", "scope", "research", NULL),
			      HIST_EDIT), 1);
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
}

/* Guards: an import (here a whole export, subareas before their parents) is undone as one
 * step, and the edit before it by the next undo. */
static void test_undo_import_of_export(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	char *text = export_text(f->c, &f->err);
	start_over(f);
	open_ok(f, CACHE_CREATE);
	ADD(f, "fund", "mine", "name", "Added before the import");
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "export.json", &st, &f->err), 0);
	free(text);
	assert_true(st.added > 1);
	char *what = NULL;
	int rc = cache_undo(f->c, &what, &f->err);
	if (rc < 0)
		print_error("%s\n", f->err);
	assert_true(rc < 0 || strstr(what, "changes"));
	free(what);
	long unsynced, deleted, live = status_of(f, &unsynced, &deleted);
	assert_int_equal(rc, 1);
	assert_int_equal(live, 1);
	assert_int_equal(deleted, st.added);
	assert_false(is_deleted(f, "fund:mine"));
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	assert_true(is_deleted(f, "fund:mine"));
	assert_int_equal(cache_undo(f->c, &what, &f->err), 0);
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
	ADD(f, "fund", "f1", "name", "One");
	ADD(f, "fund", "other", "name", "Other");
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
		assert_true(i == 0 || l.seq[i] < l.seq[i - 1]);
	}
	assert_true(!l.before[0] && l.after[0]);	/* the undo brought it back */
	assert_true(l.before[1] && !l.after[1]);	/* the delete */
	assert_true(l.before[2] && l.after[2]);		/* the edit */
	assert_true(!l.before[3] && l.after[3]);	/* the add */
}

/* Guards: a listing comes in its type's order (funds by deadline) and counts only live records. */
static void test_list_in_order(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	static const char *const deadlines[] = { "2013-05-01", "2012-01-15", "2014-09-30",
		"2012-11-02", "2013-01-01", "2012-06-30", "2015-02-28" };
	enum { N = sizeof deadlines / sizeof deadlines[0] };
	for (int i = 0; i < N; i++) {
		char key[8];
		snprintf(key, sizeof key, "f%d", i);
		ADD(f, "fund", key, "name", key, "deadline", deadlines[i]);
	}
	const struct type_def *t = type_find("fund");
	assert_int_equal(cache_count(f->c, t, NULL, &f->err), N);
	struct rows all = { 0 };
	assert_int_equal(cache_list(f->c, t, NULL, 0, -1, collect, &all, &f->err), 0);
	assert_int_equal(all.n, N);
	for (int i = 1; i < N; i++)	/* each fund's deadline is later than the one before */
		assert_true(strcmp(deadlines[all.ids[i][6] - '0'], deadlines[all.ids[i - 1][6] - '0']) > 0);
	rows_free(&all);
	assert_int_equal(cache_delete(f->c, "fund:f3", &f->err), 0);
	assert_int_equal(cache_count(f->c, t, NULL, &f->err), N - 1);
}

/* Guards: for every type of a seeded cache, windows of any size tile the listing and match the count. */
static void test_list_every_type(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		struct rows all = { 0 };
		assert_int_equal(cache_list(f->c, t, NULL, 0, -1, collect, &all, &f->err), 0);
		assert_int_equal(cache_count(f->c, t, NULL, &f->err), all.n);
		assert_int_equal(q(f->c, "SELECT count(*) FROM docs WHERE deleted = 0 AND type = ?1",
				   t->name), all.n);
		for (long limit = 1; limit <= 4; limit++) {
			for (long off = 0; off < all.n + 1; off += limit) {
				struct rows w = { 0 };
				assert_int_equal(cache_list(f->c, t, NULL, off, limit, collect, &w, &f->err), 0);
				assert_int_equal(w.n, off + limit <= all.n ? limit : all.n - off);
				for (int k = 0; k < w.n; k++)
					assert_string_equal(w.ids[k], all.ids[off + k]);
				rows_free(&w);
			}
		}
		rows_free(&all);
	}
}

/* Guards: areas list as a tree: by position then title, children under their parent, with depth. */
static void test_list_area_tree(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD(f, "area", "b", "title", "B", "position", "1");
	ADD(f, "area", "a", "title", "A", "position", "2");
	ADD(f, "area", "c", "title", "C");
	ADD(f, "area", "b2", "title", "B two", "parent", "b", "position", "2");
	ADD(f, "area", "b1", "title", "B one", "parent", "b", "position", "1");
	ADD(f, "area", "b1a", "title", "Deep", "parent", "b1");
	ADD(f, "area", "a1", "title", "Zeta", "parent", "a");
	ADD(f, "area", "a0", "title", "Alpha", "parent", "a");
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

/* Guards: --filter keeps matches in listings and counts; search folds case and accents
 * ("ÆGIS" finds Ægisdóttir, "landsbokasafn" Landsbókasafn) and skips deleted records. */
static void test_filter_and_search(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	const struct type_def *areas = type_find("area"), *insts = type_find("institution");
	struct rows r = { 0 };
	assert_int_equal(cache_list(f->c, areas, "web", 0, -1, collect, &r, &f->err), 0);
	assert_true(rows_have(&r, "area:web-access") && rows_have(&r, "area:web-harvesting"));
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
	ADD(f, "person", "gudrun", "name", "Guðrún Ægisdóttir", "institution", "lbs-is");
	assert_int_equal(cache_search(f->c, "ÆGIS", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ids[0], "person:gudrun");
	rows_free(&r);
	assert_int_equal(cache_search(f->c, "landsbokasafn", 0, -1, collect, &r, &f->err), 0);
	assert_true(rows_have(&r, "institution:lbs-is"));
	rows_free(&r);
	assert_int_equal(cache_search(f->c, "guðrún ægis", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	assert_int_equal(cache_delete(f->c, "person:gudrun", &f->err), 0);
	assert_int_equal(cache_search(f->c, "ægis", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 0);
	assert_int_equal(cache_search(f->c, "-- !!", 0, -1, collect, &r, &f->err), -1);
}

/* Guards: an export imported into an empty cache adds the same bodies; importing it again
 * (there or into the cache it came from) reports all unchanged and writes nothing. */
static void test_export_import_round_trip(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE | CACHE_SEED);
	ADD(f, "person", "gudrun", "name", "Guðrún Ægisdóttir", "institution", "lbs-is");
	char *text = export_text(f->c, &f->err);
	char *dst_path = str_printf("%s/copy.db", f->dir);
	struct cache *dst;
	assert_int_equal(cache_open(dst_path, CACHE_CREATE, &dst, &f->err), 0);
	free(dst_path);
	struct import_stats st;
	assert_int_equal(import_json(dst, text, "export.json", &st, &f->err), 0);
	long long n = q(f->c, "SELECT count(*) FROM docs WHERE deleted = 0", NULL);
	assert_int_equal(st.added, n);
	assert_int_equal(st.updated + st.unchanged, 0);
	assert_int_equal(q(dst, "SELECT count(*) FROM docs", NULL), n);
	sqlite3_stmt *ids;
	sqlite3_prepare_v2(cache_db(f->c), "SELECT id FROM docs WHERE deleted = 0", -1, &ids, NULL);
	int same = 0;
	while (sqlite3_step(ids) == SQLITE_ROW) {
		struct cache_doc a, b;
		const char *id = (const char *)sqlite3_column_text(ids, 0);
		if (cache_get(f->c, id, &a, &f->err) == 1 && cache_get(dst, id, &b, &f->err) == 1)
			same += cJSON_Compare(a.body, b.body, 1);
		cache_doc_free(&a);
		cache_doc_free(&b);
	}
	sqlite3_finalize(ids);
	assert_int_equal(same, n);
	struct counts before = counts_of(dst), seeded = counts_of(f->c);
	assert_int_equal(import_json(dst, text, "export.json", &st, &f->err), 0);
	assert_int_equal(st.unchanged, n);
	assert_int_equal(st.added + st.updated, 0);
	assert_int_equal(import_json(f->c, text, "export.json", &st, &f->err), 0);
	assert_int_equal(st.unchanged, n);
	free(text);
	struct counts after = counts_of(dst), seeded_after = counts_of(f->c);
	cache_close(dst);
	assert_counts_equal(before, after);
	assert_counts_equal(seeded, seeded_after);
}

/* Guards: broken JSON is refused with its line number; a bad record names itself; nothing changes. */
static void test_import_broken(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD_INST(f, "kb-se");
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
	assert_counts_equal(before, after);
	assert_int_equal(sqlite3_get_autocommit(cache_db(f->c)), 1);
}

/* Guards: a parent that would close a loop among areas (or the area itself) is refused. */
static void test_area_parent_loop(void **state)
{
	struct fx *f = *state;
	open_ok(f, CACHE_CREATE);
	ADD(f, "area", "a", "title", "A");
	ADD(f, "area", "b", "title", "B", "parent", "a");
	ADD(f, "area", "c", "title", "C", "parent", "b");
	struct counts before = counts_of(f->c);
	assert_int_equal(save(f, make("area", "a", "title", "A", "parent", "c", NULL), HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "loop"));
	assert_int_equal(save(f, make("area", "a", "title", "A", "parent", "a", NULL), HIST_EDIT), -1);
	assert_non_null(strstr(f->err, "loop"));
	struct counts after = counts_of(f->c);
	assert_counts_equal(before, after);
	assert_null(field_of(f, "area:a", "parent"));
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
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(rc, -1);
	assert_non_null(strstr(f->err, "locked"));
	assert_true(s >= 0.15 && s < 3);
	ADD(f, "fund", "f", "name", "F");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_creates_schema),
		T(test_open_missing_and_new),
		T(test_open_not_a_database),
		T(test_open_foreign_sqlite),
		T(test_open_newer_schema),
		T(test_seed),
		T(test_open_cut_off_cache),
		T(test_save_writes_three_tables),
		T(test_refused_save_changes_nothing),
		T(test_store_unchanged),
		T(test_delete_tombstone),
		T(test_delete_refused_while_referenced),
		T(test_undo_add_and_delete),
		T(test_undo_edit),
		T(test_undo_import_of_export),
		T(test_history_order_and_kinds),
		T(test_list_in_order),
		T(test_list_every_type),
		T(test_list_area_tree),
		T(test_filter_and_search),
		T(test_export_import_round_trip),
		T(test_import_broken),
		T(test_area_parent_loop),
		T(test_locked_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
