/*
 * The cache's side of the sync (see replica.h).
 */
#include "replica.h"
#include "cache_internal.h"
#include "merge.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The record in a document from the endpoint: its members less the
 * endpoint's own (_rev, _deleted, _conflicts, ...), _id kept. */
static cJSON *remote_body(const cJSON *remote)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(remote, "_deleted")))
		return NULL;
	cJSON *body = cJSON_Duplicate(remote, 1);
	for (cJSON *m = body->child, *next; m; m = next) {
		next = m->next;
		if (m->string[0] == '_' && strcmp(m->string, "_id"))
			cJSON_DeleteItemFromObjectCaseSensitive(body, m->string);
	}
	return body;
}

static const char *type_name(const cJSON *doc)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "type");
	return cJSON_IsString(t) ? t->valuestring : "unknown";
}

struct remote_write {
	const char *id, *rev;
	const cJSON *body;	/* what the record holds now (a tombstone keeps it) */
	const char *base;	/* the endpoint's body at rev, as text */
	bool deleted, dirty;
};

static int write_remote(struct cache *c, const struct remote_write *w, char **err)
{
	sqlite3_stmt *st = cache_stmt(c,
		"INSERT INTO docs(id, type, body, rev, base, dirty, deleted, updated_at)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
		" ON CONFLICT(id) DO UPDATE SET type = ?2, body = ?3, rev = ?4, base = ?5,"
		" dirty = ?6, deleted = ?7, rejected = NULL, updated_at = excluded.updated_at", err);
	if (!st)
		return -1;
	char *body = cJSON_PrintUnformatted(w->body);
	sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type_name(w->body), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, w->rev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, w->base, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, w->dirty);
	sqlite3_bind_int(st, 7, w->deleted);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "saving a pulled record", err);
	cache_release(c, st);
	free(body);
	return rc ? -1 : store_index(c, w->id, w->body, w->deleted, err);
}

static int save_conflict(struct cache *c, const char *id, const cJSON *mine, const cJSON *theirs,
			 const char *rev, const char *base, const cJSON *fields, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "INSERT OR REPLACE INTO conflicts(id, mine, theirs, "
		"theirs_rev, base, fields, at) VALUES(?, ?, ?, ?, ?, ?, "
		"strftime('%Y-%m-%dT%H:%M:%SZ','now'))", err);
	if (!st)
		return -1;
	char *m = mine ? cJSON_PrintUnformatted(mine) : NULL;
	char *t = theirs ? cJSON_PrintUnformatted(theirs) : NULL;
	char *f = cJSON_PrintUnformatted(fields);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, m, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, base, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "saving a conflict", err);
	sqlite3_finalize(st);
	free(m), free(t), free(f);
	return rc;
}

static int history_of(struct cache *c, const char *id, const struct cache_doc *old,
		      const cJSON *now, bool deleted, const char *kind, char **err)
{
	long long batch = 0;
	char *before = old->body && !old->deleted ? cJSON_PrintUnformatted(old->body) : NULL;
	char *after = now && !deleted ? cJSON_PrintUnformatted(now) : NULL;
	/* Signed by whoever made the change on the endpoint, as its record says. */
	const cJSON *by = now ? cJSON_GetObjectItemCaseSensitive(now, "updated_by") : NULL;
	int rc = before || after ? store_history(c, id, before, after, kind,
						 cJSON_IsString(by) ? by->valuestring : "endpoint",
						 &batch, err) : 0;
	free(before);
	free(after);
	return rc;
}

/* A delete that came from the endpoint does here what a delete made here
 * does to the records that give way (a scheduled proposal whose event went
 * is accepted again): an edit of this cache, pushed as any other. It is
 * not undone by u (the delete is not this cache's to undo), and references
 * are left unchecked so that it never stops the pull. */
static int detach_pulled(struct cache *c, const char *id, char **err)
{
	struct store_opts o = { .kind = HIST_DETACH, .skip_refs = true };
	return store_detach_referrers(c, id, &o, err);
}

