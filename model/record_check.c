/*
 * Validation of records against their field table, and reading a field's
 * value from command-line text (see record.h). Both go through one check
 * per field kind, so a value typed on the command line and a value in an
 * imported file are held to the same rules.
 */
#include "record.h"
#include "dates.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool is_int(const cJSON *v, int lo, int hi)
{
	return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi
		&& v->valuedouble == (double)(long long)v->valuedouble;
}

static bool when_stored(const char *s)
{
	if (date_valid(s))
		return true;
	char *n = when_normalize(s, NULL);
	bool ok = n && !strcmp(n, s);
	free(n);
	return ok;
}

static bool url_ok(const char *s)
{
	return (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) && !strchr(s, ' ')
		&& strlen(s) > 8 && text_is_clean(s, false);
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && strchr(at, '.') && !strchr(s, ' ') && !strchr(at + 1, '@')
		&& at[strlen(at) - 1] != '.' && text_is_clean(s, false);
}

static int check_ref(const struct field_def *f, const char *id, char **err)
{
	const struct type_def *t = type_of_id(id);
	if (!id_valid(id) || !t || strcmp(t->name, f->ref))
		return err_set(err, "field '%s': '%s' is not the id of %s %s", f->name, id,
			       strchr("aeiou", f->ref[0]) ? "an" : "a", f->ref);
	return 0;
}

static int check_list(const struct field_def *f, const cJSON *v, char **err)
{
	if (!cJSON_IsArray(v))
		return err_set(err, "field '%s' must be a list of %s ids", f->name, f->ref);
	for (const cJSON *a = v->child; a; a = a->next) {
		if (!cJSON_IsString(a))
			return err_set(err, "field '%s' must be a list of %s ids", f->name, f->ref);
		if (check_ref(f, a->valuestring, err))
			return -1;
		for (const cJSON *b = v->child; b != a; b = b->next)
			if (!strcmp(a->valuestring, b->valuestring))
				return err_set(err, "field '%s': '%s' is listed twice", f->name,
					       a->valuestring);
	}
	return 0;
}

static int check_votes(const struct field_def *f, const cJSON *v, char **err)
{
	if (!cJSON_IsObject(v))
		return err_set(err, "field '%s' must map %s ids to -1, 0 or 1", f->name, f->ref);
	for (const cJSON *a = v->child; a; a = a->next) {
		if (check_ref(f, a->string, err))
			return -1;
		for (const cJSON *b = v->child; b != a; b = b->next)
			if (!strcmp(a->string, b->string))
				return err_set(err, "field '%s': %s votes twice", f->name, a->string);
		if (!is_int(a, -1, 1))
			return err_set(err, "field '%s': the vote of %s must be -1, 0 or 1",
				       f->name, a->string);
	}
	return 0;
}

