/*
 * Unit tests of model/record.c and model/record_check.c: new records, ids,
 * setting fields from command-line text, checking whole documents, labels,
 * field text and search text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "record.h"
#include "util.h"

/* A value of field f that its kind accepts, as command-line text. */
static const char *sample_text(const struct field_def *f)
{
	switch (f->kind) {
	case FIELD_TEXT: return "Sample text";
	case FIELD_LONGTEXT: return "Line one\nline two";
	case FIELD_DATE: return "2012-01-01";
	case FIELD_WHEN: return "2012-01-01T10:00Z";
	case FIELD_ENUM: return f->choices[0];
	case FIELD_BOOL: return "yes";
	case FIELD_INT: return "3";
	case FIELD_URL: return "https://example.org/";
	case FIELD_EMAIL: return "anna@example.org";
	case FIELD_REF: return "key-one";
	case FIELD_REFLIST: return "key-one,key-two";
	case FIELD_VOTES: return "key-one=1,key-two=-1";
	}
	return NULL;
}

/* A record of type t with every field set (standing gets its required id). */
static cJSON *full_record(const struct type_def *t)
{
	cJSON *doc = record_new(t);
	char *err = NULL;
	for (size_t i = 0; i < t->nfields; i++) {
		int rc = record_set(doc, t->fields[i].name, sample_text(&t->fields[i]), &err);
		if (rc)
			print_error("%s.%s: %s\n", t->name, t->fields[i].name, err);
		assert_int_equal(rc, 0);
	}
	if (!strcmp(t->name, "standing")) {
		char *id = standing_id(cJSON_GetObjectItem(doc, "area")->valuestring,
				       cJSON_GetObjectItem(doc, "institution")->valuestring);
		cJSON_ReplaceItemInObject(doc, "_id", cJSON_CreateString(id));
		free(id);
	}
	return doc;
}

/* record_check's verdict, its message kept in *err (freed by the caller). */
static int check(const cJSON *doc, char **err)
{
	free(*err);
	*err = NULL;
	return record_check(doc, NULL, NULL, err);
}

static cJSON *parse(const char *json)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	return doc;
}

static const char *str_member(const cJSON *doc, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Guards: a new record has a fresh "<type>:<32 hex>" id, its type and only the initial values. */
static void test_record_new(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		cJSON *doc = record_new(t);
		const char *id = record_id(doc);
		size_t n = strlen(t->name);
		assert_non_null(id);
		assert_int_equal(strlen(id), n + 1 + 32);
		assert_memory_equal(id, t->name, n);
		assert_int_equal(id[n], ':');
		for (const char *p = id + n + 1; *p; p++)
			assert_true(isdigit((unsigned char)*p) || (*p >= 'a' && *p <= 'f'));
		assert_true(id_valid(id));
		assert_ptr_equal(record_type(doc), t);
		int members = 0, inits = 2;
		for (const cJSON *m = doc->child; m; m = m->next)
			members++;
		for (size_t j = 0; j < t->nfields; j++)
			if (t->fields[j].init) {
				inits++;
				assert_string_equal(str_member(doc, t->fields[j].name), t->fields[j].init);
			}
		assert_int_equal(members, inits);
		cJSON *other = record_new(t);
		assert_string_not_equal(record_id(other), id);
		cJSON_Delete(other);
		cJSON_Delete(doc);
	}
}

