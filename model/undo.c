/*
 * Deleting records and undoing local edits. A delete leaves a tombstone the
 * sync carries; an undo writes the earlier body back as a new edit, so the
 * history keeps every step.
 */
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int cache_referrers(struct cache *c, const char *id, long *count, char **example, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT count(DISTINCT src), min(src) FROM links "
					 "WHERE dst = ?1 AND src != ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : cache_fail(c, "finding references", err);
	*count = sqlite3_column_int64(st, 0);
	*example = *count ? xstrdup((const char *)sqlite3_column_text(st, 1)) : NULL;
	sqlite3_finalize(st);
	return rc;
}

static int check_unreferenced(struct cache *c, const char *id, char **err)
{
	long n;
	char *example;
	if (cache_referrers(c, id, &n, &example, err))
		return -1;
	if (!n)
		return 0;
	err_set(err, "%s is referred to by %ld record%s (e.g. %s): change or delete %s first",
		id, n, n == 1 ? "" : "s", example, n == 1 ? "it" : "them");
	free(example);
	return -1;
}

int store_detach_referrers(struct cache *c, const char *id, struct store_opts *o, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT src, field FROM links WHERE dst = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	cJSON *todo = cJSON_CreateArray();
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
		cJSON_AddItemToArray(pair, cJSON_CreateString((const char *)sqlite3_column_text(st, 1)));
		cJSON_AddItemToArray(todo, pair);
	}
	sqlite3_finalize(st);
	int rc = 0;
	const cJSON *pair;
	cJSON_ArrayForEach(pair, todo) {
		const char *src = cJSON_GetArrayItem(pair, 0)->valuestring;
		const char *name = cJSON_GetArrayItem(pair, 1)->valuestring;
		struct cache_doc d;
		if (rc || cache_get(c, src, &d, err) <= 0)
			continue;
		const struct type_def *t = record_type(d.body);
		const struct field_def *f = t ? field_find(t, name) : NULL;
		if (f && (f->flags & FL_DETACH) && f->kind == FIELD_REF) {
			cJSON_DeleteItemFromObjectCaseSensitive(d.body, name);
			if (t->detached)
				t->detached(d.body, name);
			rc = cache_store(c, d.body, o, err) < 0 ? -1 : 0;
		}
		cache_doc_free(&d);
	}
	cJSON_Delete(todo);
	return rc;
}

static int delete_locked(struct cache *c, const char *id, struct store_opts *o, char **err)
{
	struct cache_doc d;
	int found = cache_get(c, id, &d, err);
	if (found < 0)
		return -1;
	int rc = found && !d.deleted ? 0 : err_set(err, "no record %s", id);
	if (!rc)
		rc = cache_store(c, d.body, o, err) < 0 ? -1 : 0;
	/* in the same transaction and batch: undone with the delete */
	struct store_opts detach = { .kind = HIST_EDIT, .batch = o->batch };
	if (!rc)
		rc = store_detach_referrers(c, id, &detach, err);
	o->batch = detach.batch;
	if (!rc)
		rc = check_unreferenced(c, id, err);
	cache_doc_free(&d);
	return rc;
}

