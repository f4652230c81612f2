/*
 * Three-way merge (see merge.h). Per field: a side that did not change it
 * gives way to the side that did; equal changes agree; lists of ids merge
 * as sets; votes merge per institution; of two moments (FL_LATEST) the
 * later is kept; anything else both changed is a conflict for a person to
 * decide. Fields this version does not know are merged the same way, as
 * plain values, so nothing of a newer client is lost.
 */
#include "merge.h"
#include "fields.h"
#include "record.h"
#include "util.h"

#include <string.h>

static bool same(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return a == b;
	return cJSON_Compare(a, b, 1);
}

static bool is_stamp(const char *name)
{
	return !strcmp(name, "updated_at") || !strcmp(name, "updated_by")
		|| !strcmp(name, "created_at") || !strcmp(name, "_rev");
}

static bool list_has(const cJSON *list, const char *s)
{
	const cJSON *i;
	cJSON_ArrayForEach(i, list)
		if (cJSON_IsString(i) && !strcmp(i->valuestring, s))
			return true;
	return false;
}

/* (mine - removed by theirs) + what theirs added, in mine's order. */
static cJSON *merge_sets(const cJSON *b, const cJSON *m, const cJSON *t)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *i;
	cJSON_ArrayForEach(i, m)
		if (cJSON_IsString(i) && !(list_has(b, i->valuestring) && !list_has(t, i->valuestring)))
			cJSON_AddItemToArray(out, cJSON_CreateString(i->valuestring));
	cJSON_ArrayForEach(i, t)
		if (cJSON_IsString(i) && !list_has(b, i->valuestring) && !list_has(out, i->valuestring))
			cJSON_AddItemToArray(out, cJSON_CreateString(i->valuestring));
	return out;
}

/* Merges one value; NULL *out means absent. False on a conflict. */
static bool merge_value(const struct field_def *f, const cJSON *b, const cJSON *m,
			const cJSON *t, cJSON **out);

/* Votes merge per institution, each vote as a value of its own. */
static bool merge_votes(const cJSON *b, const cJSON *m, const cJSON *t, cJSON **out)
{
	cJSON *res = cJSON_CreateObject();
	bool ok = true;
	const cJSON *sides[] = { m, t, b };
	for (int s = 0; s < 3; s++) {
		const cJSON *k;
		cJSON_ArrayForEach(k, sides[s]) {
			if (cJSON_GetObjectItemCaseSensitive(res, k->string))
				continue;
			cJSON *v = NULL;
			ok &= merge_value(NULL, cJSON_GetObjectItemCaseSensitive(b, k->string),
					  cJSON_GetObjectItemCaseSensitive(m, k->string),
					  cJSON_GetObjectItemCaseSensitive(t, k->string), &v);
			cJSON_AddItemToObject(res, k->string, v ? v : cJSON_CreateNull());
		}
	}
	/* A vote both sides took away is gone. */
	for (cJSON *k = res->child, *next; k; k = next) {
		next = k->next;
		if (cJSON_IsNull(k))
			cJSON_DeleteItemFromObjectCaseSensitive(res, k->string);
	}
	*out = res->child ? res : (cJSON_Delete(res), NULL);
	return ok;
}

static bool merge_value(const struct field_def *f, const cJSON *b, const cJSON *m,
			const cJSON *t, cJSON **out)
{
	*out = NULL;
	if (same(m, t) || same(b, t)) {
		*out = m ? cJSON_Duplicate(m, 1) : NULL;
		return true;
	}
	if (same(b, m)) {
		*out = t ? cJSON_Duplicate(t, 1) : NULL;
		return true;
	}
	if (f && f->kind == FIELD_REFLIST && (!m || cJSON_IsArray(m)) && (!t || cJSON_IsArray(t))) {
		cJSON *r = merge_sets(b, m, t);
		*out = r->child ? r : (cJSON_Delete(r), NULL);
		return true;
	}
	if (f && f->kind == FIELD_VOTES && (!m || cJSON_IsObject(m)) && (!t || cJSON_IsObject(t)))
		return merge_votes(b, m, t, out);
	if (f && (f->flags & FL_LATEST) && (!m || cJSON_IsString(m)) && (!t || cJSON_IsString(t))) {
		const cJSON *later = !m || (t && strcmp(t->valuestring, m->valuestring) > 0) ? t : m;
		*out = cJSON_Duplicate(later, 1);
		return true;
	}
	*out = m ? cJSON_Duplicate(m, 1) : NULL;	/* mine, until someone decides */
	return false;
}

