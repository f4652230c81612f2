/*
 * The three-way merge, on a table of cases: base, mine, theirs, and the
 * result and conflicting fields each must give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "merge.h"

#define P "\"_id\":\"project:x\",\"type\":\"project\","
#define E "{\"_id\":\"project:x\",\"type\":\"project\"}"
#define Q "\"_id\":\"proposal:x\",\"type\":\"proposal\","

struct merge_case {
	const char *name, *base, *mine, *theirs;
	const char *want;		/* the merged body, or NULL for deleted */
	const char *conflicts;		/* JSON array of field names */
};

static const struct merge_case cases[] = {
	{ "no change", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\"}",
	  "{" P "\"title\":\"a\"}", "[]" },
	{ "only mine changed", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"b\"}",
	  "{" P "\"title\":\"a\"}", "{" P "\"title\":\"b\"}", "[]" },
	{ "only theirs changed", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\"}",
	  "{" P "\"title\":\"c\"}", "{" P "\"title\":\"c\"}", "[]" },
	{ "different fields", "{" P "\"title\":\"a\",\"status\":\"idea\"}",
	  "{" P "\"title\":\"b\",\"status\":\"idea\"}", "{" P "\"title\":\"a\",\"status\":\"ongoing\"}",
	  "{" P "\"title\":\"b\",\"status\":\"ongoing\"}", "[]" },
	{ "same change agrees", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"z\"}",
	  "{" P "\"title\":\"z\"}", "{" P "\"title\":\"z\"}", "[]" },
	{ "both changed one field", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"b\"}",
	  "{" P "\"title\":\"c\"}", "{" P "\"title\":\"b\"}", "[\"title\"]" },
	{ "mine removed a field, theirs kept it", "{" P "\"title\":\"a\",\"funding\":\"f\"}",
	  "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\",\"funding\":\"f\"}", "{" P "\"title\":\"a\"}",
	  "[]" },
	{ "mine removed a field theirs changed", "{" P "\"funding\":\"f\"}", E,
	  "{" P "\"funding\":\"g\"}", E, "[\"funding\"]" },
	{ "id lists merge as sets", "{" P "\"areas\":[\"area:a\",\"area:b\"]}",
	  "{" P "\"areas\":[\"area:a\",\"area:b\",\"area:c\"]}", "{" P "\"areas\":[\"area:b\",\"area:d\"]}",
	  "{" P "\"areas\":[\"area:b\",\"area:c\",\"area:d\"]}", "[]" },
	{ "a list emptied on both sides by removals", "{" P "\"areas\":[\"area:a\",\"area:b\"]}",
	  "{" P "\"areas\":[\"area:b\"]}", "{" P "\"areas\":[\"area:a\"]}", E, "[]" },
	{ "votes merge per institution",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":0}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":1}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":0,"
	  "\"institution:nb-no\":-1}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":1,"
	  "\"institution:nb-no\":-1}}", "[]" },
	{ "one institution's vote changed both ways",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":0}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":1}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":-1}}",
	  "{\"_id\":\"proposal:x\",\"type\":\"proposal\",\"votes\":{\"institution:kb-se\":1}}",
	  "[\"votes\"]" },
	{ "both accepted offline: the later acceptance is kept, no conflict",
	  "{" Q "\"status\":\"new\"}",
	  "{" Q "\"status\":\"accepted\",\"accepted_at\":\"2026-03-02T10:00:00Z\"}",
	  "{" Q "\"status\":\"accepted\",\"accepted_at\":\"2026-03-01T09:00:00Z\"}",
	  "{" Q "\"status\":\"accepted\",\"accepted_at\":\"2026-03-02T10:00:00Z\"}", "[]" },
	{ "the later acceptance is kept whichever side made it",
	  "{" Q "\"status\":\"new\"}",
	  "{" Q "\"status\":\"accepted\",\"accepted_at\":\"2026-03-01T09:00:00Z\"}",
	  "{" Q "\"status\":\"scheduled\",\"accepted_at\":\"2026-03-02T10:00:00Z\"}",
	  "{" Q "\"status\":\"accepted\",\"accepted_at\":\"2026-03-02T10:00:00Z\"}",
	  "[\"status\"]" },
	{ "a moment removed on one side, set again on the other: the one set",
	  "{" Q "\"accepted_at\":\"2026-01-01T00:00:00Z\"}", "{" Q "\"title\":\"t\"}",
	  "{" Q "\"accepted_at\":\"2026-03-01T00:00:00Z\"}",
	  "{" Q "\"title\":\"t\",\"accepted_at\":\"2026-03-01T00:00:00Z\"}", "[]" },
	{ "unknown fields of a newer client pass through", "{" P "\"title\":\"a\"}",
	  "{" P "\"title\":\"b\"}", "{" P "\"title\":\"a\",\"colour\":\"red\"}",
	  "{" P "\"title\":\"b\",\"colour\":\"red\"}", "[]" },
	{ "created on both sides alike", NULL, "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\"}",
	  "{" P "\"title\":\"a\"}", "[]" },
	{ "created on both sides differently", NULL, "{" P "\"title\":\"a\"}",
	  "{" P "\"title\":\"b\"}", "{" P "\"title\":\"a\"}", "[\"title\"]" },
	{ "deleted here, unchanged there", "{" P "\"title\":\"a\"}", NULL, "{" P "\"title\":\"a\"}",
	  NULL, "[]" },
	{ "deleted there, unchanged here", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"a\"}", NULL,
	  NULL, "[]" },
	{ "edit here against a delete there", "{" P "\"title\":\"a\"}", "{" P "\"title\":\"b\"}",
	  NULL, "{" P "\"title\":\"b\"}", "[\"_deleted\"]" },
	{ "delete here against an edit there", "{" P "\"title\":\"a\"}", NULL,
	  "{" P "\"title\":\"c\"}", NULL, "[\"_deleted\"]" },
	{ "deleted on both sides", "{" P "\"title\":\"a\"}", NULL, NULL, NULL, "[]" },
};

