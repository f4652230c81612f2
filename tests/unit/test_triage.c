/*
 * Triage on a cache: "accepted this month" counts the moment of the
 * acceptance (accepted_at), which later edits leave alone and undo puts
 * back; a decline's note is its reason or nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "tmp_cache.h"
#include "triage.h"
#include "util.h"

/* Stores a record given as JSON; keep_meta keeps its timestamps, as an
 * import of an older record does. */
static void put(struct fx *f, const char *json, bool keep_meta)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	struct store_opts o = { .kind = HIST_EDIT, .keep_meta = keep_meta };
	assert_int_equal(cache_begin(f->c, &f->err), 0);
	if (cache_store(f->c, doc, &o, &f->err) < 0)
		fail_msg("cache_store %s: %s", json, f->err);
	assert_int_equal(cache_commit(f->c, &f->err), 0);
	cJSON_Delete(doc);
}

static void act(struct fx *f, const char *id, enum triage_act a, const char *reason)
{
	struct triage t = { .act = a, .vote = 1, .institution = "institution:kb-se",
			    .reason = reason, .start = "2027-03-01" };
	const char *ids[] = { id };
	if (triage_apply(f->c, ids, 1, &t, &f->err))
		fail_msg("triage %s: %s", id, f->err);
}

static long accepted(struct fx *f)
{
	long to_triage, n;
	assert_int_equal(triage_counts(f->c, &to_triage, &n, &f->err), 0);
	return n;
}

/* A field of a stored record as text ("" when it has none). */
static char *field(struct fx *f, const char *id, const char *name)
{
	struct cache_doc d;
	assert_int_equal(cache_get(f->c, id, &d, &f->err), 1);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(d.body, name);
	char *s = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	cache_doc_free(&d);
	return s;
}

static void field_is(struct fx *f, const char *id, const char *name, const char *want)
{
	char *got = field(f, id, name);
	if (strcmp(got, want))
		fail_msg("%s %s: '%s', want '%s'", id, name, got, want);
	free(got);
}

static void undo(struct fx *f)
{
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
}

#define OLD "{\"_id\":\"proposal:old\",\"type\":\"proposal\",\"title\":\"Old\"," \
	"\"status\":\"accepted\",\"accepted_at\":\"2020-01-15T10:00:00Z\"," \
	"\"created_at\":\"2019-12-01T10:00:00Z\",\"updated_at\":\"2020-01-15T10:00:00Z\"}"

/* Guards: an acceptance of another month stays out of the count when a
 * vote edits the proposal this month; one accepted now counts, also once
 * scheduled, and leaves the count when sent back to review. */
static void test_counts_the_acceptance(void **state)
{
	struct fx *f = *state;
	put(f, OLD, true);
	assert_int_equal(accepted(f), 0);
	act(f, "proposal:old", TRIAGE_VOTE, NULL);
	assert_int_equal(accepted(f), 0);
	field_is(f, "proposal:old", "accepted_at", "2020-01-15T10:00:00Z");

	put(f, "{\"_id\":\"proposal:new\",\"type\":\"proposal\",\"title\":\"New\",\"status\":"
	    "\"new\"}", false);
	field_is(f, "proposal:new", "accepted_at", "");
	act(f, "proposal:new", TRIAGE_ACCEPT, NULL);
	assert_int_equal(accepted(f), 1);
	char *at = field(f, "proposal:new", "accepted_at");
	char *now = now_utc();
	assert_memory_equal(at, now, 7);	/* this month */
	free(now);
	act(f, "proposal:new", TRIAGE_VOTE, NULL);
	field_is(f, "proposal:new", "accepted_at", at);
	act(f, "proposal:new", TRIAGE_SCHEDULE, NULL);
	field_is(f, "proposal:new", "status", "scheduled");
	field_is(f, "proposal:new", "accepted_at", at);
	assert_int_equal(accepted(f), 1);	/* scheduled: it was accepted */
	act(f, "proposal:new", TRIAGE_REVIEW, NULL);
	field_is(f, "proposal:new", "accepted_at", "");
	assert_int_equal(accepted(f), 0);
	free(at);
}

/* Guards: undo puts accepted_at back as it was (it does not accept anew),
 * and declining an old acceptance then undoing it keeps it out of the count. */
static void test_undo_keeps_the_moment(void **state)
{
	struct fx *f = *state;
	put(f, OLD, true);
	act(f, "proposal:old", TRIAGE_DECLINE, "Not this year");
	field_is(f, "proposal:old", "accepted_at", "");
	undo(f);
	field_is(f, "proposal:old", "status", "accepted");
	field_is(f, "proposal:old", "accepted_at", "2020-01-15T10:00:00Z");
	assert_int_equal(accepted(f), 0);
	put(f, "{\"_id\":\"proposal:p\",\"type\":\"proposal\",\"title\":\"P\",\"status\":"
	    "\"new\"}", false);
	act(f, "proposal:p", TRIAGE_ACCEPT, NULL);
	assert_int_equal(accepted(f), 1);
	undo(f);
	field_is(f, "proposal:p", "status", "new");
	field_is(f, "proposal:p", "accepted_at", "");
	assert_int_equal(accepted(f), 0);
}

/* Guards: an edit that sets the status (a form, noron set) records the
 * acceptance as triage does; one that gives accepted_at itself keeps it. */
static void test_any_edit_records_it(void **state)
{
	struct fx *f = *state;
	put(f, "{\"_id\":\"proposal:e\",\"type\":\"proposal\",\"title\":\"E\","
	    "\"status\":\"accepted\"}", false);
	assert_int_equal(accepted(f), 1);
	put(f, "{\"_id\":\"proposal:g\",\"type\":\"proposal\",\"title\":\"G\","
	    "\"status\":\"accepted\",\"accepted_at\":\"2019-05-05T00:00:00Z\"}", false);
	field_is(f, "proposal:g", "accepted_at", "2019-05-05T00:00:00Z");
	assert_int_equal(accepted(f), 1);
}

/* Guards: a decline keeps its reason in the triage note; a decline without
 * one removes an earlier note rather than leave it standing as the reason. */
static void test_decline_note(void **state)
{
	struct fx *f = *state;
	put(f, "{\"_id\":\"proposal:d\",\"type\":\"proposal\",\"title\":\"D\",\"status\":"
	    "\"new\"}", false);
	act(f, "proposal:d", TRIAGE_DECLINE, "Covered elsewhere");
	field_is(f, "proposal:d", "triage_note", "Covered elsewhere");
	act(f, "proposal:d", TRIAGE_REVIEW, NULL);
	field_is(f, "proposal:d", "triage_note", "Covered elsewhere");
	act(f, "proposal:d", TRIAGE_DECLINE, NULL);
	field_is(f, "proposal:d", "status", "declined");
	field_is(f, "proposal:d", "triage_note", "");
	act(f, "proposal:d", TRIAGE_REVIEW, NULL);
	act(f, "proposal:d", TRIAGE_DECLINE, "Again");
	act(f, "proposal:d", TRIAGE_REVIEW, NULL);
	act(f, "proposal:d", TRIAGE_DECLINE, "");
	field_is(f, "proposal:d", "triage_note", "");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_counts_the_acceptance),
		T(test_undo_keeps_the_moment),
		T(test_any_edit_records_it),
		T(test_decline_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
