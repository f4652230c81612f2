/*
 * The cache's side of the sync (model/replica*.c): documents from the
 * endpoint taken, merged or set aside as conflicts; pushes acknowledged
 * without losing an edit made meanwhile; conflicts settled.
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
#include "replica.h"
#include "util.h"

struct fx {
	char *dir, *path;
	struct cache *c;
};

static int setup(void **state)
{
	struct fx *f = xmalloc(sizeof *f);
	*f = (struct fx){ .dir = xstrdup("/tmp/noron-replica-XXXXXX") };
	if (!mkdtemp(f->dir))
		return -1;
	f->path = str_printf("%s/cache.db", f->dir);
	char *err = NULL;
	if (cache_open(f->path, CACHE_CREATE | CACHE_SEED, &f->c, &err))
		return -1;
	cache_set_author(f->c, "test@kb-se");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	cache_close(f->c);
	static const char *const sfx[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		char *p = str_printf("%s%s", f->path, sfx[i]);
		unlink(p);
		free(p);
	}
	rmdir(f->dir);
	free(f->dir), free(f->path), free(f);
	return 0;
}

/* Applies one remote document in its own transaction. */
static struct replica_stats apply(struct cache *c, const char *json)
{
	struct replica_stats st = { 0 };
	char *err = NULL;
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	assert_int_equal(cache_begin(c, &err), 0);
	if (replica_apply(c, doc, &st, &err))
		fail_msg("replica_apply: %s", err);
	assert_int_equal(cache_commit(c, &err), 0);
	cJSON_Delete(doc);
	return st;
}

static char *field(struct cache *c, const char *id, const char *name, bool *dirty)
{
	struct cache_doc d;
	assert_int_equal(cache_get(c, id, &d, NULL), 1);
	const cJSON *v = cJSON_GetObjectItem(d.body, name);
	char *out = cJSON_IsString(v) ? xstrdup(v->valuestring) : d.deleted ? xstrdup("(deleted)")
		: xstrdup("(none)");
	if (dirty)
		*dirty = d.dirty;
	cache_doc_free(&d);
	return out;
}

static void set(struct cache *c, const char *id, const char *name, const char *value)
{
	struct cache_doc d;
	char *err = NULL;
	assert_int_equal(cache_get(c, id, &d, NULL), 1);
	assert_int_equal(record_set(d.body, name, value, &err), 0);
	if (cache_save(c, d.body, HIST_EDIT, &err) < 0)
		fail_msg("save: %s", err);
	cache_doc_free(&d);
}

static long count_conflicts(struct cache *c)
{
	struct cache_status s;
	assert_int_equal(cache_status(c, &s, NULL), 0);
	long n = s.conflicts;
	cache_status_free(&s);
	return n;
}

#define STORAGE(rev, title) "{\"_id\":\"area:storage\",\"_rev\":\"" rev "\",\"type\":\"area\"," \
	"\"title\":\"" title "\",\"parent\":\"area:digital-preservation\",\"position\":2}"

/* A remote document replaces a record with no unsynced edit; the same
 * revision applied twice changes nothing. */
static void test_take_and_idempotent(void **state)
{
	struct fx *f = *state;
	struct replica_stats st = apply(f->c, STORAGE("2-a", "Storage R"));
	assert_int_equal(st.taken, 1);
	bool dirty;
	char *t = field(f->c, "area:storage", "title", &dirty);
	assert_string_equal(t, "Storage R");
	assert_false(dirty);
	free(t);
	st = apply(f->c, STORAGE("2-a", "Storage R"));
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.taken, 0);
}

/* Different fields changed here and there merge; the merge is left to push. */
static void test_merge_fields(void **state)
{
	struct fx *f = *state;
	apply(f->c, STORAGE("2-a", "Storage"));
	set(f->c, "area:storage", "description", "mine");
	apply(f->c, STORAGE("3-b", "Storage R"));
	bool dirty;
	char *t = field(f->c, "area:storage", "title", &dirty);
	char *d = field(f->c, "area:storage", "description", NULL);
	assert_string_equal(t, "Storage R");
	assert_string_equal(d, "mine");
	assert_true(dirty);
	assert_int_equal(count_conflicts(f->c), 0);
	free(t), free(d);
}

/* Guards: the same change made here and there leaves the cache holding
 * the endpoint's version as it is, its stamps included (not this cache's
 * later ones, which would never be pushed), with nothing to push. */
