/*
 * Records as editable text for $EDITOR: the round trip, comments, the body,
 * emptied and unknown fields, and errors that name their line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "record_text.h"
#include "util.h"

static cJSON *project(void)
{
	cJSON *doc = record_new(type_find("project"));
	assert_int_equal(record_set(doc, "title", "Shared web archive index", NULL), 0);
	assert_int_equal(record_set(doc, "status", "ongoing", NULL), 0);
	assert_int_equal(record_set(doc, "areas", "web-access,storage", NULL), 0);
	assert_int_equal(record_set(doc, "description", "Line one.\nLine two.", NULL), 0);
	return doc;
}

/* Text written and read back unchanged gives the same record. */
static void test_round_trip(void **state)
{
	(void)state;
	cJSON *doc = project();
	char *text = record_to_text(doc, NULL);
	char *err = NULL;
	cJSON *back = record_from_text(doc, text, &err);
	assert_non_null(back);
	assert_null(err);
	assert_true(cJSON_Compare(doc, back, 1));
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(doc);
}

/* One header line per field (empty ones too), the long text as the body. */
static void test_layout(void **state)
{
	(void)state;
	cJSON *doc = project();
	char *text = record_to_text(doc, "a note");
	assert_non_null(strstr(text, "# a note\n"));
	assert_non_null(strstr(text, "\ntitle: Shared web archive index\n"));
	assert_non_null(strstr(text, "\nareas: area:web-access,area:storage\n"));
	assert_non_null(strstr(text, "\nfunding: \n"));
	assert_null(strstr(text, "description:"));
	const char *body = strstr(text, "\n\n");
	assert_non_null(body);
	assert_string_equal(body + 2, "Line one.\nLine two.\n");
	free(text);
	cJSON_Delete(doc);
}

/* Changed lines change fields; a removed line or empty value clears one. */
static void test_edit(void **state)
{
	(void)state;
	cJSON *doc = project();
	char *err = NULL;
	cJSON *back = record_from_text(doc, "# comment\ntitle: New title\nstatus: completed\n"
				       "start: 2012-01-01\n\nNew body\n", &err);
	assert_non_null(back);
	assert_string_equal(cJSON_GetObjectItem(back, "title")->valuestring, "New title");
	assert_string_equal(cJSON_GetObjectItem(back, "status")->valuestring, "completed");
	assert_string_equal(cJSON_GetObjectItem(back, "start")->valuestring, "2012-01-01");
	assert_string_equal(cJSON_GetObjectItem(back, "description")->valuestring, "New body");
	assert_null(cJSON_GetObjectItem(back, "areas"));
	cJSON_Delete(back);
	cJSON_Delete(doc);
}

/* Bad input names its line and changes nothing. */
static void test_errors(void **state)
{
	(void)state;
	cJSON *doc = project();
	char *before = cJSON_PrintUnformatted(doc);
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "title: x\nstatus: ongoing\ncolour: red\n", "line 3: unknown field 'colour'" },
		{ "title: x\nstatus: sideways\n", "line 2: field 'status'" },
		{ "title: x\nstatus: idea\nstart: 2011-02-30\n", "line 3: field 'start'" },
		{ "title: x\nno colon here\n", "line 2: expected 'field: value'" },
		{ "title: x\ntitle: y\n", "line 2: field 'title' appears twice" },
		{ "title: x\ndescription: inline\n", "line 2: the long text goes in the body" },
		{ "status: idea\n", "field 'title' is required" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL;
		assert_null(record_from_text(doc, cases[i].text, &err));
		assert_non_null(err);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].want);
		free(err);
	}
	char *after = cJSON_PrintUnformatted(doc);
	assert_string_equal(before, after);
	free(before);
	free(after);
	cJSON_Delete(doc);
}

/* A type without long text refuses a body. */
static void test_no_body(void **state)
{
	(void)state;
	cJSON *doc = record_new(type_find("person"));
	assert_int_equal(record_set(doc, "name", "Þórunn Ægisdóttir", NULL), 0);
	assert_int_equal(record_set(doc, "institution", "lbs-is", NULL), 0);
	char *text = record_to_text(doc, NULL);
	char *err = NULL;
	cJSON *same = record_from_text(doc, text, &err);
	assert_non_null(same);
	assert_string_equal(cJSON_GetObjectItem(same, "name")->valuestring, "Þórunn Ægisdóttir");
	cJSON_Delete(same);
	assert_null(record_from_text(doc, "name: x\ninstitution: lbs-is\n\nbody text\n", &err));
	assert_non_null(strstr(err, "has no long text"));
	free(err);
	free(text);
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