/* Guards: id_valid wants a known type, a key, printable ASCII and no space, slash or quote. */
static void test_id_valid(void **state)
{
	(void)state;
	static const char *const good[] = {
		"area:web-access", "institution:nb-no", "standing:web-access:kb-se",
		"event:2011-copenhagen", "fund:a", "person:A.B_c~1",
	};
	static const char *const bad[] = {
		"", "area", "area:", ":web", "nosuch:x", "areas:x", "area:web access",
		"area:web/access", "area:\"x\"", "area:a\\b", "area:\xc3\xa6", "area:a\tb",
		"area:a\x7f", " area:x",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(id_valid(good[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (id_valid(bad[i]))
			print_error("accepted '%s'\n", bad[i]);
		assert_false(id_valid(bad[i]));
	}
	char huge[300];
	memset(huge, 'k', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	memcpy(huge, "area:", 5);
	assert_false(id_valid(huge));	/* endpoints limit id length */
}

/* Guards: record_set stores each kind's value as JSON (dates in UTC, refs with prefix, bools). */
static void test_set_every_kind(void **state)
{
	(void)state;
	static const struct { const char *type, *field, *text, *json; } ok[] = {
		{ "project", "title", "Ægir – web archive", "\"Ægir – web archive\"" },
		{ "project", "description", "one\ntwo\tthree", "\"one\\ntwo\\tthree\"" },
		{ "project", "end", "2012-02-29", "\"2012-02-29\"" },
		{ "event", "start", "2012-01-01T00:30+01:00", "\"2011-12-31T23:30:00Z\"" },
		{ "event", "end", "2012-01-02", "\"2012-01-02\"" },
		{ "skill", "exchange", "YES", "true" }, { "skill", "exchange", "true", "true" },
		{ "skill", "exchange", "1", "true" }, { "skill", "exchange", "on", "true" },
		{ "skill", "exchange", "y", "true" }, { "skill", "exchange", "no", "false" },
		{ "skill", "exchange", "False", "false" }, { "skill", "exchange", "0", "false" },
		{ "skill", "exchange", "off", "false" }, { "skill", "exchange", "N", "false" },
		{ "area", "position", "12", "12" }, { "area", "position", "-3", "-3" },
		{ "institution", "url", "https://www.kb.se/", "\"https://www.kb.se/\"" },
		{ "institution", "url", "http://nb.no", "\"http://nb.no\"" },
		{ "person", "email", "anna@kb.se", "\"anna@kb.se\"" },
		{ "person", "institution", "kb-se", "\"institution:kb-se\"" },
		{ "person", "institution", "institution:nb-no", "\"institution:nb-no\"" },
		{ "person", "institution", "  lbs-is ", "\"institution:lbs-is\"" },
		{ "project", "areas", "web-access, area:metadata", "[\"area:web-access\", \"area:metadata\"]" },
		{ "proposal", "votes", "kb-se=1,institution:nb-no=-1,kb-dk=+0",
		  "{\"institution:kb-se\": 1, \"institution:nb-no\": -1, \"institution:kb-dk\": 0}" },
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cJSON *doc = full_record(type_find(ok[i].type));
		cJSON *want = parse(ok[i].json);
		int rc = record_set(doc, ok[i].field, ok[i].text, &err);
		if (rc)
			print_error("%s.%s = '%s': %s\n", ok[i].type, ok[i].field, ok[i].text, err);
		assert_int_equal(rc, 0);
		assert_true(cJSON_Compare(cJSON_GetObjectItem(doc, ok[i].field), want, 1));
		assert_int_equal(check(doc, &err), 0);
		cJSON_Delete(want);
		cJSON_Delete(doc);
	}
	free(err);
}

/* Guards: record_set refuses bad text of each kind, naming the field, and keeps the old value. */
static void test_set_refuses_bad_text(void **state)
{
	(void)state;
	static const struct { const char *type, *field, *text; } bad[] = {
		{ "project", "title", "two\nlines" }, { "project", "title", "red \x1b[31m" },
		{ "project", "title", "bad \xff utf-8" }, { "project", "title", "c1 \xc2\x9b control" },
		{ "project", "description", "bell \a" },
		{ "project", "start", "2011-02-30" }, { "project", "start", "2012-01-01T10:00Z" },
		{ "event", "end", "2012-01-02T25:00Z" }, { "event", "start", "tomorrow" },
		{ "skill", "exchange", "maybe" },
		{ "area", "position", "1.5" }, { "area", "position", "12abc" },
		{ "area", "position", "99999999999" }, { "area", "position", "0x10" },
		{ "institution", "url", "ftp://x.org" }, { "institution", "url", "https://" },
		{ "institution", "url", "www.kb.se" }, { "institution", "url", "https://a b.org" },
		{ "institution", "url", "javascript:alert(1)" },
		{ "person", "email", "anna" }, { "person", "email", "anna@kb" },
		{ "person", "email", "@kb.se" }, { "person", "email", "anna@kb.se." },
		{ "person", "email", "an na@kb.se" }, { "person", "email", "a@b@kb.se" },
		{ "person", "institution", "kb se" }, { "person", "institution", "kb/se" },
		{ "person", "institution", "area:web-access" },
		{ "project", "areas", "metadata,area:metadata" }, { "project", "areas", "ok,not ok" },
		{ "proposal", "votes", "kb-se=2" }, { "proposal", "votes", "kb-se" },
		{ "proposal", "votes", "kb-se=x" }, { "proposal", "votes", "kb-se=0.5" },
		{ "proposal", "votes", "k b=1" },
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *doc = full_record(type_find(bad[i].type));
		cJSON *old = cJSON_Duplicate(cJSON_GetObjectItem(doc, bad[i].field), 1);
		int rc = record_set(doc, bad[i].field, bad[i].text, &err);
		if (!rc)
			print_error("%s.%s accepted '%s'\n", bad[i].type, bad[i].field, bad[i].text);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, bad[i].field));
		assert_true(cJSON_Compare(cJSON_GetObjectItem(doc, bad[i].field), old, 1));
		cJSON_Delete(old);
		cJSON_Delete(doc);
	}
	free(err);
}

/* Guards: one institution voting twice in one text is refused (a JSON object cannot hold it). */
static void test_set_votes_duplicate_refused(void **state)
{
	(void)state;
	cJSON *doc = record_new(type_find("proposal"));
	char *err = NULL;
	int rc = record_set(doc, "votes", "kb-se=1,institution:kb-se=-1", &err);
	int keys = cJSON_GetArraySize(cJSON_GetObjectItem(doc, "votes"));
	free(err);
	cJSON_Delete(doc);
	assert_int_equal(rc, -1);
	assert_int_equal(keys, 0);
}

/* Guards: an empty text removes an optional field but never a required one. */
static void test_set_empty_and_required(void **state)
{
	(void)state;
	const struct type_def *t = type_find("event");
	cJSON *doc = full_record(t);
	char *err = NULL;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		int rc = record_set(doc, f->name, "", &err);
		bool present = cJSON_GetObjectItem(doc, f->name) != NULL;
		if (f->flags & FL_REQUIRED) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, f->name));
			assert_true(present);
		} else {
			assert_int_equal(rc, 0);
			assert_false(present);
		}
	}
	assert_int_equal(check(doc, &err), 0);
	free(err);
	cJSON_Delete(doc);
}