static void test_same_change_takes_theirs(void **state)
{
	struct fx *f = *state;
	apply(f->c, STORAGE("2-a", "Storage"));
	set(f->c, "area:storage", "title", "Same");
	apply(f->c, "{\"_id\":\"area:storage\",\"_rev\":\"3-b\",\"type\":\"area\","
	      "\"title\":\"Same\",\"parent\":\"area:digital-preservation\",\"position\":2,"
	      "\"updated_at\":\"2001-01-01T00:00:00Z\",\"updated_by\":\"other@nb-no\"}");
	bool dirty;
	char *at = field(f->c, "area:storage", "updated_at", &dirty);
	char *by = field(f->c, "area:storage", "updated_by", NULL);
	assert_string_equal(at, "2001-01-01T00:00:00Z");
	assert_string_equal(by, "other@nb-no");
	assert_false(dirty);
	assert_int_equal(count_conflicts(f->c), 0);
	free(at), free(by);
}

/* The same field changed both ways: a conflict row; mine stays in the cache. */
static void test_conflict(void **state)
{
	struct fx *f = *state;
	apply(f->c, STORAGE("2-a", "Storage"));
	set(f->c, "area:storage", "title", "Mine");
	struct replica_stats st = apply(f->c, STORAGE("3-b", "Theirs"));
	assert_int_equal(st.conflicts, 1);
	assert_int_equal(count_conflicts(f->c), 1);
	char *t = field(f->c, "area:storage", "title", NULL);
	assert_string_equal(t, "Mine");
	free(t);
	/* A record in conflict is not pushed until someone decides. */
	struct push_batch b;
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	for (int i = 0; i < b.n; i++)
		assert_string_not_equal(b.items[i].id, "area:storage");
	push_batch_free(&b);
	/* Taking theirs settles it and leaves nothing to push. */
	cJSON *theirs = cJSON_Parse(STORAGE("3-b", "Theirs"));
	cJSON_DeleteItemFromObject(theirs, "_rev");
	assert_int_equal(conflict_resolve(f->c, "area:storage", theirs, NULL), 0);
	cJSON_Delete(theirs);
	assert_int_equal(count_conflicts(f->c), 0);
	bool dirty;
	t = field(f->c, "area:storage", "title", &dirty);
	assert_string_equal(t, "Theirs");
	assert_false(dirty);
	free(t);
}

/* An edit here against a delete there is a conflict, not a loss. */
static void test_edit_against_delete(void **state)
{
	struct fx *f = *state;
	apply(f->c, STORAGE("2-a", "Storage"));
	set(f->c, "area:storage", "title", "Mine");
	apply(f->c, "{\"_id\":\"area:storage\",\"_rev\":\"3-d\",\"_deleted\":true}");
	assert_int_equal(count_conflicts(f->c), 1);
	char *t = field(f->c, "area:storage", "title", NULL);
	assert_string_equal(t, "Mine");
	free(t);
	/* A delete there of a record unchanged here is taken. */
	apply(f->c, "{\"_id\":\"fund:nordic-funds\",\"_rev\":\"2-d\",\"_deleted\":true}");
	t = field(f->c, "fund:nordic-funds", "name", NULL);
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "fund:nordic-funds", &d, NULL), 1);
	assert_true(d.deleted);
	assert_false(d.dirty);
	cache_doc_free(&d);
	free(t);
}

#define PROPOSAL(rev) "{\"_id\":\"proposal:p\",\"_rev\":\"" rev "\",\"type\":\"proposal\"," \
	"\"title\":\"P\",\"status\":\"scheduled\",\"event\":\"event:w\"," \
	"\"accepted_at\":\"2020-01-01T00:00:00Z\"}"
#define WORKSHOP(rev) "{\"_id\":\"event:w\",\"_rev\":\"" rev "\",\"type\":\"event\"," \
	"\"title\":\"P\",\"kind\":\"workshop\",\"start\":\"2027-03-01\"," \
	"\"proposal\":\"proposal:p\"}"

/* Guards: an event deleted on the endpoint, pulled here, sends its scheduled
 * proposal back to accepted with a note, as a delete made here does: an
 * unsynced edit of this cache (pushed next), in the history as a detach that
 * u does not take back. */
