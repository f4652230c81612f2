/*
 * The cache's ways of staying fast as it grows (see make bench), and that
 * they give the same answers: a record's linked records in order from the
 * links index, the newest matches first once ranking all would cost too
 * much, the status line's capped count, listings read from the index of
 * their order, and an older cache migrated to them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "record.h"
#include "triage.h"
#include "util.h"

struct fx {
	char dir[32];
	char *path, *err;
	struct cache *c;
};

static int setup(void **state)
{
	struct fx *f = xmalloc(sizeof *f);
	*f = (struct fx){ .dir = "/tmp/noron-scale-XXXXXX" };
	if (!mkdtemp(f->dir))
		return -1;
	f->path = str_printf("%s/cache.db", f->dir);
	if (cache_open(f->path, CACHE_CREATE, &f->c, &f->err))
		return -1;
	cache_set_author(f->c, "tester@kb-se");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cache_close(f->c);
	const char *suffixes[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char *p = str_printf("%s%s", f->path, suffixes[i]);
		unlink(p);
		free(p);
	}
	rmdir(f->dir);
	free(f->path);
	free(f->err);
	free(f);
	return 0;
}

static void exec_ok(struct cache *c, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(cache_db(c), sql, NULL, NULL, &msg))
		fail_msg("%s: %s", sql, msg);
}

static long long q(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL))
		fail_msg("%s: %s", sql, sqlite3_errmsg(cache_db(c)));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Saves a record given as JSON text; keep_meta keeps its created_at. */
static void store(struct fx *f, const char *json, bool keep_meta)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	struct store_opts o = { .kind = "add", .keep_meta = keep_meta };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	if (cache_store(f->c, doc, &o, &f->err) < 0)
		fail_msg("cache_store %s: %s", json, f->err);
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	cJSON_Delete(doc);
}

static void save(struct fx *f, const char *json)
{
	store(f, json, false);
}

struct rows {
	int n;
	char *ids[64];
};

static int collect(void *ctx, const struct cache_row *row)
{
	struct rows *r = ctx;
	if (r->n < 64)
		r->ids[r->n++] = xstrdup(row->id);
	return 0;
}

static void rows_free(struct rows *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->ids[i]);
	r->n = 0;
}

static void base_records(struct fx *f)
{
	save(f, "{\"_id\":\"institution:kb-se\",\"type\":\"institution\",\"code\":\"kb-se\","
	     "\"name\":\"Kungliga biblioteket\",\"country\":\"Sweden\"}");
	save(f, "{\"_id\":\"area:storage\",\"type\":\"area\",\"title\":\"Storage\"}");
}

/* Guards: the Areas detail's linked records come in the linking type's
 * order (events by start), each once even when it links through two
 * fields, only of the type asked for, not deleted ones, and never more than
 * the limit; an edit that changes the order field moves the record. */