/* Guards: an unknown field is refused listing the fields; a bad choice listing the choices. */
static void test_set_unknown_field(void **state)
{
	(void)state;
	const struct type_def *t = type_find("fund");
	cJSON *doc = record_new(t);
	char *err = NULL;
	assert_int_equal(record_set(doc, "colour", "blue", &err), -1);
	assert_non_null(strstr(err, "colour"));
	for (size_t i = 0; i < t->nfields; i++)
		assert_non_null(strstr(err, t->fields[i].name));
	assert_null(cJSON_GetObjectItem(doc, "colour"));
	const struct field_def *f = field_find(type_find("project"), "status");
	cJSON *p = record_new(type_find("project"));
	for (int i = 0; f->choices[i]; i++)
		assert_int_equal(record_set(p, "status", f->choices[i], &err), 0);
	assert_int_equal(record_set(p, "status", "Ongoing", &err), -1);
	for (int i = 0; f->choices[i]; i++)
		assert_non_null(strstr(err, f->choices[i]));
	cJSON_Delete(p);
	free(err);
	cJSON_Delete(doc);
}

/* Guards: record_check refuses bad shapes (type, unknown or repeated members, meta), naming the culprit. */
static void test_check_structure(void **state)
{
	(void)state;
	static const struct { const char *json, *named; } bad[] = {
		{ "[1, 2]", "object" },
		{ "{\"_id\": \"widget:1\", \"type\": \"widget\"}", "widget" },
		{ "{\"_id\": \"area:x\", \"title\": \"X\"}", "type" },
		{ "{\"_id\": \"area:x\", \"type\": \"area\", \"title\": \"X\", \"colour\": \"b\"}", "colour" },
		{ "{\"_id\": \"fund:x\", \"type\": \"fund\", \"name\": \"A\", \"name\": \"B\"}", "name" },
		{ "{\"_id\": \"fund:x\", \"type\": \"fund\", \"type\": \"area\", \"name\": \"A\"}", "type" },
		{ "{\"type\": \"fund\", \"name\": \"A\"}", "_id" },
		{ "{\"_id\": 7, \"type\": \"fund\", \"name\": \"A\"}", "_id" },
		{ "{\"_id\": \"area:nordic\", \"type\": \"fund\", \"name\": \"A\"}", "area:nordic" },
		{ "{\"_id\": \"fund:a b\", \"type\": \"fund\", \"name\": \"A\"}", "fund:a b" },
		{ "{\"_id\": \"fund:\", \"type\": \"fund\", \"name\": \"A\"}", "fund:" },
		{ "{\"_id\": \"fund:x\", \"_rev\": 3, \"type\": \"fund\", \"name\": \"A\"}", "_rev" },
		{ "{\"_id\": \"fund:x\", \"type\": \"fund\", \"name\": \"A\","
		  " \"updated_at\": \"2012-01-01T10:00+01:00\"}", "updated_at" },
		{ "{\"_id\": \"fund:x\", \"type\": \"fund\", \"name\": \"A\", \"created_at\": \"soon\"}",
		  "created_at" },
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *doc = parse(bad[i].json);
		int rc = check(doc, &err);
		if (rc != -1 || !strstr(err, bad[i].named))
			print_error("%s: %s\n", bad[i].json, rc ? err : "accepted");
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, bad[i].named));
		cJSON_Delete(doc);
	}
	cJSON *good = parse("{\"_id\": \"fund:x\", \"_rev\": \"3-ab\", \"type\": \"fund\", \"name\": \"A\","
			    " \"created_at\": \"2012-01-01T09:00:00Z\", \"updated_at\": \"2012-01-02T09:00:00Z\","
			    " \"updated_by\": \"anna@kb-se\"}");
	assert_int_equal(check(good, &err), 0);
	cJSON_Delete(good);
	free(err);
}

