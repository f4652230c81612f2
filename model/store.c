/*
 * The one write path of the cache: a record, its history row and its search
 * row, together. Edits, deletes, undo, import and the seed all come here.
 */
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void cache_doc_free(struct cache_doc *d)
{
	cJSON_Delete(d->body);
	free(d->rev);
	free(d->rejected);
	*d = (struct cache_doc){ 0 };
}

static char *column_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

int cache_get(struct cache *c, const char *id, struct cache_doc *out, char **err)
{
	*out = (struct cache_doc){ 0 };
	sqlite3_stmt *st = cache_stmt(c, "SELECT body, rev, dirty, deleted, rejected "
					 "FROM docs WHERE id = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->body = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		out->rev = column_text(st, 1);
		out->dirty = sqlite3_column_int(st, 2);
		out->deleted = sqlite3_column_int(st, 3);
		out->rejected = column_text(st, 4);
		rc = out->body ? 1 : err_set(err, "cache %s: record %s is not valid JSON",
					      c->path, id);
	} else {
		rc = rc == SQLITE_DONE ? 0 : cache_fail(c, "reading a record", err);
	}
	cache_release(c, st);
	return rc;
}

bool cache_ref_exists(void *cache, const char *id, const char *type)
{
	struct cache *c = cache;
	sqlite3_stmt *st = cache_stmt(c, "SELECT 1 FROM docs WHERE id = ? AND type = ? "
					 "AND deleted = 0", NULL);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	cache_release(c, st);
	return found;
}

/* Refuses a parent that would make the area tree a loop. */
static int check_no_cycle(struct cache *c, const cJSON *doc, char **err)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(doc, "parent");
	char *at = cJSON_IsString(p) ? xstrdup(p->valuestring) : NULL;
	int rc = 0;
	for (int depth = 0; at && !rc; depth++) {
		if (!strcmp(at, record_id(doc)) || depth > 64) {
			rc = err_set(err, "%s: field 'parent': %s would make the tree a loop",
				     record_id(doc), p->valuestring);
			break;
		}
		struct cache_doc d;
		int found = cache_get(c, at, &d, err);
		free(at);
		at = NULL;
		if (found < 0)
			rc = -1;
		const cJSON *up = found > 0 ? cJSON_GetObjectItemCaseSensitive(d.body, "parent") : NULL;
		if (cJSON_IsString(up))
			at = xstrdup(up->valuestring);
		cache_doc_free(&d);
	}
	free(at);
	return rc;
}

/* An undo puts back what was; any other local edit is one the type may
 * add to (fields.h, type_def.edited). */
static void stamp(struct cache *c, cJSON *doc, const struct cache_doc *old, const char *kind)
{
	char *now = now_utc();
	const cJSON *before = old->body && !old->deleted ? old->body : NULL;
	const struct type_def *t = record_type(doc);
	if (t && t->edited && !(kind && !strcmp(kind, HIST_UNDO)))
		t->edited(doc, before, now);
	const cJSON *created = before ? cJSON_GetObjectItemCaseSensitive(before, "created_at")
		: NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "created_at");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "updated_at");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "updated_by");
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "_rev");
	cJSON_AddStringToObject(doc, "created_at", cJSON_IsString(created)
				? created->valuestring : now);
	cJSON_AddStringToObject(doc, "updated_at", now);
	cJSON_AddStringToObject(doc, "updated_by", c->author ? c->author : "unknown");
	free(now);
}