static void test_pulled_delete_detaches(void **state)
{
	struct fx *f = *state;
	apply(f->c, WORKSHOP("1-a"));
	apply(f->c, PROPOSAL("1-a"));
	apply(f->c, "{\"_id\":\"event:w\",\"_rev\":\"2-d\",\"_deleted\":true}");
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "event:w", &d, NULL), 1);
	assert_true(d.deleted);
	cache_doc_free(&d);
	bool dirty;
	char *status = field(f->c, "proposal:p", "status", &dirty);
	char *event = field(f->c, "proposal:p", "event", NULL);
	char *note = field(f->c, "proposal:p", "triage_note", NULL);
	char *at = field(f->c, "proposal:p", "accepted_at", NULL);
	assert_string_equal(status, "accepted");
	assert_string_equal(event, "(none)");
	assert_non_null(strstr(note, "event was deleted"));
	assert_string_equal(at, "2020-01-01T00:00:00Z");	/* accepted then, not now */
	assert_true(dirty);
	free(status), free(event), free(note), free(at);
	assert_int_equal(count_conflicts(f->c), 0);
	struct push_batch b;
	bool pushed = false;
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	for (int i = 0; i < b.n; i++)
		pushed |= !strcmp(b.items[i].id, "proposal:p");
	push_batch_free(&b);
	assert_true(pushed);
	char *what = NULL;
	assert_true(cache_undo(f->c, &what, NULL) >= 0);
	status = field(f->c, "proposal:p", "status", NULL);
	assert_string_equal(status, "accepted");
	free(status), free(what);
}

/* A pushed edit is clean only if it did not change while the push ran. */
static void test_pushed_meanwhile(void **state)
{
	struct fx *f = *state;
	set(f->c, "area:storage", "title", "First");
	struct push_batch b;
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	assert_int_equal(b.n, 1);
	const cJSON *sent = cJSON_GetArrayItem(cJSON_GetObjectItem(b.docs, "docs"), 0);
	assert_string_equal(cJSON_GetObjectItem(sent, "title")->valuestring, "First");
	set(f->c, "area:storage", "title", "Second");	/* while the push is on its way */
	assert_int_equal(replica_pushed(f->c, &b.items[0], "2-x", NULL), 0);
	push_batch_free(&b);
	bool dirty;
	char *t = field(f->c, "area:storage", "title", &dirty);
	assert_string_equal(t, "Second");
	assert_true(dirty);
	free(t);
	/* The next push carries the revision the first one got. */
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	sent = cJSON_GetArrayItem(cJSON_GetObjectItem(b.docs, "docs"), 0);
	assert_string_equal(cJSON_GetObjectItem(sent, "_rev")->valuestring, "2-x");
	assert_int_equal(replica_pushed(f->c, &b.items[0], "3-y", NULL), 0);
	push_batch_free(&b);
	t = field(f->c, "area:storage", "title", &dirty);
	assert_false(dirty);
	free(t);
}

/* The endpoint's refusal keeps the edit, with the reason, out of pushes. */
static void test_rejected(void **state)
{
	struct fx *f = *state;
	set(f->c, "fund:nordic-funds", "scope", "x");
	assert_int_equal(replica_rejected(f->c, "fund:nordic-funds", "no funds", NULL), 0);
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "fund:nordic-funds", &d, NULL), 1);
	assert_string_equal(d.rejected, "no funds");
	assert_true(d.dirty);
	cache_doc_free(&d);
	struct push_batch b;
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	assert_int_equal(b.n, 0);
	push_batch_free(&b);
	set(f->c, "fund:nordic-funds", "scope", "y");	/* a new edit tries again */
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	assert_int_equal(b.n, 1);
	push_batch_free(&b);
}

/* Documents of a newer noron pass through: unknown types and fields kept,
 * design documents skipped; an edit here keeps the fields it does not know. */
static void test_pass_through(void **state)
{
	struct fx *f = *state;
	struct replica_stats st = apply(f->c, "{\"_id\":\"badge:1\",\"_rev\":\"1-a\",\"type\":"
					"\"badge\",\"colour\":\"red\"}");
	assert_int_equal(st.taken, 1);
	char *colour = field(f->c, "badge:1", "colour", NULL);
	assert_string_equal(colour, "red");
	free(colour);
	st = apply(f->c, "{\"_id\":\"_design/x\",\"_rev\":\"1-a\",\"validate_doc_update\":\"\"}");
	assert_int_equal(st.skipped, 1);
	apply(f->c, "{\"_id\":\"area:metadata\",\"_rev\":\"2-a\",\"type\":\"area\",\"title\":"
	      "\"Metadata\",\"position\":5,\"icon\":\"m\"}");
	set(f->c, "area:metadata", "description", "edited here");
	char *icon = field(f->c, "area:metadata", "icon", NULL);
	assert_string_equal(icon, "m");
	free(icon);
}