/* Guards: record_check with err NULL refuses every bad shape and leaks no message (run under valgrind). */
static void test_check_err_null(void **state)
{
	(void)state;
	static const char *const bad[] = { "[1]", "{\"_id\": \"widget:1\", \"type\": \"widget\"}",
		"{\"_id\": \"fund:x\", \"type\": \"fund\"}", "{\"_id\": \"area:x\", \"type\": \"fund\"}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *doc = parse(bad[i]);
		assert_int_equal(record_check(doc, NULL, NULL, NULL), -1);
		cJSON_Delete(doc);
	}
}

/* Guards: a full record of each type passes; without any one required field it is refused, naming it. */
static void test_check_missing_required(void **state)
{
	(void)state;
	char *err = NULL;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		cJSON *full = full_record(t);
		if (check(full, &err))
			print_error("%s: %s\n", t->name, err);
		assert_int_equal(check(full, &err), 0);
		cJSON_Delete(full);
		for (size_t j = 0; j < t->nfields; j++) {
			if (!(t->fields[j].flags & FL_REQUIRED))
				continue;
			cJSON *doc = full_record(t);
			cJSON_DeleteItemFromObject(doc, t->fields[j].name);
			assert_int_equal(check(doc, &err), -1);
			assert_non_null(strstr(err, t->fields[j].name));
			cJSON_Delete(doc);
		}
	}
	free(err);
}