int cache_delete(struct cache *c, const char *id, char **err)
{
	struct store_opts o = { .kind = HIST_DELETE, .deleted = true };
	if (cache_begin(c, err))
		return -1;
	if (delete_locked(c, id, &o, err)) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

/* Puts back, in the current body, the fields one edit changed; fields
 * changed since by others (a sync) stay as they are now. */
static void revert_fields(cJSON *now, const cJSON *before, const cJSON *after)
{
	const cJSON *sides[] = { before, after };
	for (int s = 0; s < 2; s++) {
		const cJSON *k;
		cJSON_ArrayForEach(k, sides[s]) {
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(before, k->string);
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(after, k->string);
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(now, k->string);
			if ((a && b && cJSON_Compare(a, b, 1)) || record_meta_member(k->string))
				continue;
			if (!a != !n || (a && !cJSON_Compare(a, n, 1)))
				continue;	/* changed again since, by someone else */
			if (!b)
				cJSON_DeleteItemFromObjectCaseSensitive(now, k->string);
			else if (cJSON_GetObjectItemCaseSensitive(now, k->string))
				cJSON_ReplaceItemInObjectCaseSensitive(now, k->string,
								       cJSON_Duplicate(b, 1));
			else
				cJSON_AddItemToObject(now, k->string, cJSON_Duplicate(b, 1));
		}
	}
}

/* Undoes one history row. A record the row created is deleted; whether
 * others still refer to it is checked once the whole batch is undone (they
 * may go with it). */
static int undo_row(struct cache *c, const char *id, const char *before_text,
		    const char *after_text, struct store_opts *o, char **err)
{
	struct cache_doc d;
	if (cache_get(c, id, &d, err) <= 0)
		return err_set(err, "history names %s, which is not in the cache", id);
	cJSON *before = before_text ? cJSON_Parse(before_text) : NULL;
	cJSON *after = after_text ? cJSON_Parse(after_text) : NULL;
	cJSON *doc = d.body;
	d.body = NULL;
	if (before && (d.deleted || !after)) {
		cJSON_Delete(doc);	/* a deleted record comes back as it was */
		doc = cJSON_Duplicate(before, 1);
	} else if (before) {
		revert_fields(doc, before, after);
	}
	o->deleted = !before;
	int rc = cache_store(c, doc, o, err) < 0 ? -1 : 0;
	o->deleted = false;
	cJSON_Delete(doc), cJSON_Delete(before), cJSON_Delete(after);
	cache_doc_free(&d);
	return rc;
}

/* After a batch is undone, every record it touched must hold together:
 * live records' references resolve, deleted ones are referred to by none. */
static int check_batch(struct cache *c, const cJSON *ids, char **err)
{
	const cJSON *id;
	cJSON_ArrayForEach(id, ids) {
		struct cache_doc d;
		int found = cache_get(c, id->valuestring, &d, err);
		int rc = found < 0 ? -1 : found == 0 ? 0 : d.deleted
			? check_unreferenced(c, id->valuestring, err)
			: record_check(d.body, cache_ref_exists, c, err);
		cache_doc_free(&d);
		if (rc)
			return err_set(err, "cannot undo: %s", *err);
	}
	return 0;
}

static long long last_batch(struct cache *c, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT max(batch) FROM history WHERE undone = 0 "
					 "AND kind IN ('add', 'edit', 'delete', 'import')", err);
	if (!st)
		return -1;
	long long b = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0)
		: cache_fail(c, "reading history", err);
	sqlite3_finalize(st);
	return b;
}

/* Undoes every row of a batch, newest first, and describes what it did. */
static int undo_batch(struct cache *c, long long batch, char **what, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT seq, id, kind, before, after FROM history "
					 "WHERE batch = ? AND undone = 0 ORDER BY seq DESC", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	struct store_opts o = { .kind = HIST_UNDO, .skip_refs = true };
	int rc = 0, n = 0;
	char *first = NULL;
	cJSON *ids = cJSON_CreateArray();
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 1);
		if (!first)
			first = str_printf("%s of %s", sqlite3_column_text(st, 2), id);
		rc = undo_row(c, id, (const char *)sqlite3_column_text(st, 3),
			      (const char *)sqlite3_column_text(st, 4), &o, err);
		cJSON_AddItemToArray(ids, cJSON_CreateString(id));
		n++;
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = check_batch(c, ids, err);
	cJSON_Delete(ids);
	if (!rc)
		*what = n == 1 ? str_printf("undid the %s", first)
			: str_printf("undid %d changes (the last: %s)", n, first);
	free(first);
	return rc;
}

static int mark_undone(struct cache *c, long long batch, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "UPDATE history SET undone = 1 WHERE batch = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, batch);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "recording history", err);
	sqlite3_finalize(st);
	return rc;
}

int cache_undo(struct cache *c, char **what, char **err)
{
	*what = NULL;
	if (cache_begin(c, err))
		return -1;
	long long batch = last_batch(c, err);
	int rc = batch < 0 ? -1 : 0;
	if (batch > 0)
		rc = undo_batch(c, batch, what, err);
	if (batch > 0 && !rc)
		rc = mark_undone(c, batch, err);
	if (rc) {
		cache_rollback(c);
		free(*what);
		*what = NULL;
		return -1;
	}
	if (cache_commit(c, err))
		return -1;
	return batch > 0;
}