/* Checkpoints are text, kept per endpoint; a reset forgets revisions. */
static void test_checkpoint_and_reset(void **state)
{
	struct fx *f = *state;
	assert_null(replica_checkpoint(f->c, "http://e/db", NULL));
	assert_int_equal(replica_set_checkpoint(f->c, "http://e/db", "12-g1AAAA", NULL), 0);
	char *cp = replica_checkpoint(f->c, "http://e/db", NULL);
	assert_string_equal(cp, "12-g1AAAA");
	free(cp);
	apply(f->c, STORAGE("2-a", "Storage"));
	assert_int_equal(replica_reset(f->c, "http://e/db", NULL), 0);
	assert_null(replica_checkpoint(f->c, "http://e/db", NULL));
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, "area:storage", &d, NULL), 1);
	assert_null(d.rev);
	assert_true(d.dirty);
	cache_doc_free(&d);
}

#define METADATA(rev, title) "{\"_id\":\"area:metadata\",\"_rev\":\"" rev "\",\"type\":" \
	"\"area\",\"title\":\"" title "\",\"position\":5}"
#define WEB(rev, title) "{\"_id\":\"area:web-harvesting\",\"_rev\":\"" rev "\",\"type\":" \
	"\"area\",\"title\":\"" title "\",\"position\":6}"

static char *rev_of(struct cache *c, const char *id)
{
	struct cache_doc d;
	assert_int_equal(cache_get(c, id, &d, NULL), 1);
	char *rev = d.rev ? xstrdup(d.rev) : NULL;
	cache_doc_free(&d);
	return rev;
}

/* Guards: after a reset, the endpoint's version is told apart. A record it
 * has at the revision the cache knew stays clean (nothing to push); one at
 * a version the cache had before (a database put back from a backup) gets
 * the cache's newer record on top, to push; one at a version the cache
 * never saw is merged as usual (a clean record takes it); one the endpoint
 * lacks stays unsynced, to be pushed as new. */
static void test_reset_restored(void **state)
{
	struct fx *f = *state;
	apply(f->c, STORAGE("2-a", "Storage"));
	apply(f->c, STORAGE("3-b", "Storage, after the backup"));
	apply(f->c, METADATA("4-m", "Metadata"));
	apply(f->c, WEB("2-w", "Web"));
	apply(f->c, "{\"_id\":\"area:digitization\",\"_rev\":\"7-d\",\"type\":\"area\","
	      "\"title\":\"Digitization\",\"position\":3}");
	assert_int_equal(replica_reset(f->c, "http://e/db", NULL), 0);

	struct replica_stats st = apply(f->c, STORAGE("2-a", "Storage"));	/* the backup's */
	bool dirty;
	char *t = field(f->c, "area:storage", "title", &dirty);
	assert_string_equal(t, "Storage, after the backup");
	assert_true(dirty);
	free(t);
	char *rev = rev_of(f->c, "area:storage");
	assert_string_equal(rev, "2-a");	/* pushed on top of what the endpoint has */
	free(rev);
	assert_int_equal(st.conflicts, 0);

	apply(f->c, METADATA("4-m", "Metadata"));	/* what the cache knew */
	t = field(f->c, "area:metadata", "title", &dirty);
	assert_string_equal(t, "Metadata");
	assert_false(dirty);
	free(t);

	apply(f->c, WEB("3-x", "Web, changed by another library"));	/* never seen */
	t = field(f->c, "area:web-harvesting", "title", &dirty);
	assert_string_equal(t, "Web, changed by another library");
	assert_false(dirty);
	free(t);
	rev = rev_of(f->c, "area:web-harvesting");
	assert_string_equal(rev, "3-x");
	free(rev);

	rev = rev_of(f->c, "area:digitization");	/* not on the endpoint: pushed as new */
	assert_null(rev);
	t = field(f->c, "area:digitization", "title", &dirty);
	assert_true(dirty);
	free(t);
	assert_int_equal(count_conflicts(f->c), 0);
}