/* Guards: each field kind refuses values of the wrong JSON kind, control characters, bad UTF-8. */
static void test_check_wrong_json_kinds(void **state)
{
	(void)state;
	static const struct { const char *type, *field, *json; } bad[] = {
		{ "project", "title", "42" }, { "project", "description", "[\"a\"]" },
		{ "project", "start", "20120101" }, { "project", "status", "true" },
		{ "project", "help_wanted", "\"yes\"" }, { "project", "help_wanted", "1" },
		{ "area", "position", "1.5" }, { "area", "position", "\"3\"" },
		{ "area", "position", "1e300" }, { "fund", "url", "{}" },
		{ "person", "email", "7" }, { "person", "institution", "3" },
		{ "project", "areas", "\"area:x\"" }, { "project", "areas", "[3]" },
		{ "project", "areas", "[\"area:x\", \"area:x\"]" },
		{ "project", "areas", "[\"institution:x\"]" },
		{ "proposal", "votes", "[]" }, { "proposal", "votes", "{\"institution:x\": 2}" },
		{ "proposal", "votes", "{\"institution:x\": 0.5}" },
		{ "proposal", "votes", "{\"area:x\": 1}" }, { "proposal", "votes", "{\"institution:x\": \"1\"}" },
		{ "event", "start", "\"2012-01-01T10:00+01:00\"" },
		{ "event", "start", "\"2012-01-01T10:00Z\"" },
		{ "project", "title", "\"a\\u001b[2Jb\"" }, { "project", "title", "\"a\\nb\"" },
		{ "project", "title", "\"a\\rb\"" }, { "project", "title", "\"a\\u0085\"" },
		{ "project", "title", "\"a\\u2028\"" }, { "project", "title", "\"\xc3\"" },
		{ "project", "description", "\"a\\u001b]0;x\\u0007\"" },
	};
	char *err = NULL;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *doc = full_record(type_find(bad[i].type));
		cJSON_ReplaceItemInObject(doc, bad[i].field, parse(bad[i].json));
		int rc = check(doc, &err);
		if (!rc)
			print_error("accepted %s.%s = %s\n", bad[i].type, bad[i].field, bad[i].json);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, bad[i].field));
		cJSON_Delete(doc);
	}
	free(err);
}

/* Guards: a standing's id must be standing_id(area, institution) (prefixes optional), named when wrong. */
static void test_check_standing_id(void **state)
{
	(void)state;
	char *err = NULL;
	cJSON *doc = parse("{\"_id\": \"standing:web-access:kb-se\", \"type\": \"standing\","
			   " \"area\": \"area:web-access\", \"institution\": \"institution:kb-se\"}");
	assert_int_equal(check(doc, &err), 0);
	cJSON_ReplaceItemInObject(doc, "institution", cJSON_CreateString("institution:nb-no"));
	assert_int_equal(check(doc, &err), -1);
	char *want = standing_id("area:web-access", "institution:nb-no");
	assert_non_null(strstr(err, want));
	cJSON_ReplaceItemInObject(doc, "_id", cJSON_CreateString(want));
	assert_int_equal(check(doc, &err), 0);
	char *bare = standing_id("web-access", "nb-no");
	assert_string_equal(bare, want);
	assert_ptr_equal(type_of_id(bare), type_find("standing"));
	free(bare);
	free(want);
	free(err);
	cJSON_Delete(doc);
}

/* Guards: an end before its start is refused; the same day or later is fine. */
static void test_check_end_before_start(void **state)
{
	(void)state;
	char *err = NULL;
	cJSON *p = full_record(type_find("project"));
	cJSON_ReplaceItemInObject(p, "start", cJSON_CreateString("2012-05-01"));
	cJSON_ReplaceItemInObject(p, "end", cJSON_CreateString("2012-04-30"));
	assert_int_equal(check(p, &err), -1);
	assert_non_null(strstr(err, "end"));
	cJSON_ReplaceItemInObject(p, "end", cJSON_CreateString("2012-05-01"));
	assert_int_equal(check(p, &err), 0);
	cJSON *e = full_record(type_find("event"));
	cJSON_ReplaceItemInObject(e, "start", cJSON_CreateString("2012-05-01T10:00:00Z"));
	cJSON_ReplaceItemInObject(e, "end", cJSON_CreateString("2012-05-01T09:59:59Z"));
	assert_int_equal(check(e, &err), -1);
	cJSON_ReplaceItemInObject(e, "end", cJSON_CreateString("2012-05-01T12:00:00Z"));
	assert_int_equal(check(e, &err), 0);
	cJSON_ReplaceItemInObject(e, "end", cJSON_CreateString("2012-05-01"));	/* the whole day */
	assert_int_equal(check(e, &err), 0);
	cJSON_ReplaceItemInObject(e, "end", cJSON_CreateString("2012-04-30"));
	assert_int_equal(check(e, &err), -1);
	free(err);
	cJSON_Delete(p);
	cJSON_Delete(e);
}