static int check_string(const struct field_def *f, const char *s, char **err)
{
	switch (f->kind) {
	case FIELD_TEXT:
		return text_is_clean(s, false) ? 0 : err_set(err,
			"field '%s' must be one line of UTF-8 text without control characters", f->name);
	case FIELD_LONGTEXT:
		return text_is_clean(s, true) ? 0 : err_set(err,
			"field '%s' must be UTF-8 text without control characters", f->name);
	case FIELD_DATE:
		return date_valid(s) ? 0 : err_set(err,
			"field '%s': '%s' is not a valid date (YYYY-MM-DD)", f->name, s);
	case FIELD_WHEN:
		return when_stored(s) ? 0 : err_set(err, "field '%s': '%s' is not a valid date "
			"(YYYY-MM-DD) or UTC date-time (YYYY-MM-DDTHH:MM:SSZ)", f->name, s);
	case FIELD_URL:
		return url_ok(s) ? 0 : err_set(err,
			"field '%s': '%s' is not an http:// or https:// address", f->name, s);
	case FIELD_EMAIL:
		return email_ok(s) ? 0 : err_set(err,
			"field '%s': '%s' is not an email address", f->name, s);
	case FIELD_REF:
		return check_ref(f, s, err);
	case FIELD_ENUM:
		if (enum_index(f, s) >= 0)
			return 0;
		struct buf b = { 0 };
		for (int i = 0; f->choices[i]; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", f->choices[i]);
		err_set(err, "field '%s': '%s' is not one of %s", f->name, s, b.s);
		free(b.s);
		return -1;
	default:
		return -1;
	}
}

/* Checks one value of field f, of any kind. */
static int check_value(const struct field_def *f, const cJSON *v, char **err)
{
	switch (f->kind) {
	case FIELD_BOOL:
		return cJSON_IsBool(v) ? 0 : err_set(err, "field '%s' must be yes or no (true or "
						       "false in JSON)", f->name);
	case FIELD_INT:
		return is_int(v, INT_MIN, INT_MAX) ? 0
			: err_set(err, "field '%s' must be a whole number", f->name);
	case FIELD_REFLIST:
		return check_list(f, v, err);
	case FIELD_VOTES:
		return check_votes(f, v, err);
	default:
		if (!cJSON_IsString(v))
			return f->kind == FIELD_TEXT
				? err_set(err, "field '%s' must be text", f->name)
				: err_set(err, "field '%s' must be %s, as text", f->name,
					  field_kind_name(f->kind));
		return check_string(f, v->valuestring, err);
	}
}

static int check_refs_exist(const struct field_def *f, const cJSON *v,
			    ref_exists_fn exists, void *ctx, char **err)
{
	if (f->kind == FIELD_REF && !exists(ctx, v->valuestring, f->ref))
		return err_set(err, "field '%s': no %s '%s'", f->name, f->ref, v->valuestring);
	for (const cJSON *a = f->kind == FIELD_REFLIST || f->kind == FIELD_VOTES ? v->child : NULL;
	     a; a = a->next) {
		const char *id = f->kind == FIELD_VOTES ? a->string : a->valuestring;
		if (!exists(ctx, id, f->ref))
			return err_set(err, "field '%s': no %s '%s'", f->name, f->ref, id);
	}
	return 0;
}

static int check_meta(const cJSON *doc, const struct type_def *t, char **err)
{
	const char *id = record_id(doc);
	if (!id)
		return err_set(err, "record without an _id");
	if (!id_valid(id) || type_of_id(id) != t)
		return err_set(err, "%s: the id must be \"%s:\" and a key of printable characters "
			       "without spaces, quotes, slashes or backslashes", id, t->name);
	for (const cJSON *m = doc->child; m; m = m->next) {
		if (!record_meta_member(m->string))
			continue;
		if (!cJSON_IsString(m))
			return err_set(err, "%s: '%s' must be text", id, m->string);
		if ((!strcmp(m->string, "created_at") || !strcmp(m->string, "updated_at"))
		    && !when_stored(m->valuestring))
			return err_set(err, "%s: '%s' must be a UTC date-time", id, m->string);
	}
	return 0;
}

static int check_standing(const cJSON *doc, char **err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "area");
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(doc, "institution");
	if (!cJSON_IsString(a) || !cJSON_IsString(i))
		return 0;
	char *want = standing_id(a->valuestring, i->valuestring);
	int rc = strcmp(want, record_id(doc)) ? err_set(err, "%s: a standing of this area and "
		"institution must have the id %s", record_id(doc), want) : 0;
	free(want);
	return rc;
}

static int check_order(const cJSON *doc, const char *id, char **err)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "start");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "end");
	/* A date-only end means the whole day: compare the days then. */
	size_t n = cJSON_IsString(s) && cJSON_IsString(e) && (strlen(s->valuestring) == 10
		|| strlen(e->valuestring) == 10) ? 10 : (size_t)-1;
	if (cJSON_IsString(s) && cJSON_IsString(e) && strncmp(e->valuestring, s->valuestring, n) < 0)
		return err_set(err, "%s: field 'end' (%s) is before 'start' (%s)", id,
			       e->valuestring, s->valuestring);
	return 0;
}

static int check_fields(const cJSON *doc, const struct type_def *t, const char *id,
			ref_exists_fn exists, void *ctx, char **err)
{
	for (const cJSON *m = doc->child; m; m = m->next) {
		for (const cJSON *o = doc->child; o != m; o = o->next)
			if (!strcmp(o->string, m->string))
				return err_set(err, "%s: field '%s' appears twice", id, m->string);
		if (record_meta_member(m->string))
			continue;
		const struct field_def *f = field_find(t, m->string);
		if (!f)
			return err_set(err, "%s: unknown field '%s' for type %s", id, m->string,
				       t->name);
		if (cJSON_IsNull(m))
			continue;	/* null: no value, as if the field were absent */
		if (check_value(f, m, err) || (exists && check_refs_exist(f, m, exists, ctx, err))) {
			char *inner = *err;
			*err = NULL;
			err_set(err, "%s: %s", id, inner);
			free(inner);
			return -1;
		}
	}
	for (size_t i = 0; i < t->nfields; i++)
		if ((t->fields[i].flags & FL_REQUIRED)
		    && (!cJSON_GetObjectItemCaseSensitive(doc, t->fields[i].name)
			|| cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc, t->fields[i].name))))
			return err_set(err, "%s: required field '%s' is missing", id,
				       t->fields[i].name);
	return 0;
}

