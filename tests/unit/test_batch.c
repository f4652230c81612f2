/*
 * Unit tests of the batched search rows (cache_batch_search): a pull or an
 * import of many records writes their search rows together, and the
 * full-text index then holds exactly what it would have held row by row:
 * every record found by its words, a record written twice by its last text
 * only, a deleted one not at all, nothing after a rollback; and FTS5's own
 * integrity check passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "exchange.h"
#include "replica.h"
#include "tmp_cache.h"
#include "util.h"

static long long matches(struct cache *c, const char *word)
{
	char *sql = str_printf("SELECT count(*) FROM search WHERE search MATCH '%s'", word);
	long long n = fx_number(c, sql);
	free(sql);
	return n;
}

static void assert_index_sound(struct cache *c)
{
	assert_int_equal(sqlite3_exec(cache_db(c),
				      "INSERT INTO search(search) VALUES('integrity-check')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(fx_number(c, "SELECT count(*) FROM search"),
			 fx_number(c, "SELECT count(*) FROM docs WHERE deleted = 0"));
}

/* n fund records named "<word> i", as an export file's text. */
static char *funds_export(int n, const char *word, bool broken_last)
{
	struct buf b = { 0 };
	buf_puts(&b, "{\"records\": [");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s{\"_id\": \"fund:%s-%d\", \"type\": \"fund\", \"name\": \"%s %d\"%s}",
			   i ? "," : "", word, i, word, i,
			   broken_last && i == n - 1 ? ", \"deadline\": \"2011-02-30\"" : "");
	buf_puts(&b, "]}");
	return buf_take(&b);
}

/* An import of 2,500 records (its search rows flushed a thousand at a time,
 * and the rest at the commit). */
static void test_import_in_batches(void **state)
{
	struct fx *f = *state;
	char *text = funds_export(2500, "tilskud", false);
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "funds.json", &st, &f->err), 0);
	assert_int_equal(st.added, 2500);
	assert_int_equal(matches(f->c, "tilskud"), 2500);
	assert_int_equal(matches(f->c, "\"tilskud 2499\""), 1);
	assert_index_sound(f->c);
	free(text);
}

/* A refused import leaves no search row of it, batched or written. */
static void test_refused_import_leaves_no_row(void **state)
{
	struct fx *f = *state;
	char *text = funds_export(1500, "afvist", true);
	struct import_stats st;
	assert_int_equal(import_json(f->c, text, "funds.json", &st, &f->err), -1);
	assert_non_null(f->err);
	assert_int_equal(matches(f->c, "afvist"), 0);
	assert_index_sound(f->c);
	free(text);
}

static cJSON *remote(const char *id, const char *rev, const char *name, bool deleted)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "_id", id);
	cJSON_AddStringToObject(d, "_rev", rev);
	if (deleted) {
		cJSON_AddTrueToObject(d, "_deleted");
		return d;
	}
	cJSON_AddStringToObject(d, "type", "fund");
	cJSON_AddStringToObject(d, "name", name);
	return d;
}

static void apply(struct cache *c, cJSON *doc, struct replica_stats *st)
{
	char *err = NULL;
	assert_int_equal(replica_apply(c, doc, st, &err), 0);
	cJSON_Delete(doc);
}

/* Pulled pages in one transaction: a record pulled twice keeps only its
 * last text, a deleted one leaves the index. */
static void test_pull_in_a_batch(void **state)
{
	struct fx *f = *state;
	struct replica_stats st = { 0 };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	cache_batch_search(f->c);
	for (int i = 0; i < 600; i++) {
		char *id = str_printf("fund:p%d", i), *name = str_printf("Rahoitus %d", i);
		apply(f->c, remote(id, "1-a", name, false), &st);
		free(id), free(name);
	}
	apply(f->c, remote("fund:p7", "2-b", "Stipendium", false), &st);
	apply(f->c, remote("fund:p8", "2-c", NULL, true), &st);
	apply(f->c, remote("fund:nordic-funds", "1-d", "Nordplus", false), &st);
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	assert_int_equal(matches(f->c, "rahoitus"), 598);
	assert_int_equal(matches(f->c, "stipendium"), 1);
	assert_int_equal(matches(f->c, "nordplus"), 1);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM search s JOIN docs d ON d.n = s.rowid"
				  " WHERE d.id = 'fund:p8'"), 0);
	assert_index_sound(f->c);
}

/* Rolled back: no row of the batch, and a later write indexes at once. */
static void test_rolled_back_batch(void **state)
{
	struct fx *f = *state;
	struct replica_stats st = { 0 };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	cache_batch_search(f->c);
	apply(f->c, remote("fund:gone", "1-a", "Forsvundet", false), &st);
	cache_rollback(f->c);
	assert_int_equal(matches(f->c, "forsvundet"), 0);
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	apply(f->c, remote("fund:kept", "1-a", "Bevaret", false), &st);
	assert_int_equal(matches(f->c, "bevaret"), 1);	/* not batched: written at once */
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	assert_index_sound(f->c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_in_batches, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_import_leaves_no_row, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pull_in_a_batch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_batch, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
