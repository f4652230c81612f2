/*
 * The endpoint's validation (see validate_js.h): data/validate.js with the
 * declarations of the field tables written where it says so.
 */
#include "validate_js.h"
#include "record.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern const char noron_validate_js[];	/* data/validate.js, built in */

#define TABLES_MARK "/* @tables@ */"

/* The names data/validate.js knows the field kinds by. */
static const char *const kind_ids[] = {
	[FIELD_TEXT] = "text", [FIELD_LONGTEXT] = "longtext", [FIELD_DATE] = "date",
	[FIELD_WHEN] = "when", [FIELD_ENUM] = "enum", [FIELD_BOOL] = "bool",
	[FIELD_INT] = "int", [FIELD_URL] = "url", [FIELD_EMAIL] = "email",
	[FIELD_REF] = "ref", [FIELD_REFLIST] = "reflist", [FIELD_VOTES] = "votes",
};
#define KIND_COUNT (sizeof kind_ids / sizeof kind_ids[0])

static cJSON *strings_json(const char *const *list)
{
	cJSON *a = cJSON_CreateArray();
	for (int i = 0; list[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(list[i]));
	return a;
}

static cJSON *field_json(const struct field_def *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind_ids[f->kind]);
	if (f->flags & FL_REQUIRED)
		cJSON_AddTrueToObject(o, "required");
	if (f->ref)
		cJSON_AddStringToObject(o, "ref", f->ref);
	if (f->choices)
		cJSON_AddItemToObject(o, "choices", strings_json(f->choices));
	return o;
}

/* { type: { field: { kind, required, ref, choices } } } */
static cJSON *types_json(void)
{
	cJSON *types = cJSON_CreateObject();
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		cJSON *fields = cJSON_AddObjectToObject(types, t->name);
		for (size_t j = 0; j < t->nfields; j++)
			cJSON_AddItemToObject(fields, t->fields[j].name, field_json(&t->fields[j]));
	}
	return types;
}

/* { kind: its name in messages } */
static cJSON *kinds_json(void)
{
	cJSON *kinds = cJSON_CreateObject();
	for (size_t k = 0; k < KIND_COUNT; k++)
		cJSON_AddStringToObject(kinds, kind_ids[k], field_kind_name((enum field_kind)k));
	return kinds;
}

static void add_decl(struct buf *b, const char *name, cJSON *value)
{
	char *s = cJSON_PrintUnformatted(value);
	buf_printf(b, "var %s = %s;\n\t", name, s);
	free(s);
	cJSON_Delete(value);
}

char *validate_js(void)
{
	const char *mark = strstr(noron_validate_js, TABLES_MARK);
	struct buf b = { 0 };
	buf_add(&b, noron_validate_js, mark ? (size_t)(mark - noron_validate_js) : 0);
	buf_puts(&b, "/* Generated from noron's field tables. */\n\t");
	add_decl(&b, "types", types_json());
	add_decl(&b, "kindNames", kinds_json());
	add_decl(&b, "meta", strings_json(record_meta_names));
	const char *const admins[] = { "_admin", VALIDATE_ADMIN_ROLE, NULL };
	add_decl(&b, "adminRoles", strings_json(admins));
	add_decl(&b, "instPrefix", cJSON_CreateString(VALIDATE_INST_PREFIX));
	buf_printf(&b, "var maxBytes = %d, intMin = %d, intMax = %d;", RECORD_MAX_BYTES,
		   INT_MIN, INT_MAX);
	buf_puts(&b, mark ? mark + strlen(TABLES_MARK) : noron_validate_js);
	return buf_take(&b);
}

cJSON *validate_design_doc(void)
{
	char *js = validate_js();
	char *digest = text_digest(js);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "_id", VALIDATE_DDOC_ID);
	cJSON_AddStringToObject(d, "language", "javascript");
	cJSON_AddStringToObject(d, "validate_doc_update", js);
	cJSON_AddStringToObject(d, VALIDATE_DIGEST_KEY, digest);
	free(js);
	free(digest);
	return d;
}

static const char *member(const cJSON *doc, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum validate_state validate_design_state(const cJSON *remote, const cJSON *ours)
{
	const char *digest = member(remote, VALIDATE_DIGEST_KEY);
	const char *text = member(remote, "validate_doc_update");
	if (!digest || !text)
		return VALIDATE_FOREIGN;
	if (strcmp(digest, member(ours, VALIDATE_DIGEST_KEY)))
		return VALIDATE_OUTDATED;
	char *own = text_digest(text);
	bool same = !strcmp(own, digest) && !strcmp(text, member(ours, "validate_doc_update"));
	free(own);
	return same ? VALIDATE_CURRENT : VALIDATE_EDITED;
}
