/*
 * JSON import and export, and the seed a new cache starts from (see
 * exchange.h). Import and seed share one path into the cache.
 */
#include "exchange.h"
#include "cache_internal.h"
#include "files.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

extern const char noron_seed_json[];

/* cJSON would cut a string at an escaped NUL (\u0000) and hide it; as
 * \u0001 it stays a control character the field's check refuses by name. */
static void expose_nul(char *text)
{
	for (char *p = text; (p = strstr(p, "u0000")); p++) {
		int slashes = 0;
		for (const char *q = p - 1; q >= text && *q == '\\'; q--)
			slashes++;
		if (slashes % 2)
			p[4] = '1';
	}
}

static cJSON *parse_export(const char *original, const char *name, char **err)
{
	char *text = xstrdup(original);
	expose_nul(text);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		err_set(err, "%s: broken JSON at line %d", name, text_line_of(text, at ? at : text));
		free(text);
		return NULL;
	}
	free(text);
	cJSON *records = cJSON_IsArray(root) ? root
		: cJSON_GetObjectItemCaseSensitive(root, "records");
	if (!cJSON_IsArray(records)) {
		cJSON_Delete(root);
		err_set(err, "%s: not a noron export (no \"records\" list)", name);
		return NULL;
	}
	return root;
}

/* True when the cache holds a later edit of doc than the file does: an
 * import never replaces a newer edit with an older one. */
static bool local_is_newer(struct cache *c, const cJSON *doc)
{
	struct cache_doc d = { 0 };
	bool newer = false;
	const cJSON *theirs = cJSON_GetObjectItemCaseSensitive(doc, "updated_at");
	if (cJSON_IsString(theirs) && cache_get(c, record_id(doc), &d, NULL) > 0) {
		const cJSON *mine = cJSON_GetObjectItemCaseSensitive(d.body, "updated_at");
		newer = cJSON_IsString(mine) && strcmp(mine->valuestring, theirs->valuestring) > 0;
	}
	cache_doc_free(&d);
	return newer;
}

static int import_one(struct cache *c, cJSON *doc, struct store_opts *o,
		      struct import_stats *stats, char **err)
{
	if (!cJSON_IsObject(doc))
		return err_set(err, "a record must be a JSON object");
	if (record_normalize(doc, err))
		return -1;
	o->keep_meta = cJSON_GetObjectItemCaseSensitive(doc, "updated_at") != NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "_rev");
	const char *id = record_id(doc);
	bool existed = id && cache_ref_exists(c, id, record_type(doc) ? record_type(doc)->name : "");
	if (existed && local_is_newer(c, doc)) {
		stats->kept++;
		return 0;
	}
	int rc = cache_store(c, doc, o, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		stats->unchanged++;
	else if (existed)
		stats->updated++;
	else
		stats->added++;
	return 0;
}

/* Prefixes *err with where in the file the bad record is. */
static int at_record(char **err, const char *name, int index)
{
	char *inner = *err;
	*err = NULL;
	err_set(err, "%s: record %d: %s", name, index + 1, inner);
	free(inner);
	return -1;
}

struct id_at {
	const char *id;
	int index;
};

static int by_id(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;
	int d = strcmp(x->id, y->id);
	return d ? d : x->index - y->index;
}

/* A record twice in one file has no one value to take: the file is refused
 * (taking both would change the cache at every import of it). */
static int refuse_repeated_ids(const cJSON *records, const char *name, char **err)
{
	int n = cJSON_GetArraySize(records), k = 0;
	struct id_at *ids = xmalloc(((size_t)n + 1) * sizeof *ids);
	const cJSON *doc;
	int i = 0;
	cJSON_ArrayForEach(doc, records) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "_id");
		if (cJSON_IsString(id))
			ids[k++] = (struct id_at){ id->valuestring, i };
		i++;
	}
	qsort(ids, (size_t)k, sizeof *ids, by_id);
	int rc = 0;
	for (i = 1; i < k && !rc; i++)
		if (!strcmp(ids[i].id, ids[i - 1].id))
			rc = err_set(err, "%s: record %d: %s appears twice in the file (also record %d)",
				     name, ids[i].index + 1, ids[i].id, ids[i - 1].index + 1);
	free(ids);
	return rc;
}

static int import_records(struct cache *c, cJSON *records, const char *name, bool seed,
			  struct import_stats *stats, char **err)
{
	if (refuse_repeated_ids(records, name, err))
		return -1;
	struct store_opts o = { .kind = seed ? NULL : HIST_IMPORT, .clean = seed,
				.skip_refs = true };
	int i = 0;
	cJSON *doc;
	cache_batch_search(c);
	cJSON_ArrayForEach(doc, records) {
		if (import_one(c, doc, &o, stats, err))
			return at_record(err, name, i);
		/* The search rows go in a thousand at a time. */
		if (++i % 1000 == 0 && cache_flush_search(c, err))
			return -1;
	}
	/* References are checked once every record of the file is in. */
	i = 0;
	cJSON_ArrayForEach(doc, records) {
		if (record_check(doc, cache_ref_exists, c, err))
			return at_record(err, name, i);
		i++;
	}
	return 0;
}

static int import_text(struct cache *c, const char *text, const char *name, bool seed,
		       struct import_stats *stats, char **err)
{
	*stats = (struct import_stats){ 0 };
	cJSON *root = parse_export(text, name, err);
	if (!root)
		return -1;
	cJSON *records = cJSON_IsArray(root) ? root
		: cJSON_GetObjectItemCaseSensitive(root, "records");
	int rc = cache_begin(c, err);
	if (!rc && import_records(c, records, name, seed, stats, err)) {
		cache_rollback(c);
		*stats = (struct import_stats){ 0 };
		rc = -1;
	} else if (!rc) {
		rc = cache_commit(c, err);
	}
	cJSON_Delete(root);
	return rc;
}

int import_json(struct cache *c, const char *text, const char *name,
		struct import_stats *stats, char **err)
{
	return import_text(c, text, name, false, stats, err);
}

int seed_load(struct cache *c, char **err)
{
	struct import_stats stats;
	return import_text(c, noron_seed_json, "seed", true, &stats, err);
}

static int export_type(struct cache *c, const struct type_def *t, FILE *out, long *n,
		       char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT body FROM docs WHERE type = ? AND deleted = 0"
					 " ORDER BY id", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char *safe = json_safe((const char *)sqlite3_column_text(st, 0));
		fprintf(out, "%s\n  %s", (*n)++ ? "," : "", safe);
		free(safe);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : cache_fail(c, "reading records", err);
}

int export_json(struct cache *c, FILE *out, char **err)
{
	char *now = now_utc();
	fprintf(out, "{\"noron\": \"export\", \"version\": 1, \"exported_at\": \"%s\", "
		"\"records\": [", now);
	free(now);
	long n = 0;
	/* One read transaction: the export is one consistent picture. */
	if (sqlite3_exec(cache_db(c), "BEGIN", NULL, NULL, NULL))
		return cache_fail(c, "reading records", err);
	int rc = 0;
	for (size_t i = 0; i < record_type_count && !rc; i++)
		rc = export_type(c, record_types[i], out, &n, err);
	sqlite3_exec(cache_db(c), "COMMIT", NULL, NULL, NULL);
	fputs("\n]}\n", out);
	return rc;
}
