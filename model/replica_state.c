/*
 * Sync bookkeeping in the cache: checkpoints, outgoing batches, what the
 * endpoint answered, and the conflicts a person settles (see replica.h).
 */
#include "replica.h"
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static int exec_bound(struct cache *c, const char *sql, const char *a, const char *b,
		      const char *what, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, sql, err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, what, err);
	sqlite3_finalize(st);
	return rc;
}

static char *query_text(struct cache *c, const char *sql, const char *arg, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, sql, err);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	char *out = NULL;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = xstrdup((const char *)sqlite3_column_text(st, 0));
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		cache_fail(c, "reading the sync state", err);
	sqlite3_finalize(st);
	return out;
}

char *replica_checkpoint(struct cache *c, const char *endpoint, char **err)
{
	return query_text(c, "SELECT last_seq FROM sync_state WHERE endpoint = ?", endpoint, err);
}

int replica_set_checkpoint(struct cache *c, const char *endpoint, const char *seq, char **err)
{
	return exec_bound(c, "INSERT INTO sync_state(endpoint, last_seq) VALUES(?1, ?2) "
			  "ON CONFLICT(endpoint) DO UPDATE SET last_seq = ?2", endpoint, seq,
			  "saving the checkpoint", err);
}

int replica_finish(struct cache *c, const char *endpoint, const char *error, char **err)
{
	if (error)
		return exec_bound(c, "INSERT INTO sync_state(endpoint, last_error, last_try) "
				  "VALUES(?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now')) ON CONFLICT"
				  "(endpoint) DO UPDATE SET last_error = ?2, last_try = "
				  "excluded.last_try", endpoint, error, "saving the sync state", err);
	return exec_bound(c, "INSERT INTO sync_state(endpoint, last_ok, last_try) VALUES(?1, "
			  "strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ',"
			  "'now')) ON CONFLICT(endpoint) DO UPDATE SET last_ok = excluded.last_ok, "
			  "last_try = excluded.last_try, last_error = NULL", endpoint, NULL,
			  "saving the sync state", err);
}

int replica_mark_start(struct cache *c, const char *endpoint, char **mark, char **err)
{
	*mark = query_text(c, "SELECT lower(hex(randomblob(16)))", NULL, err);
	if (!*mark)
		return -1;
	if (!exec_bound(c, "INSERT INTO sync_state(endpoint, mark_next) VALUES(?1, ?2) ON "
			"CONFLICT(endpoint) DO UPDATE SET mark_next = ?2", endpoint, *mark,
			"saving the checkpoint's mark", err))
		return 0;
	free(*mark);
	*mark = NULL;
	return -1;
}

int replica_mark_written(struct cache *c, const char *endpoint, const char *mark,
			 const char *rev, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "UPDATE sync_state SET mark = ?2, mark_rev = ?3, "
					 "mark_next = NULL WHERE endpoint = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mark, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rev, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0
		: cache_fail(c, "saving the checkpoint's mark", err);
	sqlite3_finalize(st);
	return rc;
}

int replica_mark_check(struct cache *c, const char *endpoint, const char *mark, const char *rev,
		       char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT mark IS NULL AND mark_next IS NULL, mark = ?2 "
					 "AND (mark_rev IS NULL OR mark_rev = ?3), mark_next = ?2 "
					 "FROM sync_state WHERE endpoint = ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, endpoint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, mark, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rev, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	bool none = step != SQLITE_ROW || sqlite3_column_int(st, 0);
	bool last = step == SQLITE_ROW && sqlite3_column_int(st, 1);
	bool next = step == SQLITE_ROW && sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return cache_fail(c, "reading the sync state", err);
	if (none || last)
		return 1;
	if (!next)
		return 0;
	/* Written, though the endpoint's answer never arrived: it is the last now. */
	return replica_mark_written(c, endpoint, mark, rev, err) ? -1 : 1;
}

char *cache_uuid(struct cache *c, char **err)
{
	return query_text(c, "SELECT value FROM meta WHERE key = ?", "uuid", err);
}

int replica_reset(struct cache *c, const char *endpoint, char **err)
{
	if (exec_bound(c, "DELETE FROM sync_state WHERE endpoint = ?", endpoint, NULL,
		       "resetting the sync state", err))
		return -1;
	return exec_bound(c, "UPDATE docs SET prior_rev = rev, rev = NULL, dirty = 1 WHERE rev IS "
			  "NOT NULL", NULL, NULL, "resetting the sync state", err);
}