/* Guards: a record of exactly RECORD_MAX_BYTES passes, one byte more is refused. */
static void test_check_size_limit(void **state)
{
	(void)state;
	char *err = NULL;
	cJSON *doc = full_record(type_find("project"));
	cJSON_ReplaceItemInObject(doc, "description", cJSON_CreateString(""));
	char *printed = cJSON_PrintUnformatted(doc);
	size_t room = RECORD_MAX_BYTES - strlen(printed);
	free(printed);
	char *text = xmalloc(room + 2);
	memset(text, 'x', room + 1);
	text[room] = '\0';
	cJSON_ReplaceItemInObject(doc, "description", cJSON_CreateString(text));
	assert_int_equal(check(doc, &err), 0);
	text[room] = 'x';
	text[room + 1] = '\0';
	cJSON_ReplaceItemInObject(doc, "description", cJSON_CreateString(text));
	assert_int_equal(check(doc, &err), -1);
	assert_non_null(strstr(err, "1 MB"));
	free(text);
	free(err);
	cJSON_Delete(doc);
}

/* The records a fake cache holds, and the questions record_check asked it. */
struct fake_refs {
	const char *const *ids;
	int calls, wrong_type;
};

static bool fake_exists(void *ctx, const char *id, const char *type)
{
	struct fake_refs *f = ctx;
	f->calls++;
	const struct type_def *t = type_of_id(id);
	if (!t || strcmp(t->name, type))
		f->wrong_type++;
	for (int i = 0; f->ids[i]; i++)
		if (!strcmp(f->ids[i], id))
			return true;
	return false;
}

/* Guards: every ref, list item and vote key is asked about with its type; a missing one is named. */
static void test_check_ref_exists(void **state)
{
	(void)state;
	static const char *const ids[] = { "area:web-access", "institution:kb-se",
		"institution:nb-no", "event:e1", NULL };
	struct fake_refs f = { .ids = ids };
	char *err = NULL;
	cJSON *doc = parse("{\"_id\": \"proposal:p1\", \"type\": \"proposal\", \"title\": \"T\","
		" \"status\": \"new\", \"area\": \"area:web-access\", \"institution\": \"institution:kb-se\","
		" \"event\": \"event:e1\", \"votes\": {\"institution:kb-se\": 1, \"institution:nb-no\": 0}}");
	assert_int_equal(record_check(doc, fake_exists, &f, &err), 0);
	assert_int_equal(f.calls, 5);
	assert_int_equal(f.wrong_type, 0);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "votes"), "institution:nb-no",
				  cJSON_CreateNumber(-1));
	cJSON_AddNumberToObject(cJSON_GetObjectItem(doc, "votes"), "institution:kb-dk", 1);
	assert_int_equal(record_check(doc, fake_exists, &f, &err), -1);
	assert_non_null(strstr(err, "institution:kb-dk"));
	assert_int_equal(check(doc, &err), 0);
	cJSON *p = parse("{\"_id\": \"project:x\", \"type\": \"project\", \"title\": \"T\","
		" \"status\": \"idea\", \"areas\": [\"area:web-access\", \"area:gone\"]}");
	assert_int_equal(record_check(p, fake_exists, &f, &err), -1);
	assert_non_null(strstr(err, "area:gone"));
	assert_int_equal(f.wrong_type, 0);
	free(err);
	cJSON_Delete(doc);
	cJSON_Delete(p);
}