static int write_doc(struct cache *c, const char *id, const char *type, const char *body,
		     const struct store_opts *o, char **err)
{
	sqlite3_stmt *st = cache_stmt(c,
		"INSERT INTO docs(id, type, body, dirty, deleted, updated_at, base)"
		" VALUES(?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?6)"
		" ON CONFLICT(id) DO UPDATE SET type = ?2, body = ?3, deleted = ?5,"
		/* a record the endpoint never saw needs no tombstone pushed */
		" dirty = CASE WHEN ?5 = 1 AND rev IS NULL AND base IS NULL THEN 0 ELSE ?4 END,"
		" updated_at = excluded.updated_at, rejected = NULL,"
		" base = CASE WHEN ?4 = 0 THEN ?3 ELSE base END", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, !o->clean);
	sqlite3_bind_int(st, 5, o->deleted);
	if (o->clean)
		sqlite3_bind_text(st, 6, body, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "saving a record", err);
	cache_release(c, st);
	return rc;
}

/* One number from a statement with one parameter (or none), or -1. */
static sqlite3_int64 one_int(struct cache *c, const char *sql, const char *text,
			     sqlite3_int64 n, char **err)
{
	sqlite3_stmt *st = cache_stmt(c, sql, err);
	if (!st)
		return -1;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, n);
	int step = sqlite3_step(st);
	sqlite3_int64 v = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	cache_release(c, st);
	if (step != SQLITE_ROW)
		cache_fail(c, "indexing", err);
	return v;
}