int record_check(const cJSON *doc, ref_exists_fn exists, void *ctx, char **err)
{
	char *scratch = NULL;
	if (!err)
		err = &scratch;
	const struct type_def *t = record_type(doc);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
	int rc = 0;
	if (!cJSON_IsObject(doc))
		rc = err_set(err, "a record must be a JSON object");
	else if (!t)
		rc = err_set(err, "%s: unknown record type '%s'", record_id(doc) ? record_id(doc)
			     : "record", cJSON_IsString(type) ? type->valuestring : "(none)");
	if (!rc)
		rc = check_meta(doc, t, err);
	if (!rc)
		rc = check_fields(doc, t, record_id(doc), exists, ctx, err);
	if (!rc)
		rc = check_order(doc, record_id(doc), err);
	if (!rc && !strcmp(t->name, "standing"))
		rc = check_standing(doc, err);
	if (!rc) {
		char *s = cJSON_PrintUnformatted(doc);
		if (strlen(s) > RECORD_MAX_BYTES)
			rc = err_set(err, "%s: the record is larger than 1 MB", record_id(doc));
		free(s);
	}
	free(scratch);
	return rc;
}

int record_normalize(cJSON *doc, char **err)
{
	const struct type_def *t = record_type(doc);
	for (cJSON *m = cJSON_IsObject(doc) ? doc->child : NULL, *next; m; m = next) {
		next = m->next;
		if (cJSON_IsNull(m))	/* null means no value */
			cJSON_DeleteItemFromObjectCaseSensitive(doc, m->string);
	}
	for (size_t i = 0; t && i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name);
		if (f->kind != FIELD_WHEN || !cJSON_IsString(v))
			continue;
		char *why = NULL;
		char *n = when_normalize(v->valuestring, &why);
		if (!n) {
			err_set(err, "%s: field '%s': %s", record_id(doc) ? record_id(doc)
				: "record", f->name, why);
			free(why);
			return -1;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(doc, f->name, cJSON_CreateString(n));
		free(n);
	}
	return 0;
}

/* A reference typed on the command line, with its type prefix added if left out. */
static char *ref_from_text(const struct field_def *f, const char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	/* An id with any type prefix stays as typed (a wrong type is refused later). */
	char *typed = str_printf("%.*s", (int)n, s);
	if (type_of_id(typed))
		return typed;
	free(typed);
	return str_printf("%s:%.*s", f->ref, (int)n, s);
}

static cJSON *parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "1", "on", "y", NULL };
	static const char *const no[] = { "no", "false", "0", "off", "n", NULL };
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i]))
			return cJSON_CreateTrue();
		if (!strcasecmp(s, no[i]))
			return cJSON_CreateFalse();
	}
	return cJSON_CreateString(s);	/* refused by the check */
}

static cJSON *parse_int(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < INT_MIN || v > INT_MAX)
		return cJSON_CreateString(s);	/* refused by the check */
	return cJSON_CreateNumber((double)v);
}

static cJSON *parse_list(const struct field_def *f, const char *s)
{
	cJSON *list = f->kind == FIELD_VOTES ? cJSON_CreateObject() : cJSON_CreateArray();
	char *copy = xstrdup(s), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = f->kind == FIELD_VOTES ? strrchr(tok, '=') : NULL;
		if (eq)
			*eq = '\0';
		char *id = ref_from_text(f, tok);
		if (f->kind == FIELD_VOTES)
			cJSON_AddItemToObject(list, id, eq ? parse_int(eq + 1) : cJSON_CreateNull());
		else
			cJSON_AddItemToArray(list, cJSON_CreateString(id));
		free(id);
	}
	free(copy);
	return list;
}

static cJSON *parse_text(const struct field_def *f, const char *s, char **err)
{
	switch (f->kind) {
	case FIELD_BOOL:
		return parse_bool(s);
	case FIELD_INT:
		return parse_int(s);
	case FIELD_REFLIST:
	case FIELD_VOTES:
		return parse_list(f, s);
	case FIELD_REF: {
		char *id = ref_from_text(f, s);
		cJSON *v = cJSON_CreateString(id);
		free(id);
		return v;
	}
	case FIELD_WHEN: {
		char *n = when_normalize(s, err);
		cJSON *v = n ? cJSON_CreateString(n) : NULL;
		free(n);
		return v;
	}
	default:
		return cJSON_CreateString(s);
	}
}

int record_set(cJSON *doc, const char *name, const char *text, char **err)
{
	const struct type_def *t = record_type(doc);
	const struct field_def *f = t ? field_find(t, name) : NULL;
	if (!f)
	{
		struct buf b = { 0 };
		for (size_t i = 0; t && i < t->nfields; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", t->fields[i].name);
		err_set(err, "unknown field '%s' for type %s (fields: %s)", name,
			t ? t->name : "?", b.s ? b.s : "none");
		free(b.s);
		return -1;
	}
	if (!*text) {
		if (f->flags & FL_REQUIRED)
			return err_set(err, "field '%s' is required and cannot be emptied", name);
		cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
		return 0;
	}
	char *why = NULL;
	cJSON *v = parse_text(f, text, &why);
	if (!v) {
		err_set(err, "field '%s': %s", name, why);
		free(why);
		return -1;
	}
	if (check_value(f, v, err)) {
		cJSON_Delete(v);
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(doc, name))
		cJSON_ReplaceItemInObjectCaseSensitive(doc, name, v);
	else
		cJSON_AddItemToObject(doc, name, v);
	return 0;
}
