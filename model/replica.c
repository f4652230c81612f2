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
		" dirty = ?6, deleted = ?7, rejected = NULL, prior_rev = NULL,"
		" updated_at = excluded.updated_at", err);
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

/* The states this cache's own edits gave the record after base, the
 * endpoint's version it last knew, newest first (JSON null: deleted). An
 * edit pushed by a sync cut off before it could note the new revision comes
 * back from the endpoint as one of them, or inside another's later edit. */
static cJSON *own_states(struct cache *c, const char *id, const cJSON *base)
{
	cJSON *states = cJSON_CreateArray();
	sqlite3_stmt *q = cache_prepare(c, "SELECT kind, after FROM history WHERE id = ? "
					"ORDER BY seq DESC", NULL);
	if (!q)
		return states;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	bool older = false;
	while (!older && sqlite3_step(q) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(q, 0);
		const char *text = (const char *)sqlite3_column_text(q, 1);
		cJSON *after = text ? cJSON_Parse(text) : cJSON_CreateNull();
		/* states from the endpoint's version back are known to it */
		older = !strcmp(kind, HIST_PULL) || (base && after && cJSON_Compare(after, base, 1));
		if (!older && after)
			cJSON_AddItemToArray(states, after);
		else
			cJSON_Delete(after);
		older |= !strcmp(kind, HIST_MERGE);	/* it took the endpoint's version as base */
	}
	sqlite3_finalize(q);
	return states;
}

/* Whether theirs (NULL: deleted) is one of the own states. Time and author
 * count, so another's identical edit does not pass for ours. */
static bool is_own_state(const cJSON *states, const cJSON *theirs)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, states)
		if (theirs ? cJSON_Compare(s, theirs, 1) : cJSON_IsNull(s))
			return true;
	return false;
}

/* Takes off the conflicts a field has only with a value this cache's own
 * edits gave it since base: another cache that pulled a cut-off push and
 * changed other fields sends it back, and the later own edit stands (as it
 * would have, had the push been noted). */
static void settle_own_values(const cJSON *states, const cJSON *theirs, cJSON *fields)
{
	for (int i = cJSON_GetArraySize(fields) - 1; i >= 0; i--) {
		const char *name = cJSON_GetArrayItem(fields, i)->valuestring;
		const cJSON *tv = cJSON_GetObjectItemCaseSensitive(theirs, name);
		const cJSON *s;
		cJSON_ArrayForEach(s, states) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, name);
			if (cJSON_IsObject(s) && (v && tv ? cJSON_Compare(v, tv, 1) : v == tv)) {
				cJSON_DeleteItemFromArray(fields, i);
				break;
			}
		}
	}
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
	cJSON *states = own_states(c, id, base);
	if (is_own_state(states, theirs)) {	/* mine was made from theirs: it wins */
		merged = mine ? cJSON_Duplicate(mine, 1) : NULL;
		fields = cJSON_CreateArray();
	} else {
		merge3(base, mine, theirs, &merged, &fields);
		if (merged && theirs)
			settle_own_values(states, theirs, fields);
	}
	cJSON_Delete(states);
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

/* The revision id had before the endpoint lost it (replica_reset), or NULL. */
static char *prior_rev(struct cache *c, const char *id)
{
	sqlite3_stmt *q = cache_prepare(c, "SELECT prior_rev FROM docs WHERE id = ? AND rev IS NULL"
					" AND prior_rev IS NOT NULL", NULL);
	if (!q)
		return NULL;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	char *out = sqlite3_step(q) == SQLITE_ROW ? xstrdup((const char *)sqlite3_column_text(q, 0))
		: NULL;
	sqlite3_finalize(q);
	return out;
}

/* This cache held theirs, exactly (stamps included), at some time: its
 * history has it. */
static bool had_version(struct cache *c, const char *id, const cJSON *theirs)
{
	sqlite3_stmt *q = cache_prepare(c, "SELECT after FROM history WHERE id = ? AND "
					"after IS NOT NULL ORDER BY seq DESC", NULL);
	if (!q)
		return false;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	bool found = false;
	while (!found && sqlite3_step(q) == SQLITE_ROW) {
		cJSON *v = cJSON_Parse((const char *)sqlite3_column_text(q, 0));
		found = v && cJSON_Compare(v, theirs, 1);
		cJSON_Delete(v);
	}
	sqlite3_finalize(q);
	return found;
}

/* The endpoint holds a version this cache had already (it lost the newer
 * one): this cache's record goes on top of it, pushed unless the same. */
static int put_on_top(struct cache *c, const char *id, const char *rev, const cJSON *theirs,
		      const struct cache_doc *old, char **err)
{
	bool same = theirs && !old->deleted ? cJSON_Compare(theirs, old->body, 1)
		: !theirs && old->deleted;
	char *base = theirs ? cJSON_PrintUnformatted(theirs) : NULL;
	struct remote_write w = { .id = id, .rev = rev, .body = old->body, .base = base,
				  .deleted = old->deleted, .dirty = !same };
	int rc = write_remote(c, &w, err);
	free(base);
	return rc;
}

/* A record pulled after a reset, which had revision prior before it. */
static int apply_after_reset(struct cache *c, const char *id, const char *rev,
			     const cJSON *theirs, const char *prior, struct cache_doc *old,
			     struct replica_stats *st, char **err)
{
	if (!strcmp(prior, rev) || (theirs && had_version(c, id, theirs))) {
		st->unchanged++;
		return put_on_top(c, id, rev, theirs, old, err);
	}
	free(old->rev);		/* a newer version: merged against what this cache knew */
	old->rev = xstrdup(prior);
	return 1;
}

/* The endpoint's version against the revision the cache knows (old->rev). */
static int apply_known(struct cache *c, const char *id, const char *rev, cJSON *theirs,
		       const struct cache_doc *old, struct replica_stats *st, char **err)
{
	if (old->rev && !strcmp(old->rev, rev)) {
		st->unchanged++;
		return 0;
	}
	if (!old->body || !old->dirty) {
		st->taken++;
		return take(c, id, rev, theirs, old, err);
	}
	return merge(c, id, rev, theirs, old, st, err);
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
	cJSON *theirs = remote_body(remote);
	int rc = 1;
	char *prior = old.body && !old.rev ? prior_rev(c, id) : NULL;
	if (prior)
		rc = apply_after_reset(c, id, rev, theirs, prior, &old, st, err);
	if (rc == 1)
		rc = apply_known(c, id, rev, theirs, &old, st, err);
	free(prior);
	cJSON_Delete(theirs);
	cache_doc_free(&old);
	return rc;
}
