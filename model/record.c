/*
 * Records as JSON: ids, new records, labels and field text (see record.h).
 */
#include "record.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

const char *const record_meta_names[] = {
	"_id", "_rev", "type", "created_at", "updated_at", "updated_by", NULL };

bool record_meta_member(const char *name)
{
	for (int i = 0; record_meta_names[i]; i++)
		if (!strcmp(name, record_meta_names[i]))
			return true;
	return false;
}

char *id_new(const char *type)
{
	unsigned char r[16];
	size_t got = 0;
	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	struct buf b = { 0 };
	buf_printf(&b, "%s:", type);
	for (size_t i = 0; i < sizeof r; i++)
		buf_printf(&b, "%02x", r[i]);
	return buf_take(&b);
}

bool id_valid(const char *id)
{
	const struct type_def *t = type_of_id(id);
	size_t n = strlen(id);
	if (!t || n > 200 || n == strlen(t->name) + 1)
		return false;
	for (const char *p = id; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '/' || *p == '"' || *p == '\\')
			return false;
	return true;
}

cJSON *record_new(const struct type_def *t)
{
	cJSON *doc = cJSON_CreateObject();
	char *id = id_new(t->name);
	cJSON_AddStringToObject(doc, "_id", id);
	free(id);
	cJSON_AddStringToObject(doc, "type", t->name);
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].init)
			cJSON_AddStringToObject(doc, t->fields[i].name, t->fields[i].init);
	return doc;
}

const struct type_def *record_type(const cJSON *doc)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "type");
	return cJSON_IsString(t) ? type_find(t->valuestring) : NULL;
}

const char *record_id(const cJSON *doc)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "_id");
	return cJSON_IsString(id) ? id->valuestring : NULL;
}

/* The part of an id after its type prefix. */
static const char *id_key(const char *id)
{
	const char *colon = strchr(id, ':');
	return colon ? colon + 1 : id;
}

char *standing_id(const char *area_id, const char *institution_id)
{
	return str_printf("standing:%s:%s", id_key(area_id), id_key(institution_id));
}

bool record_derive_id(cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, "area");
	const cJSON *i = cJSON_GetObjectItemCaseSensitive(doc, "institution");
	if (!t || strcmp(t->name, "standing") || !cJSON_IsString(a) || !cJSON_IsString(i))
		return false;
	char *id = standing_id(a->valuestring, i->valuestring);
	bool changed = !record_id(doc) || strcmp(id, record_id(doc));
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "_id", cJSON_CreateString(id));
	free(id);
	return changed;
}

char *record_field_text(const cJSON *doc, const struct field_def *f)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name);
	struct buf b = { 0 };
	if (!v || cJSON_IsNull(v))
		return xstrdup("");
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "yes" : "no");
	if (cJSON_IsNumber(v))
		return str_printf("%.0f", v->valuedouble);
	const cJSON *item;
	cJSON_ArrayForEach(item, v) {
		if (b.len)
			buf_puts(&b, ",");
		if (cJSON_IsString(item))
			buf_puts(&b, item->valuestring);
		else if (cJSON_IsNumber(item))
			buf_printf(&b, item->valuedouble ? "%s=%+d" : "%s=%d", item->string,
				   (int)item->valuedouble);
	}
	return buf_take(&b);
}

char *record_label(const cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	struct buf b = { 0 };
	for (size_t i = 0; t && i < t->nfields; i++) {
		if (!(t->fields[i].flags & FL_TITLE))
			continue;
		char *v = record_field_text(doc, &t->fields[i]);
		if (*v) {
			if (b.len)
				buf_puts(&b, " / ");
			buf_puts(&b, t->fields[i].kind == FIELD_REF ? id_key(v) : v);
		}
		free(v);
	}
	if (!b.len)
		buf_puts(&b, record_id(doc) ? record_id(doc) : "?");
	return buf_take(&b);
}

char *record_short_label(const cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	const struct field_def *f = NULL;
	for (size_t i = 0; t && i < t->nfields && !f; i++)
		if (t->fields[i].flags & FL_SHORT)
			f = &t->fields[i];
	if (!f)
		return NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name);
	const char *id = record_id(doc);
	const char *code = cJSON_IsString(v) ? v->valuestring : id ? id_key(id) : "";
	const char *dash = strrchr(code, '-');
	if (dash && dash[1])
		code = dash + 1;
	char out[RECORD_SHORT_MAX + 1];
	int n = 0;
	for (; n < RECORD_SHORT_MAX && isascii((unsigned char)code[n])
	       && isalnum((unsigned char)code[n]); n++)
		out[n] = (char)toupper((unsigned char)code[n]);
	out[n] = '\0';
	return n ? xstrdup(out) : NULL;
}

char *record_link_key(const cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	if (!t)
		return xstrdup("");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, t->key);
	if (cJSON_IsNumber(v))
		return str_printf("%s\x01%020.6f", t->name, v->valuedouble);
	return str_printf("%s\x01%s", t->name, cJSON_IsString(v) ? v->valuestring : "");
}

char *record_search_text(const cJSON *doc)
{
	const struct type_def *t = record_type(doc);
	struct buf b = { 0 };
	buf_puts(&b, record_id(doc) ? record_id(doc) : "");
	for (size_t i = 0; t && i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (!(f->flags & FL_SEARCH) && f->kind != FIELD_REF && f->kind != FIELD_REFLIST)
			continue;
		char *v = record_field_text(doc, f);
		buf_printf(&b, "\n%s", v);
		free(v);
	}
	return buf_take(&b);
}

char *record_changed_fields(const cJSON *before, const cJSON *after)
{
	struct buf b = { 0 };
	const struct type_def *t = record_type(after ? after : before);
	for (size_t i = 0; t && i < t->nfields; i++) {
		const char *n = t->fields[i].name;
		const cJSON *x = before ? cJSON_GetObjectItemCaseSensitive(before, n) : NULL;
		const cJSON *y = after ? cJSON_GetObjectItemCaseSensitive(after, n) : NULL;
		if ((x || y) && (!x || !y || !cJSON_Compare(x, y, 1)))
			buf_printf(&b, "%s%s", b.len ? ", " : "", n);
	}
	return buf_take(&b);
}

bool record_same_content(const cJSON *a, const cJSON *b)
{
	static const char *const stamps[] = { "created_at", "updated_at", "updated_by", "_rev" };
	cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
	for (size_t i = 0; i < sizeof stamps / sizeof stamps[0]; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(x, stamps[i]);
		cJSON_DeleteItemFromObjectCaseSensitive(y, stamps[i]);
	}
	bool same = cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return same;
}
