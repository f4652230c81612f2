/*
 * Unit tests of the field tables (model/fields.c): every type of DESIGN.md
 * section 3 is there, and every field is described in a way the rest of
 * noron (validation, listings, the command line) can rely on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "record.h"

/* The nine types of DESIGN.md section 3. */
static const char *const design_types[] = {
	"institution", "area", "standing", "person", "skill",
	"project", "event", "proposal", "fund",
};
#define NDESIGN (sizeof design_types / sizeof design_types[0])

static const enum field_kind all_kinds[] = {
	FIELD_TEXT, FIELD_LONGTEXT, FIELD_DATE, FIELD_WHEN, FIELD_ENUM, FIELD_BOOL,
	FIELD_INT, FIELD_URL, FIELD_EMAIL, FIELD_REF, FIELD_REFLIST, FIELD_VOTES,
};
#define NKINDS (sizeof all_kinds / sizeof all_kinds[0])

static bool is_ref_kind(enum field_kind k)
{
	return k == FIELD_REF || k == FIELD_REFLIST || k == FIELD_VOTES;
}

/* Guards: each design type is found by name and is the table's own entry. */
static void test_every_design_type_found(void **state)
{
	(void)state;
	for (size_t i = 0; i < NDESIGN; i++) {
		const struct type_def *t = type_find(design_types[i]);
		assert_non_null(t);
		assert_string_equal(t->name, design_types[i]);
		bool listed = false;
		for (size_t j = 0; j < record_type_count; j++)
			listed |= record_types[j] == t;
		assert_true(listed);
	}
	assert_int_equal(record_type_count, NDESIGN);
}

/* Guards: type_find refuses near misses instead of matching a prefix. */
static void test_type_find_unknown(void **state)
{
	(void)state;
	assert_null(type_find("nosuch"));
	assert_null(type_find(""));
	assert_null(type_find("are"));
	assert_null(type_find("areas"));
	assert_null(type_find("Area"));
}

/* Guards: record_types has no duplicate and every entry has a plural, help and sort. */
static void test_types_distinct_and_described(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		assert_non_null(t->plural);
		assert_true(strlen(t->plural) > 0);
		assert_non_null(t->sort);
		assert_non_null(t->help);
		assert_true(t->nfields > 0);
		assert_ptr_equal(type_find(t->name), t);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(record_types[j]->name, t->name);
			assert_string_not_equal(record_types[j]->plural, t->plural);
		}
	}
}

/* Guards: field names are unique per type, found by field_find, and never a meta member. */
static void test_field_names_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			assert_non_null(f->name);
			assert_ptr_equal(field_find(t, f->name), f);
			assert_false(record_meta_member(f->name));
			for (size_t k = 0; k < j; k++)
				assert_string_not_equal(t->fields[k].name, f->name);
		}
		assert_null(field_find(t, "nosuch"));
		assert_null(field_find(t, "_id"));
	}
}

/* Guards: enum fields carry at least two distinct choices, other kinds none. */
static void test_enum_fields_have_choices(void **state)
{
	(void)state;
	int enums = 0;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			if (f->kind != FIELD_ENUM) {
				assert_null(f->choices);
				continue;
			}
			enums++;
			assert_non_null(f->choices);
			int n = 0;
			for (; f->choices[n]; n++) {
				assert_true(strlen(f->choices[n]) > 0);
				assert_null(strchr(f->choices[n], ' '));
				for (int k = 0; k < n; k++)
					assert_string_not_equal(f->choices[k], f->choices[n]);
			}
			assert_true(n >= 2);
		}
	}
	assert_true(enums > 0);
}

/* Guards: ref, reflist and votes fields name an existing type, other kinds no type. */
static void test_ref_fields_name_a_type(void **state)
{
	(void)state;
	int refs = 0;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			if (!is_ref_kind(f->kind)) {
				assert_null(f->ref);
				continue;
			}
			refs++;
			assert_non_null(f->ref);
			assert_non_null(type_find(f->ref));
		}
	}
	assert_true(refs > 0);
}

/* Guards: references the design names point at the right type. */
static void test_design_references(void **state)
{
	(void)state;
	static const struct { const char *type, *field, *ref; enum field_kind kind; } want[] = {
		{ "area", "parent", "area", FIELD_REF },
		{ "standing", "area", "area", FIELD_REF },
		{ "standing", "institution", "institution", FIELD_REF },
		{ "person", "institution", "institution", FIELD_REF },
		{ "skill", "person", "person", FIELD_REF },
		{ "project", "areas", "area", FIELD_REFLIST },
		{ "project", "institutions", "institution", FIELD_REFLIST },
		{ "event", "areas", "area", FIELD_REFLIST },
		{ "proposal", "votes", "institution", FIELD_VOTES },
		{ "proposal", "event", "event", FIELD_REF },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct field_def *f = field_find(type_find(want[i].type), want[i].field);
		assert_non_null(f);
		assert_int_equal(f->kind, want[i].kind);
		assert_string_equal(f->ref, want[i].ref);
	}
}

/* Guards: each type names its records (a title field) and shows at least one column. */
static void test_title_and_list_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		int titles = 0, columns = 0;
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			titles += !!(f->flags & FL_TITLE);
			if (f->flags & FL_LIST) {
				columns++;
				assert_true(f->width > 0);
			}
			if (f->flags & FL_TITLE)
				assert_true(f->kind == FIELD_TEXT || f->kind == FIELD_REF);
		}
		assert_true(titles >= 1);
		assert_true(columns >= 1);
		const struct field_def *tf = type_title_field(t);
		assert_non_null(tf);
		assert_true(tf->flags & FL_TITLE);
		assert_ptr_equal(field_find(t, tf->name), tf);
	}
}