/* The document _bulk_docs gets for a stored record. */
static cJSON *outgoing_doc(const char *id, const char *body, const char *rev, bool deleted)
{
	cJSON *doc = deleted ? cJSON_CreateObject() : cJSON_Parse(body);
	if (!doc)
		return NULL;
	if (deleted) {
		cJSON_AddStringToObject(doc, "_id", id);
		cJSON_AddBoolToObject(doc, "_deleted", 1);
	}
	if (rev)
		cJSON_AddStringToObject(doc, "_rev", rev);
	return doc;
}

static void add_item(struct push_batch *b, cJSON *list, sqlite3_stmt *st)
{
	const char *id = (const char *)sqlite3_column_text(st, 1);
	const char *body = (const char *)sqlite3_column_text(st, 2);
	bool deleted = sqlite3_column_int(st, 4);
	cJSON *doc = outgoing_doc(id, body, (const char *)sqlite3_column_text(st, 3), deleted);
	b->last = sqlite3_column_int64(st, 0);
	if (!doc)
		return;
	b->items = xrealloc(b->items, (size_t)(b->n + 1) * sizeof *b->items);
	b->items[b->n++] = (struct push_item){ .id = xstrdup(id), .body = xstrdup(body),
					       .deleted = deleted };
	cJSON_AddItemToArray(list, doc);
}

/* The size of a record in a _bulk_docs request, near enough: its body and
 * room for _rev. */
static size_t outgoing_size(sqlite3_stmt *st)
{
	return (size_t)sqlite3_column_bytes(st, 2) + (size_t)sqlite3_column_bytes(st, 3) + 16;
}

int replica_outgoing(struct cache *c, long long after, int limit, size_t max_bytes,
		     struct push_batch *b, char **err)
{
	*b = (struct push_batch){ .docs = cJSON_CreateObject(), .last = after };
	cJSON *list = cJSON_AddArrayToObject(b->docs, "docs");
	sqlite3_stmt *st = cache_prepare(c, "SELECT n, id, body, rev, deleted FROM docs "
		"WHERE dirty = 1 AND n > ? AND rejected IS NULL AND id NOT IN "
		"(SELECT id FROM conflicts) ORDER BY n LIMIT ?", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	size_t bytes = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bytes += outgoing_size(st);
		if (max_bytes && b->n && bytes > max_bytes)
			break;	/* the next batch starts with it */
		add_item(b, list, st);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE || step == SQLITE_ROW ? 0
		: cache_fail(c, "reading unsynced edits", err);
}

void push_batch_free(struct push_batch *b)
{
	for (int i = 0; i < b->n; i++) {
		free(b->items[i].id);
		free(b->items[i].body);
	}
	free(b->items);
	cJSON_Delete(b->docs);
	*b = (struct push_batch){ 0 };
}

int replica_pushed(struct cache *c, const struct push_item *it, const char *rev, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "UPDATE docs SET rev = ?1, base = ?2, rejected = NULL,"
		" prior_rev = NULL, dirty = CASE WHEN body = ?2 AND deleted = ?3 THEN 0 ELSE 1 END"
		" WHERE id = ?4", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, rev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->body, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, it->deleted);
	sqlite3_bind_text(st, 4, it->id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "marking a pushed edit", err);
	sqlite3_finalize(st);
	return rc;
}

int replica_rejected(struct cache *c, const char *id, const char *reason, char **err)
{
	return exec_bound(c, "UPDATE docs SET rejected = ?2 WHERE id = ?1", id,
			  reason && *reason ? reason : "refused by the endpoint",
			  "marking a refused edit", err);
}

static cJSON *parse_or_null(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? cJSON_Parse((const char *)s) : NULL;
}

static int each_conflict(struct cache *c, sqlite3_stmt *st, conflict_fn fn, void *ctx,
			 char **err)
{
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct conflict k = {
			.id = (const char *)sqlite3_column_text(st, 0),
			.mine = parse_or_null(st, 1), .theirs = parse_or_null(st, 2),
			.theirs_rev = (const char *)sqlite3_column_text(st, 3),
			.base = parse_or_null(st, 4), .fields = parse_or_null(st, 5),
			.at = (const char *)sqlite3_column_text(st, 6),
		};
		rc = fn(ctx, &k);
		cJSON_Delete(k.mine), cJSON_Delete(k.theirs);
		cJSON_Delete(k.base), cJSON_Delete(k.fields);
	}
	if (!rc && step != SQLITE_DONE)
		rc = cache_fail(c, "reading conflicts", err);
	sqlite3_finalize(st);
	return rc;
}