static void merge_member(const char *name, const cJSON *base, const cJSON *mine,
			 const cJSON *theirs, cJSON *res, cJSON *conflicts)
{
	const struct type_def *t = record_type(mine) ? record_type(mine) : record_type(theirs);
	const struct field_def *f = t ? field_find(t, name) : NULL;
	cJSON *v = NULL;
	if (!merge_value(f, cJSON_GetObjectItemCaseSensitive(base, name),
			 cJSON_GetObjectItemCaseSensitive(mine, name),
			 cJSON_GetObjectItemCaseSensitive(theirs, name), &v))
		cJSON_AddItemToArray(conflicts, cJSON_CreateString(name));
	if (v)
		cJSON_AddItemToObject(res, name, v);
}

/* The later side's timestamps and signature. */
static void merge_stamps(const cJSON *mine, const cJSON *theirs, cJSON *res)
{
	const cJSON *mu = cJSON_GetObjectItemCaseSensitive(mine, "updated_at");
	const cJSON *tu = cJSON_GetObjectItemCaseSensitive(theirs, "updated_at");
	bool theirs_later = cJSON_IsString(tu) && (!cJSON_IsString(mu)
						  || strcmp(tu->valuestring, mu->valuestring) > 0);
	const cJSON *later = theirs_later ? theirs : mine;
	static const char *const stamps[] = { "updated_at", "updated_by" };
	for (int i = 0; i < 2; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(later, stamps[i]);
		if (v)
			cJSON_AddItemToObject(res, stamps[i], cJSON_Duplicate(v, 1));
	}
	const cJSON *created = cJSON_GetObjectItemCaseSensitive(mine, "created_at");
	if (!created)
		created = cJSON_GetObjectItemCaseSensitive(theirs, "created_at");
	if (created)
		cJSON_AddItemToObject(res, "created_at", cJSON_Duplicate(created, 1));
}

/* An edit on one side against a delete on the other. */
static void merge_delete(const cJSON *base, const cJSON *mine, const cJSON *theirs,
			 cJSON **merged, cJSON *conflicts)
{
	const cJSON *kept = mine ? mine : theirs;
	if (!kept || (base && record_same_content(base, kept))) {
		*merged = NULL;	/* the side that still has it did not change it */
		return;
	}
	*merged = mine ? cJSON_Duplicate(mine, 1) : NULL;
	cJSON_AddItemToArray(conflicts, cJSON_CreateString("_deleted"));
}

void merge3(const cJSON *base, const cJSON *mine, const cJSON *theirs,
	    cJSON **merged, cJSON **conflicts)
{
	*conflicts = cJSON_CreateArray();
	if (!mine || !theirs) {
		merge_delete(base, mine, theirs, merged, *conflicts);
		return;
	}
	cJSON *res = cJSON_CreateObject();
	const cJSON *sides[] = { mine, theirs, base };
	for (int s = 0; s < 3; s++) {
		const cJSON *k;
		cJSON_ArrayForEach(k, sides[s])
			if (!is_stamp(k->string) && !cJSON_GetObjectItemCaseSensitive(res, k->string)
			    && !list_has(*conflicts, k->string))
				merge_member(k->string, base, mine, theirs, res, *conflicts);
	}
	merge_stamps(mine, theirs, res);
	*merged = res;
}