/* Guards: a FL_BRIEF field refers to a type that has a short name (a
 * FL_SHORT text field); at most one FL_SHORT field per type. */
static void test_brief_refers_to_short(void **state)
{
	(void)state;
	int briefs = 0;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		int shorts = 0;
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			if (f->flags & FL_SHORT) {
				shorts++;
				assert_int_equal(f->kind, FIELD_TEXT);
			}
			if (!(f->flags & FL_BRIEF))
				continue;
			briefs++;
			assert_true(f->kind == FIELD_REF || f->kind == FIELD_REFLIST);
			const struct type_def *target = type_find(f->ref);
			assert_non_null(target);
			int target_shorts = 0;
			for (size_t k = 0; k < target->nfields; k++)
				target_shorts += !!(target->fields[k].flags & FL_SHORT);
			assert_int_equal(target_shorts, 1);
		}
		assert_true(shorts <= 1);
	}
	assert_true(briefs >= 2);	/* a skill's institution, a project's institutions */
}

/* Guards: each type has a required field, and a title field is required. */
static void test_required_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		int required = 0;
		for (size_t j = 0; j < t->nfields; j++)
			required += !!(t->fields[j].flags & FL_REQUIRED);
		assert_true(required >= 1);
		assert_true(type_title_field(t)->flags & FL_REQUIRED);
	}
	/* What the design makes a record of each type. */
	assert_true(field_find(type_find("standing"), "area")->flags & FL_REQUIRED);
	assert_true(field_find(type_find("standing"), "institution")->flags & FL_REQUIRED);
	assert_true(field_find(type_find("event"), "start")->flags & FL_REQUIRED);
	assert_false(field_find(type_find("event"), "end")->flags & FL_REQUIRED);
	assert_false(field_find(type_find("area"), "parent")->flags & FL_REQUIRED);
}

/* Guards: initial values are valid for their field (an enum's init is one of its choices). */
static void test_init_values_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			if (f->init && f->kind == FIELD_ENUM)
				assert_true(enum_index(f, f->init) >= 0);
		}
	}
}

/* Guards: a type's sort expression reads only its own fields or meta members. */
static void test_sort_uses_known_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		int seen = 0;
		for (const char *p = strstr(t->sort, "'$."); p; p = strstr(p + 1, "'$.")) {
			const char *name = p + 3;
			size_t n = strcspn(name, "'");
			char *field = strndup(name, n);
			bool known = field_find(t, field) || record_meta_member(field);
			free(field);
			assert_true(known);
			seen++;
		}
		assert_true(seen >= 1);
	}
}

/* Guards: type_of_id reads the prefix before the first colon, whole. */
static void test_type_of_id(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		char id[64];
		snprintf(id, sizeof id, "%s:key", record_types[i]->name);
		assert_ptr_equal(type_of_id(id), record_types[i]);
	}
	assert_ptr_equal(type_of_id("standing:web-access:kb-se"), type_find("standing"));
	assert_ptr_equal(type_of_id("area:"), type_find("area"));
	assert_null(type_of_id("area"));
	assert_null(type_of_id("areas:x"));
	assert_null(type_of_id("are:x"));
	assert_null(type_of_id(":x"));
	assert_null(type_of_id(""));
	assert_null(type_of_id("web-access"));
}

/* Guards: enum_index gives each choice's position, -1 for others and for non-enums. */
static void test_enum_index(void **state)
{
	(void)state;
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		for (size_t j = 0; j < t->nfields; j++) {
			const struct field_def *f = &t->fields[j];
			if (f->kind != FIELD_ENUM)
				continue;
			for (int k = 0; f->choices[k]; k++)
				assert_int_equal(enum_index(f, f->choices[k]), k);
			assert_int_equal(enum_index(f, "nosuch"), -1);
			assert_int_equal(enum_index(f, ""), -1);
		}
	}
	const struct field_def *status = field_find(type_find("project"), "status");
	assert_int_equal(enum_index(status, "Ongoing"), -1);
	assert_int_equal(enum_index(status, "ongoin"), -1);
	assert_int_equal(enum_index(field_find(type_find("project"), "title"), "ongoing"), -1);
}

/* Guards: every kind has its own non-empty name for messages. */
static void test_field_kind_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NKINDS; i++) {
		const char *n = field_kind_name(all_kinds[i]);
		assert_non_null(n);
		assert_true(strlen(n) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(field_kind_name(all_kinds[j]), n);
	}
}

/* Guards: every field kind is used by some type (no dead kind in the tables). */
static void test_every_kind_used(void **state)
{
	(void)state;
	for (size_t k = 0; k < NKINDS; k++) {
		bool used = false;
		for (size_t i = 0; i < record_type_count && !used; i++)
			for (size_t j = 0; j < record_types[i]->nfields; j++)
				used |= record_types[i]->fields[j].kind == all_kinds[k];
		assert_true(used);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_design_type_found),
		cmocka_unit_test(test_type_find_unknown),
		cmocka_unit_test(test_types_distinct_and_described),
		cmocka_unit_test(test_field_names_unique),
		cmocka_unit_test(test_enum_fields_have_choices),
		cmocka_unit_test(test_ref_fields_name_a_type),
		cmocka_unit_test(test_design_references),
		cmocka_unit_test(test_title_and_list_columns),
		cmocka_unit_test(test_brief_refers_to_short),
		cmocka_unit_test(test_required_fields),
		cmocka_unit_test(test_init_values_valid),
		cmocka_unit_test(test_sort_uses_known_fields),
		cmocka_unit_test(test_type_of_id),
		cmocka_unit_test(test_enum_index),
		cmocka_unit_test(test_field_kind_names),
		cmocka_unit_test(test_every_kind_used),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