/* Writes search row n: the old one goes, the new text (if any) comes in. */
static int put_search(struct cache *c, sqlite3_int64 n, const char *kind, const char *text,
		      char **err)
{
	/* A delete makes FTS5 write out what it holds in memory as a segment:
	 * done for every record of a pull, that is a segment (and soon a merge)
	 * per record. So only a row that is there is deleted. */
	sqlite3_int64 had = one_int(c, "SELECT count(*) FROM search WHERE rowid = ?", NULL, n, err);
	if (had < 0)
		return -1;
	int rc = 0;
	if (had) {
		sqlite3_stmt *del = cache_stmt(c, "DELETE FROM search WHERE rowid = ?", err);
		if (!del)
			return -1;
		sqlite3_bind_int64(del, 1, n);
		rc = sqlite3_step(del) == SQLITE_DONE ? 0 : cache_fail(c, "indexing", err);
		cache_release(c, del);
	}
	if (rc || !text)
		return rc;
	sqlite3_stmt *ins = cache_stmt(c, "INSERT INTO search(rowid, kind, text) "
					  "VALUES(?, ?, ?)", err);
	if (!ins)
		return -1;
	sqlite3_bind_int64(ins, 1, n);
	sqlite3_bind_text(ins, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : cache_fail(c, "indexing", err);
	cache_release(c, ins);
	return rc;
}

static void free_batched(struct cache *c)
{
	for (int i = 0; i < c->nbatched; i++) {
		free(c->batched[i].kind);
		free(c->batched[i].text);
	}
	c->nbatched = 0;
}

void cache_batch_search(struct cache *c)
{
	c->batch_search = c->depth > 0;
}

int cache_flush_search(struct cache *c, char **err)
{
	int rc = 0;
	for (int i = 0; i < c->nbatched && !rc; i++)
		rc = put_search(c, c->batched[i].n, c->batched[i].kind, c->batched[i].text, err);
	free_batched(c);
	return rc;
}

void cache_end_search_batch(struct cache *c)
{
	free_batched(c);
	free(c->batched);
	c->batched = NULL;
	c->cap_batched = 0;
	c->batch_search = false;
}

static int write_search(struct cache *c, const char *id, const cJSON *doc, bool deleted,
			char **err)
{
	sqlite3_int64 n = one_int(c, "SELECT n FROM docs WHERE id = ?", id, 0, err);
	if (n < 0)
		return -1;
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(doc, "type");	/* maybe a newer type */
	const char *k = cJSON_IsString(kind) ? kind->valuestring : "";
	char *text = deleted ? NULL : record_search_text(doc);
	if (!c->batch_search) {
		int rc = put_search(c, n, k, text, err);
		free(text);
		return rc;
	}
	if (c->nbatched == c->cap_batched) {
		c->cap_batched = c->cap_batched ? 2 * c->cap_batched : 256;
		c->batched = xrealloc(c->batched, (size_t)c->cap_batched * sizeof *c->batched);
	}
	c->batched[c->nbatched++] = (struct search_row){ n, xstrdup(k), text };
	return 0;
}

static int add_link(sqlite3_stmt *ins, const char *dst)
{
	sqlite3_bind_text(ins, 1, dst, -1, SQLITE_STATIC);
	int rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(ins);
	return rc;
}

static int link_field(sqlite3_stmt *ins, const char *id, const struct field_def *f,
		      const cJSON *v)
{
	int rc = 0;
	const cJSON *a;
	sqlite3_bind_text(ins, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, f->name, -1, SQLITE_STATIC);
	if (cJSON_IsString(v))
		rc = add_link(ins, v->valuestring);
	cJSON_ArrayForEach(a, v)
		if (!rc)
			rc = add_link(ins, f->kind == FIELD_VOTES ? a->string : a->valuestring);
	return rc;
}

/* Keeps the links table (who refers to whom) in step with the record. */
static int write_links(struct cache *c, const char *id, const cJSON *doc, bool deleted,
		       char **err)
{
	sqlite3_stmt *del = cache_stmt(c, "DELETE FROM links WHERE src = ?", err);
	if (!del)
		return -1;
	sqlite3_bind_text(del, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(del) == SQLITE_DONE ? 0 : -1;
	cache_release(c, del);
	if (rc || deleted)
		return rc ? cache_fail(c, "saving links", err) : 0;
	sqlite3_stmt *ins = cache_stmt(c, "INSERT OR IGNORE INTO links(dst, src, field, key) "
					  "VALUES(?, ?, ?, ?)", err);
	if (!ins)
		return -1;
	char *key = record_link_key(doc);
	sqlite3_bind_text(ins, 4, key, -1, free);
	const struct type_def *t = record_type(doc);
	for (size_t i = 0; t && !rc && i < t->nfields; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, t->fields[i].name);
		if (t->fields[i].ref && v)
			rc = link_field(ins, id, &t->fields[i], v);
	}
	cache_release(c, ins);
	return rc ? cache_fail(c, "saving links", err) : 0;
}

int store_index(struct cache *c, const char *id, const cJSON *doc, bool deleted, char **err)
{
	if (write_search(c, id, doc, deleted, err))
		return -1;
	return write_links(c, id, doc, deleted, err);
}

int store_history(struct cache *c, const char *id, const char *before, const char *after,
		  const char *kind, const char *by, long long *batch, char **err)
{
	/* The batch number is read first rather than by a subquery with
	 * RETURNING: such a statement opens a statement journal, and FTS5 then
	 * writes out the search rows it holds in memory, once per record. */
	if (!*batch)
		*batch = one_int(c, "SELECT coalesce(max(seq), 0) + 1 FROM history",
				 NULL, 0, err);
	if (*batch < 0)
		return -1;
	sqlite3_stmt *st = cache_stmt(c,
		"INSERT INTO history(id, kind, before, after, at, by, batch) VALUES(?, ?, ?, ?,"
		" strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, before, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, by ? by : c->author, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, *batch);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "recording history", err);
	cache_release(c, st);
	return rc;
}

/* True when doc says what the stored record says; with keep_meta the
 * timestamps count too, else they are about to be stamped anew. */
static bool same_body(const struct cache_doc *old, const cJSON *doc, bool deleted,
		      bool keep_meta)
{
	if (!old->body || old->deleted != deleted)
		return false;
	if (keep_meta)
		return cJSON_Compare(old->body, doc, 1);
	return record_same_content(old->body, doc);
}

static int store_checked(struct cache *c, cJSON *doc, struct store_opts *o,
			 const struct cache_doc *old, char **err)
{
	const char *id = record_id(doc);
	if (same_body(old, doc, o->deleted, true) && (!o->clean || !old->dirty))
		return 0;
	char *body = cJSON_PrintUnformatted(doc);
	char *before = old->body && !old->deleted ? cJSON_PrintUnformatted(old->body) : NULL;
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");	/* maybe unknown */
	int rc = write_doc(c, id, cJSON_IsString(type) ? type->valuestring : "", body, o, err);
	if (!rc)
		rc = store_index(c, id, doc, o->deleted, err);
	if (!rc && o->kind)
		rc = store_history(c, id, before, o->deleted ? NULL : body, o->kind, NULL,
				   &o->batch, err);
	free(body);
	free(before);
	return rc ? -1 : 1;
}

/* The endpoint's body this record derives from, or NULL. */
static cJSON *stored_base(struct cache *c, const char *id)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT base FROM docs WHERE id = ?", NULL);
	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	cJSON *base = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		? cJSON_Parse((const char *)sqlite3_column_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	return base;
}

/* An edit that brings a record back to what the endpoint has (an undo, or
 * a value typed back) leaves nothing to push: it takes the endpoint's body,
 * timestamps included, and is clean again. */
static bool back_to_base(struct cache *c, cJSON *doc, const struct cache_doc *old,
			 const struct store_opts *o)
{
	if (o->clean || o->deleted || !old->body || !old->dirty)
		return false;
	cJSON *base = stored_base(c, record_id(doc));
	bool same = base && record_same_content(base, doc);
	if (same) {	/* doc takes base's members, in base's order */
		cJSON *members = doc->child;
		doc->child = base->child;
		base->child = members;
	}
	cJSON_Delete(base);
	return same;
}

/* Checks doc; fields this version does not know pass when the stored
 * record already had them (a newer noron put them there, through the
 * endpoint), so editing the fields we know keeps theirs. */
static int check_known(struct cache *c, const cJSON *doc, const struct cache_doc *old,
		       const struct store_opts *o, char **err)
{
	const struct type_def *t = record_type(doc);
	cJSON *copy = NULL;
	for (const cJSON *m = t && old->body ? doc->child : NULL; m; m = m->next) {
		if (record_meta_member(m->string) || field_find(t, m->string)
		    || !cJSON_GetObjectItemCaseSensitive(old->body, m->string))
			continue;
		if (!copy)
			copy = cJSON_Duplicate(doc, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(copy, m->string);
	}
	int rc = record_check(copy ? copy : doc, o->skip_refs ? NULL : cache_ref_exists, c, err);
	cJSON_Delete(copy);
	return rc;
}

int cache_store(struct cache *c, cJSON *doc, struct store_opts *o, char **err)
{
	struct cache_doc old;
	const char *id = record_id(doc);
	if (!id)
		return err_set(err, "record without an _id");
	if (cache_get(c, id, &old, err) < 0)
		return -1;
	if (!o->keep_meta && same_body(&old, doc, o->deleted, false) && !o->clean) {
		cache_doc_free(&old);
		return 0;	/* nothing changed: no new timestamp, no history row */
	}
	if (!o->keep_meta)
		stamp(c, doc, &old, o->kind);
	/* A tombstone carries no fields: a malformed record (one the endpoint
	 * refused, say) can be deleted. */
	int rc = o->deleted ? 0 : check_known(c, doc, &old, o, err);
	if (!rc && !o->deleted && field_find(record_type(doc), "parent"))
		rc = check_no_cycle(c, doc, err);
	struct store_opts local = *o;
	if (!rc && back_to_base(c, doc, &old, o))
		local.clean = true;
	if (!rc)
		rc = store_checked(c, doc, &local, &old, err);
	o->batch = local.batch;
	cache_doc_free(&old);
	return rc;
}

int cache_save(struct cache *c, cJSON *doc, const char *kind, char **err)
{
	struct store_opts o = { .kind = kind };
	if (cache_begin(c, err))
		return -1;
	int rc = cache_store(c, doc, &o, err);
	if (rc < 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err) ? -1 : rc;
}