/* Guards: the example record of DESIGN.md section 3 ("end": null, a _rev) is accepted. */
static void test_check_design_example(void **state)
{
	(void)state;
	cJSON *doc = parse("{\"_id\": \"project:5f0c2b9e4a7d41c3a0f3c8d2e1b7a6f4\", \"_rev\": \"3-1a2b\","
		" \"type\": \"project\", \"title\": \"Shared web archive index\", \"status\": \"ongoing\","
		" \"areas\": [\"area:web-access\"], \"institutions\": [\"institution:kb-se\","
		" \"institution:kb-dk\"], \"start\": \"2012-01-01\", \"end\": null,"
		" \"description\": \"...\", \"updated_at\": \"2026-11-24T08:00:00Z\","
		" \"updated_by\": \"anna@kb-se\"}");
	char *err = NULL;
	int rc = check(doc, &err);
	if (rc)
		print_error("%s\n", err);
	free(err);
	cJSON_Delete(doc);
	assert_int_equal(rc, 0);
}

/* Guards: record_normalize stores date-times in UTC and names a field it cannot read. */
static void test_record_normalize(void **state)
{
	(void)state;
	char *err = NULL;
	cJSON *doc = parse("{\"_id\": \"event:n\", \"type\": \"event\", \"title\": \"10:00+02:00\","
		" \"kind\": \"meeting\", \"start\": \"2012-06-01T10:00+02:00\", \"end\": \"2012-06-02\"}");
	assert_int_equal(check(doc, &err), -1);
	assert_int_equal(record_normalize(doc, &err), 0);
	assert_string_equal(str_member(doc, "start"), "2012-06-01T08:00:00Z");
	assert_string_equal(str_member(doc, "end"), "2012-06-02");
	assert_string_equal(str_member(doc, "title"), "10:00+02:00");
	assert_int_equal(check(doc, &err), 0);
	cJSON_ReplaceItemInObject(doc, "end", cJSON_CreateString("2012-06-31"));
	assert_int_equal(record_normalize(doc, &err), -1);
	assert_non_null(strstr(err, "end"));
	assert_non_null(strstr(err, "event:n"));
	free(err);
	cJSON_Delete(doc);
}

/* Guards: the label joins title fields with " / " (refs by key) and falls back on the id. */
static void test_record_label(void **state)
{
	(void)state;
	cJSON *s = parse("{\"_id\": \"standing:web-access:kb-se\", \"type\": \"standing\","
			 " \"area\": \"area:web-access\", \"institution\": \"institution:kb-se\"}");
	cJSON *i = parse("{\"_id\": \"institution:nb-no\", \"type\": \"institution\","
			 " \"code\": \"nb-no\", \"name\": \"Nasjonalbiblioteket\"}");
	cJSON *e = parse("{\"_id\": \"area:empty\", \"type\": \"area\"}");
	char *ls = record_label(s), *li = record_label(i), *le = record_label(e);
	assert_string_equal(ls, "web-access / kb-se");
	assert_string_equal(li, "Nasjonalbiblioteket");
	assert_string_equal(le, "area:empty");
	free(ls);
	free(li);
	free(le);
	cJSON_Delete(s);
	cJSON_Delete(i);
	cJSON_Delete(e);
}

/* Guards: the short name is the code after its last '-', upper-cased, at
 * most three letters or digits (the id's key without a code); none for a
 * type without a FL_SHORT field or a code with nothing usable. */
static void test_record_short_label(void **state)
{
	(void)state;
	static const struct { const char *json, *want; } cases[] = {
		{ "{\"_id\": \"institution:x1\", \"type\": \"institution\", \"code\": \"kb-dk\"}", "DK" },
		{ "{\"_id\": \"institution:x2\", \"type\": \"institution\", \"code\": \"lbs-is\"}", "IS" },
		{ "{\"_id\": \"institution:x3\", \"type\": \"institution\", \"code\": \"bl\"}", "BL" },
		{ "{\"_id\": \"institution:x4\", \"type\": \"institution\", \"code\": \"nat-abcdef\"}",
		  "ABC" },
		{ "{\"_id\": \"institution:x5\", \"type\": \"institution\", \"code\": \"kb-\"}", "KB" },
		{ "{\"_id\": \"institution:nb-no\", \"type\": \"institution\"}", "NO" },
		{ "{\"_id\": \"institution:x6\", \"type\": \"institution\", \"code\": \"þjóð\"}", NULL },
		{ "{\"_id\": \"area:metadata\", \"type\": \"area\", \"title\": \"Metadata\"}", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *doc = parse(cases[i].json);
		char *got = record_short_label(doc);
		if (cases[i].want) {
			assert_non_null(got);
			assert_string_equal(got, cases[i].want);
		} else {
			assert_null(got);
		}
		free(got);
		cJSON_Delete(doc);
	}
}

/* Guards: every field's text reads back into the same value (command line round trip). */
static void test_field_text_round_trip(void **state)
{
	(void)state;
	char *err = NULL;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		cJSON *doc = full_record(t);
		cJSON *copy = cJSON_Duplicate(doc, 1);
		for (size_t j = 0; j < t->nfields; j++) {
			char *text = record_field_text(doc, &t->fields[j]);
			assert_true(strlen(text) > 0);
			assert_int_equal(record_set(copy, t->fields[j].name, text, &err), 0);
			free(text);
		}
		assert_true(cJSON_Compare(doc, copy, 1));
		cJSON_DeleteItemFromObject(doc, t->fields[0].name);
		char *none = record_field_text(doc, &t->fields[0]);
		assert_string_equal(none, "");
		free(none);
		cJSON_Delete(doc);
		cJSON_Delete(copy);
	}
	free(err);
}