static cJSON *parse(const char *s)
{
	if (!s)
		return NULL;
	cJSON *j = cJSON_Parse(s);
	if (!j)
		fail_msg("bad test JSON: %s", s);
	return j;
}

/* Every case of the table gives its result and conflicts. */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct merge_case *c = &cases[i];
		cJSON *b = parse(c->base), *m = parse(c->mine), *t = parse(c->theirs);
		cJSON *want = parse(c->want), *want_conf = parse(c->conflicts);
		cJSON *got = NULL, *conf = NULL;
		merge3(b, m, t, &got, &conf);
		if (!want != !got || (want && !cJSON_Compare(want, got, 1))) {
			char *g = got ? cJSON_PrintUnformatted(got) : NULL;
			fail_msg("%s: merged %s, want %s", c->name, g ? g : "(deleted)",
				 c->want ? c->want : "(deleted)");
		}
		if (!cJSON_Compare(want_conf, conf, 1)) {
			char *g = cJSON_PrintUnformatted(conf);
			fail_msg("%s: conflicts %s, want %s", c->name, g, c->conflicts);
		}
		cJSON_Delete(b), cJSON_Delete(m), cJSON_Delete(t);
		cJSON_Delete(want), cJSON_Delete(want_conf), cJSON_Delete(got), cJSON_Delete(conf);
	}
}

/* The later side's timestamps win; created_at stays. */
static void test_stamps(void **state)
{
	(void)state;
	cJSON *b = parse("{" P "\"title\":\"a\",\"created_at\":\"2011-01-01T00:00:00Z\"}");
	cJSON *m = parse("{" P "\"title\":\"b\",\"created_at\":\"2011-01-01T00:00:00Z\","
			 "\"updated_at\":\"2026-01-02T00:00:00Z\",\"updated_by\":\"anna@kb-se\"}");
	cJSON *t = parse("{" P "\"status\":\"idea\",\"title\":\"a\",\"created_at\":"
			 "\"2011-01-01T00:00:00Z\",\"updated_at\":\"2026-01-03T00:00:00Z\","
			 "\"updated_by\":\"ola@nb-no\"}");
	cJSON *got = NULL, *conf = NULL;
	merge3(b, m, t, &got, &conf);
	assert_string_equal(cJSON_GetObjectItem(got, "updated_by")->valuestring, "ola@nb-no");
	assert_string_equal(cJSON_GetObjectItem(got, "updated_at")->valuestring,
			    "2026-01-03T00:00:00Z");
	assert_string_equal(cJSON_GetObjectItem(got, "created_at")->valuestring,
			    "2011-01-01T00:00:00Z");
	assert_string_equal(cJSON_GetObjectItem(got, "title")->valuestring, "b");
	assert_string_equal(cJSON_GetObjectItem(got, "status")->valuestring, "idea");
	assert_int_equal(cJSON_GetArraySize(conf), 0);
	cJSON_Delete(b), cJSON_Delete(m), cJSON_Delete(t), cJSON_Delete(got), cJSON_Delete(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_stamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