static void test_linked_in_order(void **state)
{
	struct fx *f = *state;
	base_records(f);
	save(f, "{\"_id\":\"event:c\",\"type\":\"event\",\"title\":\"C\",\"kind\":\"meeting\","
	     "\"start\":\"2015-03-01\",\"areas\":[\"area:storage\"]}");
	save(f, "{\"_id\":\"event:a\",\"type\":\"event\",\"title\":\"A\",\"kind\":\"meeting\","
	     "\"start\":\"2013-01-01\",\"areas\":[\"area:storage\"]}");
	save(f, "{\"_id\":\"event:b\",\"type\":\"event\",\"title\":\"B\",\"kind\":\"visit\","
	     "\"start\":\"2014-06-01T10:00:00Z\",\"areas\":[\"area:storage\"]}");
	save(f, "{\"_id\":\"skill:s\",\"type\":\"skill\",\"topic\":\"Tape\",\"kind\":\"skill\","
	     "\"institution\":\"institution:kb-se\",\"area\":\"area:storage\"}");
	save(f, "{\"_id\":\"proposal:p\",\"type\":\"proposal\",\"title\":\"P\",\"status\":\"new\","
	     "\"institution\":\"institution:kb-se\",\"votes\":{\"institution:kb-se\":1}}");
	const struct type_def *ev = type_find("event");
	struct rows r = { 0 };
	assert_int_equal(cache_linked(f->c, "area:storage", ev, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ids[0], "event:a");
	assert_string_equal(r.ids[1], "event:b");
	assert_string_equal(r.ids[2], "event:c");
	rows_free(&r);
	assert_int_equal(cache_linked(f->c, "area:storage", ev, 2, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 2);
	rows_free(&r);
	/* The proposal refers to kb-se as its institution and in its votes. */
	assert_int_equal(cache_linked(f->c, "institution:kb-se", type_find("proposal"), 10,
				      collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	save(f, "{\"_id\":\"event:a\",\"type\":\"event\",\"title\":\"A\",\"kind\":\"meeting\","
	     "\"start\":\"2016-01-01\",\"areas\":[\"area:storage\"]}");
	assert_int_equal(cache_delete(f->c, "event:b", &f->err), 0);
	assert_int_equal(cache_linked(f->c, "area:storage", ev, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ids[0], "event:c");
	assert_string_equal(r.ids[1], "event:a");
	rows_free(&r);
}

/* Adds n skills whose topic holds word, in one transaction (raw, fast). */
static void many_skills(struct fx *f, int n, const char *word)
{
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	for (int i = 0; i < n; i++) {
		char *json = str_printf("{\"_id\":\"skill:%s%05d\",\"type\":\"skill\",\"topic\":"
					"\"%s %d\",\"kind\":\"skill\",\"institution\":"
					"\"institution:kb-se\"}", word, i, word, i);
		cJSON *doc = cJSON_Parse(json);
		struct store_opts o = { .kind = NULL };
		if (cache_store(f->c, doc, &o, &f->err) < 0)
			fail_msg("%s: %s", json, f->err);
		cJSON_Delete(doc);
		free(json);
	}
	assert_int_equal(cache_commit(f->c, &f->err), 0);
}

/* The best match by bm25 itself, to compare the ranked window with. */
static char *best_by_bm25(struct fx *f, const char *fts)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(f->c), "SELECT d.id FROM search JOIN docs d"
		" ON d.n = search.rowid WHERE search MATCH ?1 ORDER BY bm25(search), d.n LIMIT 1",
		-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *id = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return id;
}

/* Guards: up to 2,000 matches the search ranks them by bm25; past that the
 * newest record comes first and the window still holds only matches; the
 * count is exact either way. */
static void test_search_past_ranking(void **state)
{
	struct fx *f = *state;
	base_records(f);
	many_skills(f, 30, "bandrobot");
	save(f, "{\"_id\":\"skill:zz\",\"type\":\"skill\",\"topic\":\"bandrobot bandrobot\","
	     "\"kind\":\"skill\",\"institution\":\"institution:kb-se\"}");
	struct rows r = { 0 };
	assert_int_equal(cache_search(f->c, "bandrobot", 0, 5, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 5);
	char *best = best_by_bm25(f, "\"bandrobot\"*");
	assert_string_equal(r.ids[0], best);
	free(best);
	rows_free(&r);
	assert_int_equal(cache_search_count(f->c, "bandrob", -1, &f->err), 31);
	many_skills(f, 2000, "mikrofilm");
	save(f, "{\"_id\":\"skill:newest\",\"type\":\"skill\",\"topic\":\"mikrofilm\","
	     "\"kind\":\"skill\",\"institution\":\"institution:kb-se\"}");
	assert_int_equal(cache_search_count(f->c, "mikro", -1, &f->err), 2001);
	assert_int_equal(cache_search_count(f->c, "mikro", 100, &f->err), 100);	/* the cap */
	assert_int_equal(cache_search_count(f->c, "bandrob", 100, &f->err), 31);
	assert_int_equal(cache_search(f->c, "mikro", 0, 3, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ids[0], "skill:newest");
	for (int i = 0; i < r.n; i++)
		assert_true(!strcmp(r.ids[i], "skill:newest") || !strncmp(r.ids[i], "skill:mikrofilm", 15));
	rows_free(&r);
	assert_int_equal(cache_search(f->c, "mikro", 2000, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);	/* the last of 2,001: the window ends where the matches do */
	rows_free(&r);
}

/* Guards: a filtered listing counts and lists its own type's matches only
 * (the search index's kind), while the search finds every type's; a filter
 * of no word finds nothing. */
static void test_filter_its_type(void **state)
{
	struct fx *f = *state;
	base_records(f);
	many_skills(f, 3, "tape");
	save(f, "{\"_id\":\"event:tape\",\"type\":\"event\",\"title\":\"Tape day\","
	     "\"kind\":\"meeting\",\"start\":\"2015-03-01\"}");
	save(f, "{\"_id\":\"event:skill\",\"type\":\"event\",\"title\":\"Skill share\","
	     "\"kind\":\"meeting\",\"start\":\"2015-04-01\"}");
	const struct type_def *sk = type_find("skill"), *ev = type_find("event");
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 3);
	assert_int_equal(cache_count(f->c, ev, "tape", &f->err), 1);
	struct rows r = { 0 };
	assert_int_equal(cache_list(f->c, ev, "tape", 0, -1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ids[0], "event:tape");
	rows_free(&r);
	assert_int_equal(cache_search_count(f->c, "tape", -1, &f->err), 4);	/* every type */
	assert_int_equal(cache_count(f->c, ev, "share", &f->err), 1);
	assert_int_equal(cache_count(f->c, sk, "share", &f->err), 0);
	assert_int_equal(cache_count(f->c, sk, "!!", &f->err), 0);
}

/* Guards: the status line's count of unsynced edits stops at
 * CACHE_UNSYNCED_CAP, while noron status counts them all. */
static void test_status_cap(void **state)
{
	struct fx *f = *state;
	base_records(f);
	exec_ok(f->c, "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i"
		" WHERE k < 1005) INSERT INTO docs(id, type, body, dirty, updated_at)"
		" SELECT 'fund:f' || k, 'fund', json_object('type', 'fund', 'name', 'F' || k), 1,"
		" '2026-01-01T00:00:00Z' FROM i");
	struct cache_status s;
	assert_int_equal(cache_sync_status(f->c, &s, &f->err), 0);
	assert_int_equal(s.unsynced, CACHE_UNSYNCED_CAP);
	assert_int_equal(s.records, -1);
	cache_status_free(&s);
	assert_int_equal(cache_status(f->c, &s, &f->err), 0);
	assert_int_equal(s.unsynced, 1007);
	assert_int_equal(s.records, 1007);
	cache_status_free(&s);
}

/* Guards: proposals listed oldest first among those to triage come in that
 * order, and counted by status, whatever index SQLite would pick. */
static void test_proposal_orders(void **state)
{
	struct fx *f = *state;
	base_records(f);
	const char *status[] = { "new", "accepted", "review", "new", "declined" };
	for (int i = 0; i < 5; i++) {
		char *json = str_printf("{\"_id\":\"proposal:p%d\",\"type\":\"proposal\",\"title\":"
					"\"P%d\",\"status\":\"%s\",\"created_at\":\"2020-0%d-01T00:00:00Z\"}",
					i, i, status[i], 5 - i);
		store(f, json, true);
		free(json);
	}
	const struct type_def *t = type_find("proposal");
	struct cache_query qy = { .type = t, .order = t->indexes[0] };
	qy.match[0].field = "status";
	qy.match[0].value = "new|review";
	assert_int_equal(cache_query_count(f->c, &qy, &f->err), 3);
	struct rows r = { 0 };
	assert_int_equal(cache_query_rows(f->c, &qy, 0, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ids[0], "proposal:p3");	/* created 2020-02 */
	assert_string_equal(r.ids[1], "proposal:p2");
	assert_string_equal(r.ids[2], "proposal:p0");
	rows_free(&r);
	assert_int_equal(cache_query_position(f->c, &qy, "proposal:p0", &f->err), 2);
}

/* The ids of a window, read with or without the total known. */
static void window(struct fx *f, struct cache_query *qy, long total, long offset, long limit,
		   struct rows *r)
{
	qy->total = total;
	assert_int_equal(cache_query_rows(f->c, qy, offset, limit, collect, r, &f->err), 0);
}

/* Guards: a window in the last half of a listing, read from its end, holds
 * the same rows in the same order as read from the start, for an order with
 * a descending term and empty values (projects: status, then start DESC),
 * up to the last row. */
static void test_rows_from_end(void **state)
{
	struct fx *f = *state;
	base_records(f);
	const char *status[] = { "ongoing", "idea", "completed", "planned" };
	for (int i = 0; i < 41; i++) {
		char start[32] = "";
		if (i % 5)
			snprintf(start, sizeof start, ",\"start\":\"20%02d-01-01\"", 10 + i % 7);
		char *json = str_printf("{\"_id\":\"project:p%02d\",\"type\":\"project\","
					"\"title\":\"P%d\",\"status\":\"%s\"%s}", i, i,
					status[i % 4], start);
		save(f, json);
		free(json);
	}
	struct cache_query qy = { .type = type_find("project") };
	long total = cache_query_count(f->c, &qy, &f->err);
	assert_int_equal(total, 41);
	for (long offset = 15; offset < total; offset += 4) {
		struct rows a = { 0 }, b = { 0 };
		window(f, &qy, 0, offset, 10, &a);
		window(f, &qy, total, offset, 10, &b);
		assert_int_equal(a.n, b.n);
		for (int i = 0; i < a.n; i++)
			assert_string_equal(a.ids[i], b.ids[i]);
		rows_free(&a);
		rows_free(&b);
	}
	struct rows last = { 0 }, all = { 0 };
	window(f, &qy, total, total - 1, 5, &last);
	window(f, &qy, 0, 0, -1, &all);
	assert_int_equal(last.n, 1);
	assert_int_equal(all.n, 41);
	assert_string_equal(last.ids[0], all.ids[40]);
	rows_free(&last);
	rows_free(&all);
}

/* Guards: proposals listed by their area's title (not its id): those
 * without an area first, then those whose area is deleted or was never in
 * the cache (each listed once, so the list holds as many as it counts),
 * then area by area in title order, oldest first in each; read from the
 * end the same; positions and the next proposal of a status agree. */
static void test_proposals_by_area_title(void **state)
{
	struct fx *f = *state;
	base_records(f);
	const char *areas[][2] = { { "a-zeta", "Zeta" }, { "b-alpha", "Alpha" },
				   { "c-mid", "Mid" }, { "gone", "Gone" } };
	for (int i = 0; i < 4; i++) {
		char *json = str_printf("{\"_id\":\"area:%s\",\"type\":\"area\",\"title\":\"%s\"}",
					areas[i][0], areas[i][1]);
		save(f, json);
		free(json);
	}
	const char *props[][3] = { { "p1", "b-alpha", "03" }, { "p2", "b-alpha", "01" },
				   { "p3", "a-zeta", "02" }, { "p4", "c-mid", "05" },
				   { "p5", "", "04" }, { "p6", "gone", "06" }, { "p7", "", "07" },
				   { "p8", "a-zeta", "08" } };
	for (int i = 0; i < 8; i++) {
		char *area = *props[i][1] ? str_printf(",\"area\":\"area:%s\"", props[i][1])
			: xstrdup("");
		char *json = str_printf("{\"_id\":\"proposal:%s\",\"type\":\"proposal\","
					"\"title\":\"T\",\"status\":\"%s\",\"created_at\":"
					"\"2020-%s-01T00:00:00Z\"%s}", props[i][0],
					i == 7 ? "declined" : "new", props[i][2], area);
		store(f, json, true);
		free(json), free(area);
	}
	exec_ok(f->c, "UPDATE docs SET deleted = 1 WHERE id = 'area:gone';"
		" UPDATE docs SET body = json_set(body, '$.area', 'area:never')"
		" WHERE id = 'proposal:p7'");
	const char *want[] = { "p5", "p6", "p7", "p2", "p1", "p4", "p3", "p8" };
	const struct type_def *t = type_find("proposal");
	struct cache_query qy = { .type = t, .order = t->indexes[1], .order_ref = "area" };
	long total = cache_query_count(f->c, &qy, &f->err);
	assert_int_equal(total, 8);
	struct rows all = { 0 };
	window(f, &qy, 0, 0, -1, &all);
	assert_int_equal(all.n, 8);
	for (int i = 0; i < 8; i++) {
		char *id = str_printf("proposal:%s", want[i]);
		if (strcmp(all.ids[i], id))
			fail_msg("row %d: %s, want %s", i, all.ids[i], id);
		assert_int_equal(cache_query_position(f->c, &qy, id, &f->err), i);
		free(id);
	}
	for (long offset = 0; offset < total; offset++) {
		struct rows a = { 0 }, b = { 0 };
		window(f, &qy, 0, offset, 3, &a);
		window(f, &qy, total, offset, 3, &b);	/* from the end past the middle */
		assert_int_equal(a.n, b.n);
		for (int i = 0; i < a.n; i++) {
			assert_string_equal(a.ids[i], b.ids[i]);
			assert_string_equal(a.ids[i], all.ids[offset + i]);
		}
		rows_free(&a), rows_free(&b);
	}
	rows_free(&all);
	assert_int_equal(cache_query_next(f->c, &qy, 0, "status", "declined", &f->err), 7);
	assert_int_equal(cache_query_next(f->c, &qy, 2, "status", "new|review", &f->err), 2);
	assert_int_equal(cache_query_next(f->c, &qy, 7, "status", "new", &f->err), -1);
	qy.match[0].field = "status";
	qy.match[0].value = "new";
	qy.total = 0;
	assert_int_equal(cache_query_count(f->c, &qy, &f->err), 7);
	assert_int_equal(cache_query_position(f->c, &qy, "proposal:p3", &f->err), 6);
	assert_int_equal(cache_query_position(f->c, &qy, "proposal:p8", &f->err), -1);
	/* in an indexed order, the same answers */
	struct cache_query by_age = { .type = t, .order = t->indexes[0] };
	assert_int_equal(cache_query_next(f->c, &by_age, 0, "status", "declined", &f->err), 7);
	assert_int_equal(cache_query_next(f->c, &by_age, 1, "status", "new", &f->err), 1);
	assert_int_equal(cache_query_next(f->c, &by_age, 0, "nothing", "x", &f->err), -2);
}

/* Guards: a cache of schema 1 (links without their order, a search index
 * without prefixes) is migrated on open: linked records come in order,
 * searches still find, and the schema is the latest. */
static void test_migrates_schema_1(void **state)
{
	struct fx *f = *state;
	base_records(f);
	save(f, "{\"_id\":\"event:late\",\"type\":\"event\",\"title\":\"Magasin\",\"kind\":\"visit\","
	     "\"start\":\"2019-01-01\",\"areas\":[\"area:storage\"]}");
	save(f, "{\"_id\":\"event:early\",\"type\":\"event\",\"title\":\"Fjernlager\","
	     "\"kind\":\"visit\",\"start\":\"2012-01-01\",\"areas\":[\"area:storage\"]}");
	exec_ok(f->c, "DROP INDEX links_order; ALTER TABLE links DROP COLUMN key;"
		" CREATE VIRTUAL TABLE old USING fts5(text, tokenize = 'unicode61');"
		" INSERT INTO old(rowid, text) SELECT rowid, text FROM search;"
		" DROP TABLE search; ALTER TABLE old RENAME TO search;"
		" DROP TRIGGER docs_count_insert; DROP TRIGGER docs_count_delete;"
		" DROP TRIGGER docs_count_update; DROP TABLE type_counts;"
		" ALTER TABLE sync_state DROP COLUMN mark; ALTER TABLE sync_state DROP COLUMN mark_next;"
		" ALTER TABLE sync_state DROP COLUMN mark_rev; ALTER TABLE docs DROP COLUMN prior_rev;"
		" PRAGMA user_version = 1");
	cache_close(f->c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), 0);
	assert_int_equal(q(f->c, "PRAGMA user_version"), CACHE_SCHEMA_VERSION);
	struct rows r = { 0 };
	assert_int_equal(cache_linked(f->c, "area:storage", type_find("event"), 10, collect, &r,
				      &f->err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ids[0], "event:early");
	rows_free(&r);
	assert_int_equal(cache_search_count(f->c, "fjern", -1, &f->err), 1);
	assert_int_equal(cache_search_count(f->c, "m", -1, &f->err), 1);
	assert_int_equal(cache_count(f->c, type_find("event"), NULL, &f->err), 2);
	assert_int_equal(cache_count(f->c, type_find("area"), NULL, &f->err), 1);
	assert_int_equal(q(f->c, "SELECT count(*) FROM sqlite_master WHERE name = 'search'"
			   " AND sql LIKE '%prefix = ''1 2 3 4 5''%'"), 1);
	assert_int_equal(cache_search_count(f->c, "fjernl", -1, &f->err), 1);	/* past five */
}

/* Guards: a listing index whose order the field table changed (proposals
 * counted by status and updated_at, now by status and accepted_at) is built
 * anew when the cache opens, not kept for its name; the others are kept. */
static void test_rebuilds_changed_index(void **state)
{
	struct fx *f = *state;
	base_records(f);
	exec_ok(f->c, "DROP INDEX docs_proposal_4; CREATE INDEX docs_proposal_4 ON docs("
		"json_extract(body,'$.status'), json_extract(body,'$.updated_at'), id)"
		" WHERE type = 'proposal' AND deleted = 0");
	long long root = q(f->c, "SELECT rootpage FROM sqlite_master WHERE name = 'docs_proposal_1'");
	cache_close(f->c);
	f->c = NULL;
	assert_int_equal(cache_open(f->path, 0, &f->c, &f->err), 0);
	assert_int_equal(q(f->c, "SELECT count(*) FROM sqlite_master WHERE name = 'docs_proposal_4'"
			   " AND sql LIKE '%accepted_at%' AND sql NOT LIKE '%updated_at%'"), 1);
	assert_int_equal(q(f->c, "SELECT rootpage FROM sqlite_master WHERE name = "
			   "'docs_proposal_1'"), root);
}

/* Each type's count as the kept counts give it, and as counting gives it. */
static void counts_agree(struct fx *f)
{
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		char *sql = str_printf("SELECT count(*) FROM docs WHERE type = '%s' AND deleted = 0",
				       t->name);
		long want = (long)q(f->c, sql);
		free(sql);
		if (cache_count(f->c, t, NULL, &f->err) != want)
			fail_msg("%s: kept count %ld, %ld records", t->name,
				 cache_count(f->c, t, NULL, &f->err), want);
	}
	const char *statuses[] = { "new", "review", "accepted", "new|review" };
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		struct cache_query qy = { .type = type_find("proposal") };
		qy.match[0].field = "status";
		qy.match[0].value = statuses[i];
		char *in = xstrdup(statuses[i]), *bar = strchr(in, '|');
		if (bar)
			*bar = '\0';
		char *sql = str_printf("SELECT count(*) FROM docs WHERE type = 'proposal' AND"
				       " deleted = 0 AND json_extract(body, '$.status') IN ('%s', '%s')",
				       in, bar ? bar + 1 : in);
		long want = (long)q(f->c, sql);
		if (cache_query_count(f->c, &qy, &f->err) != want)
			fail_msg("proposals %s: kept count %ld, %ld records", statuses[i],
				 cache_query_count(f->c, &qy, &f->err), want);
		free(sql);
		free(in);
	}
}

/* Guards: the kept count of each type's live records follows adds, edits,
 * deletes, an undone delete, a type changed under an id and a row removed. */
static void test_type_counts_follow(void **state)
{
	struct fx *f = *state;
	base_records(f);
	many_skills(f, 5, "tape");
	counts_agree(f);
	assert_int_equal(cache_count(f->c, type_find("skill"), NULL, &f->err), 5);
	save(f, "{\"_id\":\"skill:tape00001\",\"type\":\"skill\",\"topic\":\"tape edited\","
	     "\"kind\":\"skill\",\"institution\":\"institution:kb-se\"}");
	counts_agree(f);
	assert_int_equal(cache_delete(f->c, "skill:tape00002", &f->err), 0);
	counts_agree(f);
	assert_int_equal(cache_count(f->c, type_find("skill"), NULL, &f->err), 4);
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	counts_agree(f);
	assert_int_equal(cache_count(f->c, type_find("skill"), NULL, &f->err), 5);
	exec_ok(f->c, "UPDATE docs SET type = 'fund' WHERE id = 'skill:tape00003'");
	counts_agree(f);
	for (int i = 0; i < 3; i++) {
		char *json = str_printf("{\"_id\":\"proposal:p%d\",\"type\":\"proposal\","
					"\"title\":\"P%d\",\"status\":\"new\"}", i, i);
		save(f, json);
		free(json);
	}
	counts_agree(f);
	save(f, "{\"_id\":\"proposal:p1\",\"type\":\"proposal\",\"title\":\"P1\","
	     "\"status\":\"review\"}");
	counts_agree(f);
	save(f, "{\"_id\":\"proposal:p2\",\"type\":\"proposal\",\"title\":\"P2 again\","
	     "\"status\":\"review\"}");
	counts_agree(f);
	long to_triage, accepted;
	assert_int_equal(triage_counts(f->c, &to_triage, &accepted, &f->err), 0);
	assert_int_equal(to_triage, 3);
	assert_int_equal(cache_delete(f->c, "proposal:p2", &f->err), 0);
	counts_agree(f);
	assert_int_equal(triage_counts(f->c, &to_triage, &accepted, &f->err), 0);
	assert_int_equal(to_triage, 2);
	exec_ok(f->c, "DELETE FROM history WHERE id = 'skill:tape00004';"
		" DELETE FROM docs WHERE id = 'skill:tape00004'");
	counts_agree(f);
	assert_int_equal(cache_count(f->c, type_find("skill"), NULL, &f->err), 3);
}

static void label_is(struct cache *c, const char *id, const char *want, bool deleted)
{
	bool d = !deleted;
	char *label = cache_label(c, id, &d);
	if (!want) {
		assert_null(label);
		return;
	}
	assert_non_null(label);
	assert_string_equal(label, want);
	assert_int_equal(d, deleted);
	free(label);
}

/* Guards: a kept label follows every change to its record, made through
 * this connection (a save, a delete, a plain SQL update) or another one. */
static void test_labels_follow_changes(void **state)
{
	struct fx *f = *state;
	label_is(f->c, "institution:kb-xx", NULL, false);
	save(f, "{\"_id\":\"institution:kb-xx\",\"type\":\"institution\",\"code\":\"kb-xx\","
	     "\"name\":\"Old name\",\"country\":\"SE\"}");
	label_is(f->c, "institution:kb-xx", "Old name", false);
	label_is(f->c, "institution:kb-xx", "Old name", false);	/* kept */
	exec_ok(f->c, "UPDATE docs SET body = json_set(body, '$.name', 'New name')"
		" WHERE id = 'institution:kb-xx'");
	label_is(f->c, "institution:kb-xx", "New name", false);
	struct cache *other;
	char *err = NULL;
	assert_int_equal(cache_open(f->path, 0, &other, &err), 0);
	exec_ok(other, "UPDATE docs SET body = json_set(body, '$.name', 'Their name')"
		" WHERE id = 'institution:kb-xx'");
	cache_close(other);
	label_is(f->c, "institution:kb-xx", "Their name", false);
	assert_int_equal(cache_delete(f->c, "institution:kb-xx", &f->err), 0);
	label_is(f->c, "institution:kb-xx", "Their name", true);
}

/* Guards: a FL_BRIEF field shows the records it names by their short names,
 * kept as the labels are, following a changed code; "?" for a record the
 * cache lacks or has deleted. */
static void test_brief_text(void **state)
{
	struct fx *f = *state;
	const struct field_def *inst = field_find(type_find("project"), "institutions");
	const struct field_def *one = field_find(type_find("skill"), "institution");
	save(f, "{\"_id\":\"institution:kb-xx\",\"type\":\"institution\",\"code\":\"kb-xx\","
	     "\"name\":\"X library\",\"country\":\"SE\"}");
	save(f, "{\"_id\":\"institution:kb-yy\",\"type\":\"institution\",\"code\":\"kb-yy\","
	     "\"name\":\"Y library\",\"country\":\"SE\"}");
	cJSON *doc = cJSON_Parse("{\"_id\":\"project:p\",\"type\":\"project\","
				 "\"institutions\":[\"institution:kb-yy\",\"institution:kb-xx\","
				 "\"institution:gone\"],\"institution\":\"institution:kb-xx\"}");
	char *text = cache_brief_text(f->c, doc, inst);
	assert_string_equal(text, "YY XX ?");
	free(text);
	text = cache_brief_text(f->c, doc, one);
	assert_string_equal(text, "XX");
	free(text);
	exec_ok(f->c, "UPDATE docs SET body = json_set(body, '$.code', 'kb-zz')"
		" WHERE id = 'institution:kb-xx'");
	text = cache_brief_text(f->c, doc, inst);
	assert_string_equal(text, "YY ZZ ?");
	free(text);
	assert_int_equal(cache_delete(f->c, "institution:kb-yy", &f->err), 0);
	text = cache_brief_text(f->c, doc, inst);
	assert_string_equal(text, "? ZZ ?");
	free(text);
	cJSON_DeleteItemFromObject(doc, "institutions");
	text = cache_brief_text(f->c, doc, inst);
	assert_string_equal(text, "");
	free(text);
	cJSON_Delete(doc);
}

/* Guards: a filter's matches, kept between the queries of one keystroke,
 * follow every change: a save here, a write by another connection, a
 * transaction rolled back, another filter. */
static void test_filter_follows_changes(void **state)
{
	struct fx *f = *state;
	const struct type_def *sk = type_find("skill");
	base_records(f);
	many_skills(f, 3, "tape");
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 3);
	struct cache_query qry = { .type = sk, .filter = "tape" };
	struct rows r = { 0 };
	assert_int_equal(cache_query_rows(f->c, &qry, 0, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	rows_free(&r);
	save(f, "{\"_id\":\"skill:tape9\",\"type\":\"skill\",\"topic\":\"tape 9\","
	     "\"kind\":\"skill\",\"institution\":\"institution:kb-se\"}");
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 4);
	struct cache *other;
	char *err = NULL;
	assert_int_equal(cache_open(f->path, 0, &other, &err), 0);
	assert_int_equal(cache_delete(other, "skill:tape9", &err), 0);
	cache_close(other);
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 3);
	assert_int_equal(cache_count(f->c, sk, "band", &f->err), 0);	/* another filter */
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 3);
	cache_rollback(f->c);
	assert_int_equal(cache_count(f->c, sk, "tape", &f->err), 3);
	assert_int_equal(cache_query_rows(f->c, &qry, 0, 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 3);
	rows_free(&r);
}

/* Guards: the records of one range of ids (an area's standings) are read
 * in id order, live ones only, no more than the limit, and no record of an
 * area whose id merely begins the same. */
static void test_ids_with_prefix(void **state)
{
	struct fx *f = *state;
	base_records(f);
	save(f, "{\"_id\":\"area:storage2\",\"type\":\"area\",\"title\":\"Storage 2\"}");
	save(f, "{\"_id\":\"institution:kb-dk\",\"type\":\"institution\",\"code\":\"kb-dk\","
	     "\"name\":\"Det Kgl. Bibliotek\",\"country\":\"Denmark\"}");
	const char *cells[][2] = { { "storage", "kb-se" }, { "storage", "kb-dk" },
				   { "storage2", "kb-se" } };
	for (int i = 0; i < 3; i++) {
		char *json = str_printf("{\"_id\":\"standing:%s:%s\",\"type\":\"standing\","
					"\"area\":\"area:%s\",\"institution\":\"institution:%s\","
					"\"level\":\"started\"}", cells[i][0], cells[i][1],
					cells[i][0], cells[i][1]);
		save(f, json);
		free(json);
	}
	struct rows r = { 0 };
	assert_int_equal(cache_with_prefix(f->c, "standing:storage:", 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ids[0], "standing:storage:kb-dk");
	assert_string_equal(r.ids[1], "standing:storage:kb-se");
	rows_free(&r);
	assert_int_equal(cache_with_prefix(f->c, "standing:storage:", 1, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	rows_free(&r);
	assert_int_equal(cache_delete(f->c, "standing:storage:kb-dk", &f->err), 0);
	assert_int_equal(cache_with_prefix(f->c, "standing:storage:", 10, collect, &r, &f->err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.ids[0], "standing:storage:kb-se");
	rows_free(&r);
	assert_int_equal(cache_with_prefix(f->c, "", 10, collect, &r, &f->err), -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_linked_in_order),
		T(test_search_past_ranking),
		T(test_filter_its_type),
		T(test_status_cap),
		T(test_proposal_orders),
		T(test_rows_from_end),
		T(test_proposals_by_area_title),
		T(test_migrates_schema_1),
		T(test_rebuilds_changed_index),
		T(test_labels_follow_changes),
		T(test_brief_text),
		T(test_filter_follows_changes),
		T(test_type_counts_follow),
		T(test_ids_with_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