/* Guards: search text holds the id, searchable fields and references, not other fields. */
static void test_record_search_text(void **state)
{
	(void)state;
	cJSON *doc = parse("{\"_id\": \"person:p7\", \"type\": \"person\", \"name\": \"Guðrún Ægisdóttir\","
		" \"institution\": \"institution:lbs-is\", \"role\": \"Head of IT\","
		" \"email\": \"gudrun@landsbokasafn.is\"}");
	cJSON *inst = parse("{\"_id\": \"institution:x\", \"type\": \"institution\", \"code\": \"x\","
		" \"name\": \"N\", \"country\": \"C\", \"url\": \"https://hidden-marker.example/\"}");
	char *s = record_search_text(doc), *si = record_search_text(inst);
	static const char *const want[] = { "person:p7", "Guðrún Ægisdóttir", "institution:lbs-is",
		"Head of IT", "gudrun@landsbokasafn.is" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_non_null(strstr(s, want[i]));
	assert_null(strstr(si, "hidden-marker"));
	free(s);
	free(si);
	cJSON_Delete(doc);
	cJSON_Delete(inst);
}

/* Guards: record_set and record_normalize refuse a bad date-time when err is NULL, without crashing. */
static void test_err_null_on_bad_when(void **state)
{
	(void)state;
	cJSON *doc = record_new(type_find("event"));
	assert_int_equal(record_set(doc, "start", "2012-06-01T10:00Z", NULL), 0);
	assert_int_equal(record_set(doc, "title", "two\nlines", NULL), -1);
	cJSON_ReplaceItemInObject(doc, "start", cJSON_CreateString("2012-06-01T25:00Z"));
	int normalized = record_normalize(doc, NULL);
	int set = record_set(doc, "end", "not a date", NULL);
	cJSON_Delete(doc);
	assert_int_equal(normalized, -1);
	assert_int_equal(set, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_new),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_set_every_kind),
		cmocka_unit_test(test_set_refuses_bad_text),
		cmocka_unit_test(test_set_votes_duplicate_refused),
		cmocka_unit_test(test_set_empty_and_required),
		cmocka_unit_test(test_set_unknown_field),
		cmocka_unit_test(test_check_structure),
		cmocka_unit_test(test_check_err_null),
		cmocka_unit_test(test_check_missing_required),
		cmocka_unit_test(test_check_wrong_json_kinds),
		cmocka_unit_test(test_check_standing_id),
		cmocka_unit_test(test_check_end_before_start),
		cmocka_unit_test(test_check_size_limit),
		cmocka_unit_test(test_check_ref_exists),
		cmocka_unit_test(test_check_design_example),
		cmocka_unit_test(test_record_normalize),
		cmocka_unit_test(test_record_label),
		cmocka_unit_test(test_record_short_label),
		cmocka_unit_test(test_field_text_round_trip),
		cmocka_unit_test(test_record_search_text),
		/* Last: it crashes while the code dereferences a NULL err. */
		cmocka_unit_test(test_err_null_on_bad_when),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