#define CONFLICT_COLUMNS "SELECT id, mine, theirs, theirs_rev, base, fields, at FROM conflicts"

int conflicts_list(struct cache *c, conflict_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, CONFLICT_COLUMNS " ORDER BY at, id", err);
	return st ? each_conflict(c, st, fn, ctx, err) : -1;
}

int conflict_get(struct cache *c, const char *id, conflict_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, CONFLICT_COLUMNS " WHERE id = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return each_conflict(c, st, fn, ctx, err);
}

static int resolve_locked(struct cache *c, const char *id, const cJSON *resolved, char **err)
{
	struct cache_doc d;
	int found = cache_get(c, id, &d, err);
	int rc = found > 0 ? 0 : found < 0 ? -1 : err_set(err, "no record %s", id);
	if (!rc && exec_bound(c, "DELETE FROM conflicts WHERE id = ?", id, NULL,
			      "settling a conflict", err))
		rc = -1;
	cJSON *doc = resolved ? cJSON_Duplicate(resolved, 1) : cJSON_Duplicate(d.body, 1);
	struct store_opts o = { .kind = HIST_RESOLVE, .deleted = !resolved };
	if (!rc && cache_store(c, doc, &o, err) < 0)
		rc = -1;
	cJSON_Delete(doc);
	cache_doc_free(&d);
	return rc;
}

int conflict_resolve(struct cache *c, const char *id, const cJSON *resolved, char **err)
{
	if (cache_begin(c, err))
		return -1;
	if (resolve_locked(c, id, resolved, err)) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

int replica_rejected_list(struct cache *c, rejected_fn fn, void *ctx, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT id, rejected FROM docs WHERE rejected IS NOT "
					 "NULL ORDER BY id", err);
	if (!st)
		return -1;
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(ctx, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
	if (!rc && step != SQLITE_DONE)
		rc = cache_fail(c, "reading refused edits", err);
	sqlite3_finalize(st);
	return rc;
}

/* Puts back the body the endpoint has, clean: the refused edit is gone. */
static int take_base(struct cache *c, const char *base, char **err)
{
	cJSON *doc = cJSON_Parse(base);
	struct store_opts o = { .kind = HIST_RESOLVE, .clean = true, .keep_meta = true };
	int rc = doc && !cache_begin(c, err) ? 0 : -1;
	if (!rc && cache_store(c, doc, &o, err) < 0) {
		cache_rollback(c);
		rc = -1;
	} else if (!rc) {
		rc = cache_commit(c, err);
	}
	cJSON_Delete(doc);
	return rc;
}

int rejected_settle(struct cache *c, const char *id, bool theirs, char **err)
{
	char *base = query_text(c, "SELECT coalesce(base, '') FROM docs WHERE id = ? AND "
				"rejected IS NOT NULL", id, err);
	int rc = base ? 0 : err && *err ? -1 : 1;
	if (!rc && !theirs)
		rc = exec_bound(c, "UPDATE docs SET rejected = NULL WHERE id = ?1", id, NULL,
				"sending a refused edit again", err);
	else if (!rc)	/* a record the endpoint never had goes */
		rc = *base ? take_base(c, base, err) : cache_delete(c, id, err);
	free(base);
	return rc;
}

cJSON *conflict_pick(const struct conflict *k, const cJSON *stored, bool theirs)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, k->fields)
		if (!strcmp(f->valuestring, "_deleted")) {
			const cJSON *side = theirs ? k->theirs : k->mine;
			return side ? cJSON_Duplicate(side, 1) : NULL;
		}
	cJSON *out = cJSON_Duplicate(stored, 1);
	cJSON_ArrayForEach(f, k->fields) {
		const cJSON *side = theirs ? k->theirs : k->mine;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(side, f->valuestring);
		cJSON_DeleteItemFromObjectCaseSensitive(out, f->valuestring);
		if (v)
			cJSON_AddItemToObject(out, f->valuestring, cJSON_Duplicate(v, 1));
	}
	return out;
}