/* The endpoint's version replaces a record with no unsynced edit. */
static int take(struct cache *c, const char *id, const char *rev, cJSON *theirs,
		const struct cache_doc *old, char **err)
{
	if (!theirs && (!old->body || old->deleted))
		return 0;	/* deleted there, never here or deleted here too */
	char *base = theirs ? cJSON_PrintUnformatted(theirs) : NULL;
	struct remote_write w = { .id = id, .rev = rev, .body = theirs ? theirs : old->body,
				  .base = base, .deleted = !theirs };
	int rc = write_remote(c, &w, err);
	if (!rc && old->body)
		rc = history_of(c, id, old, theirs, !theirs, HIST_PULL, err);
	if (!rc && !theirs)
		rc = detach_pulled(c, id, err);
	free(base);
	return rc;
}

/* The endpoint's version meets an unsynced edit here. */
static int merge(struct cache *c, const char *id, const char *rev, cJSON *theirs,
		 const struct cache_doc *old, struct replica_stats *st, char **err)
{
	sqlite3_stmt *q = cache_prepare(c, "SELECT base FROM docs WHERE id = ?", err);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	cJSON *base = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)
		? cJSON_Parse((const char *)sqlite3_column_text(q, 0)) : NULL;
	sqlite3_finalize(q);
	const cJSON *mine = old->deleted ? NULL : old->body;
	cJSON *merged = NULL, *fields = NULL;
	merge3(base, mine, theirs, &merged, &fields);
	char *theirs_text = theirs ? cJSON_PrintUnformatted(theirs) : NULL;
	bool clean = cJSON_GetArraySize(fields) == 0;
	bool same = merged && theirs ? record_same_content(merged, theirs) : merged == theirs;
	/* Both sides made the same change (two caches let a pulled delete send
	 * a proposal back alike): the endpoint's version, stamps and all, with
	 * nothing left to push. */
	const cJSON *body = clean && same && theirs ? theirs : merged ? merged : old->body;
	struct remote_write w = { .id = id, .rev = rev, .body = body,
				  .base = theirs_text, .deleted = !merged, .dirty = !(clean && same) };
	int rc = write_remote(c, &w, err);
	if (!rc && !clean) {
		char *b = base ? cJSON_PrintUnformatted(base) : NULL;
		rc = save_conflict(c, id, mine, theirs, rev, b, fields, err);
		free(b);
	}
	if (!rc)
		rc = history_of(c, id, old, merged, !merged, HIST_MERGE, err);
	if (!rc && !merged)
		rc = detach_pulled(c, id, err);
	if (clean)
		st->merged++;
	else
		st->conflicts++;
	free(theirs_text);
	cJSON_Delete(base), cJSON_Delete(merged), cJSON_Delete(fields);
	return rc;
}

int replica_apply(struct cache *c, const cJSON *remote, struct replica_stats *st, char **err)
{
	const cJSON *idj = cJSON_GetObjectItemCaseSensitive(remote, "_id");
	const cJSON *revj = cJSON_GetObjectItemCaseSensitive(remote, "_rev");
	if (!cJSON_IsString(idj) || !cJSON_IsString(revj))
		return err_set(err, "the endpoint sent a document without _id or _rev");
	const char *id = idj->valuestring, *rev = revj->valuestring;
	if (id[0] == '_') {	/* design documents belong to the endpoint */
		st->skipped++;
		return 0;
	}
	struct cache_doc old;
	if (cache_get(c, id, &old, err) < 0)
		return -1;
	int rc = 0;
	cJSON *theirs = remote_body(remote);
	if (old.rev && !strcmp(old.rev, rev))
		st->unchanged++;
	else if (!old.body || !old.dirty) {
		rc = take(c, id, rev, theirs, &old, err);
		st->taken++;
	} else {
		rc = merge(c, id, rev, theirs, &old, st, err);
	}
	cJSON_Delete(theirs);
	cache_doc_free(&old);
	return rc;
}