/* Guards: the checkpoint's mark. A cache with no mark has nothing to
 * compare; the last document written matches (its mark at its revision),
 * and so does the one being written when the endpoint's answer never
 * arrived (a kill), which then counts as the last; any other mark, or the
 * last mark at another revision (a copy put back), does not. */
static void test_checkpoint_marks(void **state)
{
	struct fx *f = *state;
	const char *e = "http://e/db";
	assert_int_equal(replica_mark_check(f->c, e, "anything", "0-1", NULL), 1);
	char *m1 = NULL, *m2 = NULL, *m3 = NULL;
	assert_int_equal(replica_mark_start(f->c, e, &m1, NULL), 0);
	assert_int_equal(strlen(m1), 32);
	assert_int_equal(replica_mark_written(f->c, e, m1, "0-1", NULL), 0);
	assert_int_equal(replica_mark_check(f->c, e, m1, "0-1", NULL), 1);
	assert_int_equal(replica_mark_check(f->c, e, m1, "0-7", NULL), 0);
	assert_int_equal(replica_mark_check(f->c, e, "0123456789abcdef", "0-1", NULL), 0);
	assert_int_equal(replica_mark_check(f->c, e, NULL, "0-1", NULL), 0);

	/* stopped before the document was sent: the endpoint has m1 */
	assert_int_equal(replica_mark_start(f->c, e, &m2, NULL), 0);
	assert_string_not_equal(m1, m2);
	assert_int_equal(replica_mark_check(f->c, e, m1, "0-1", NULL), 1);
	/* stopped after it was sent, before the answer: the endpoint has m2 */
	assert_int_equal(replica_mark_check(f->c, e, m2, "0-2", NULL), 1);
	/* m2 at 0-2 is the last one now */
	assert_int_equal(replica_mark_check(f->c, e, m2, "0-2", NULL), 1);
	assert_int_equal(replica_mark_check(f->c, e, m2, "0-1", NULL), 0);
	assert_int_equal(replica_mark_start(f->c, e, &m3, NULL), 0);
	assert_int_equal(replica_mark_check(f->c, e, m2, "0-2", NULL), 1);
	assert_int_equal(replica_mark_check(f->c, e, m1, "0-1", NULL), 0);
	assert_int_equal(replica_mark_check(f->c, "http://other/db", m1, "0-1", NULL), 1);
	free(m1), free(m2), free(m3);
}

/* Guards: a push batch is bounded in bytes as well as in records: three
 * records of 100 KB go one by one under a 150 KB bound, the next batch
 * starting where the last stopped; a record larger than the bound still
 * goes, alone; without a byte bound they go together. */
static void test_outgoing_bytes(void **state)
{
	struct fx *f = *state;
	char *big = xmalloc(100001);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	static const char *const ids[] = { "area:storage", "area:metadata", "area:web-harvesting" };
	for (int i = 0; i < 3; i++)
		set(f->c, ids[i], "description", big);
	free(big);
	struct push_batch b;
	long long after = 0;
	int seen = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(replica_outgoing(f->c, after, 100, 150000, &b, NULL), 0);
		assert_int_equal(b.n, 1);
		for (int k = 0; k < 3; k++)
			if (!strcmp(b.items[0].id, ids[k]))
				seen |= 1 << k;
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b.docs, "docs")), 1);
		after = b.last;
		push_batch_free(&b);
	}
	assert_int_equal(seen, 7);	/* each of the three once */
	assert_int_equal(replica_outgoing(f->c, after, 100, 150000, &b, NULL), 0);
	assert_int_equal(b.n, 0);
	push_batch_free(&b);
	assert_int_equal(replica_outgoing(f->c, 0, 100, 1000, &b, NULL), 0);
	assert_int_equal(b.n, 1);	/* larger than the bound: alone */
	push_batch_free(&b);
	assert_int_equal(replica_outgoing(f->c, 0, 100, 0, &b, NULL), 0);
	assert_int_equal(b.n, 3);
	push_batch_free(&b);
	assert_int_equal(replica_outgoing(f->c, 0, 100, 250000, &b, NULL), 0);
	assert_int_equal(b.n, 2);
	push_batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_take_and_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_change_takes_theirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_against_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulled_delete_detaches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pushed_meanwhile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pass_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outgoing_bytes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
