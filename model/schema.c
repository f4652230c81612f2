/*
 * The cache's schema and its forward migrations, one step per version in
 * PRAGMA user_version. Listing indexes come from the field tables.
 */
#include "cache_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* A record's status as type_counts keeps it ('' for none). */
#define STATUS(row) "coalesce(json_extract(" row ".body, '$.status'), '')"

/* migrations[v] takes a cache from version v to v + 1. */
static const char *const migrations[] = {
	"CREATE TABLE docs("
	"  n INTEGER PRIMARY KEY,"	/* stable rowid shared with the search index */
	"  id TEXT NOT NULL UNIQUE,"
	"  type TEXT NOT NULL,"
	"  body TEXT NOT NULL CHECK(json_valid(body)),"
	"  rev TEXT,"			/* endpoint revision the body derives from */
	"  base TEXT,"			/* body as of rev: ancestor for a 3-way merge */
	"  dirty INTEGER NOT NULL DEFAULT 0,"
	"  deleted INTEGER NOT NULL DEFAULT 0,"
	"  rejected TEXT,"		/* why the endpoint refused the last push */
	"  updated_at TEXT NOT NULL);"
	"CREATE INDEX docs_dirty ON docs(dirty) WHERE dirty = 1;"
	"CREATE TABLE links("		/* references between live records, both ways */
	"  dst TEXT NOT NULL, src TEXT NOT NULL, field TEXT NOT NULL,"
	"  PRIMARY KEY(dst, src, field)) WITHOUT ROWID;"
	"CREATE INDEX links_src ON links(src);"
	"CREATE TABLE history("
	"  seq INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL REFERENCES docs(id),"
	"  kind TEXT NOT NULL,"
	"  before TEXT, after TEXT,"	/* NULL: the record did not exist or was deleted */
	"  at TEXT NOT NULL, by TEXT,"
	"  batch INTEGER NOT NULL,"
	"  undone INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX history_id ON history(id, seq);"
	"CREATE INDEX history_undo ON history(batch) WHERE undone = 0;"
	"CREATE TABLE conflicts("
	"  id TEXT PRIMARY KEY REFERENCES docs(id),"
	"  mine TEXT, theirs TEXT, theirs_rev TEXT, base TEXT, fields TEXT, at TEXT);"
	"CREATE TABLE sync_state("
	"  endpoint TEXT PRIMARY KEY, last_seq TEXT, last_ok TEXT, last_error TEXT,"
	"  last_try TEXT);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta VALUES('uuid', lower(hex(randomblob(16))));"
	"INSERT INTO meta VALUES('created_at', strftime('%Y-%m-%dT%H:%M:%SZ','now'));"
	"CREATE VIRTUAL TABLE search USING fts5(text, tokenize = 'unicode61');",
	/* 2: each link carries its source's type and order (record_link_key),
	 * so a record's linked records come a window at a time, in order. */
	"ALTER TABLE links ADD COLUMN key TEXT NOT NULL DEFAULT '';"
	"UPDATE links SET key = coalesce((SELECT noron_link_key(d.body) FROM docs d"
	" WHERE d.id = links.src), '');"
	"CREATE INDEX links_order ON links(dst, key, src);",
	/* 3: prefix indexes for the one- to three-letter prefixes a filter
	 * starts with, which otherwise merge the lists of thousands of words. */
	"CREATE VIRTUAL TABLE search_new USING fts5(text, tokenize = 'unicode61',"
	" prefix = '1 2 3');"
	"INSERT INTO search_new(rowid, text) SELECT rowid, text FROM search;"
	"DROP TABLE search;"
	"ALTER TABLE search_new RENAME TO search;"
	"INSERT INTO search(search) VALUES('optimize');",
	/* 4: each search row says its record's type (kind), so a filtered
	 * listing asks the index for its type's matches only and counts them
	 * there, instead of taking every type's and sorting them out. */
	"CREATE VIRTUAL TABLE search_new USING fts5(kind, text, tokenize = 'unicode61',"
	" prefix = '1 2 3');"
	"INSERT INTO search_new(rowid, kind, text) SELECT s.rowid, d.type, s.text"
	" FROM search s JOIN docs d ON d.n = s.rowid;"
	"DROP TABLE search;"
	"ALTER TABLE search_new RENAME TO search;"
	"INSERT INTO search(search) VALUES('optimize');",
	/* 5: the number of live records of each type and status, kept by
	 * triggers, so a list counts its records (all of a type, or those of
	 * some statuses) without reading an index of all of them. */
	"CREATE TABLE type_counts(type TEXT NOT NULL, status TEXT NOT NULL,"
	" live INTEGER NOT NULL, PRIMARY KEY(type, status)) WITHOUT ROWID;"
	"INSERT INTO type_counts SELECT type, " STATUS("docs") ", count(*) FROM docs"
	" WHERE deleted = 0 GROUP BY 1, 2;"
	"CREATE TRIGGER docs_count_insert AFTER INSERT ON docs WHEN NEW.deleted = 0 BEGIN"
	" INSERT INTO type_counts VALUES(NEW.type, " STATUS("NEW") ", 1)"
	"  ON CONFLICT(type, status) DO UPDATE SET live = live + 1; END;"
	"CREATE TRIGGER docs_count_delete AFTER DELETE ON docs WHEN OLD.deleted = 0 BEGIN"
	" UPDATE type_counts SET live = live - 1 WHERE type = OLD.type"
	"  AND status = " STATUS("OLD") "; END;"
	"CREATE TRIGGER docs_count_update AFTER UPDATE OF type, deleted, body ON docs"
	" WHEN OLD.type IS NOT NEW.type OR OLD.deleted IS NOT NEW.deleted"
	"  OR " STATUS("OLD") " IS NOT " STATUS("NEW") " BEGIN"
	" UPDATE type_counts SET live = live - 1 WHERE type = OLD.type"
	"  AND status = " STATUS("OLD") " AND OLD.deleted = 0;"
	" INSERT INTO type_counts SELECT NEW.type, " STATUS("NEW") ", 1 WHERE NEW.deleted = 0"
	"  ON CONFLICT(type, status) DO UPDATE SET live = live + 1; END;",
	/* 6: prefix indexes up to five letters: a word typed into a filter
	 * or the search stays one lookup until it narrows by itself (in a
	 * language where "arkiv" begins half the words, merging their lists
	 * took longer than a keystroke may). */
	"CREATE VIRTUAL TABLE search_new USING fts5(kind, text, tokenize = 'unicode61',"
	" prefix = '1 2 3 4 5');"
	"INSERT INTO search_new(rowid, kind, text) SELECT rowid, kind, text FROM search;"
	"DROP TABLE search;"
	"ALTER TABLE search_new RENAME TO search;"
	"INSERT INTO search(search) VALUES('optimize');",
	/* 7: people and skills sort whatever their case, funds without a
	 * deadline last: their listing indexes are made again (below, from the
	 * field tables). */
	"DROP INDEX IF EXISTS docs_sort_person;"
	"DROP INDEX IF EXISTS docs_sort_skill;"
	"DROP INDEX IF EXISTS docs_sort_fund;",
	/* 8: the mark and revision of the checkpoint document this cache last
	 * wrote on the endpoint (mark, mark_rev), and the mark of the one it is
	 * writing (mark_next, until the endpoint's answer is recorded): any
	 * other document was put back from a backup, and what the backup lacks
	 * is sent again.
	 * prior_rev: the revision a record had before the endpoint lost it, so
	 * that the version the endpoint has now can be told apart from a newer
	 * one. */
	"ALTER TABLE sync_state ADD COLUMN mark TEXT;"
	"ALTER TABLE sync_state ADD COLUMN mark_next TEXT;"
	"ALTER TABLE sync_state ADD COLUMN mark_rev TEXT;"
	"ALTER TABLE docs ADD COLUMN prior_rev TEXT;",
};

#define LATEST ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(LATEST == CACHE_SCHEMA_VERSION, "one migration per schema version");

static int user_version(struct cache *c, int *v, int *tables, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT (SELECT user_version FROM pragma_user_version),"
					 " (SELECT count(*) FROM sqlite_master)", err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : cache_fail(c, "reading the version", err);
	*v = sqlite3_column_int(st, 0);
	*tables = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	return rc;
}

static int migrate_locked(struct cache *c, char **err)
{
	int v, tables;
	if (user_version(c, &v, &tables, err))
		return -1;
	if (v == 0 && tables > 0)
		return err_set(err, "%s is an SQLite database but not a noron cache", c->path);
	if (v > LATEST)
		return err_set(err, "cache %s was written by a newer noron (schema %d; this "
			       "one knows %d): upgrade noron", c->path, v, LATEST);
	for (; v < LATEST; v++) {
		char *bump = str_printf("PRAGMA user_version = %d", v + 1);
		int rc = sqlite3_exec(c->db, migrations[v], NULL, NULL, NULL)
			|| sqlite3_exec(c->db, bump, NULL, NULL, NULL);
		free(bump);
		if (rc)
			return cache_fail(c, "upgrading the schema", err);
	}
	return schema_indexes(c, err);
}

int schema_fresh(struct cache *c, bool *fresh, char **err)
{
	int v, tables;
	if (user_version(c, &v, &tables, err))
		return -1;
	*fresh = v == 0 && tables == 0;
	return 0;
}

int schema_migrate(struct cache *c, char **err)
{
	int v, tables;
	if (user_version(c, &v, &tables, err))
		return -1;
	if (v == LATEST)
		return schema_indexes(c, err);	/* a newer noron may list in new ways */
	if (cache_begin(c, err))
		return -1;
	if (migrate_locked(c, err)) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

/* The listing indexes the cache has: { name: its CREATE statement }. */
static cJSON *listing_indexes(struct cache *c)
{
	cJSON *have = cJSON_CreateObject();
	sqlite3_stmt *st = cache_prepare(c, "SELECT name, sql FROM sqlite_master WHERE "
					 "type = 'index' AND name LIKE 'docs!_%' ESCAPE '!'", NULL);
	while (st && sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_text(st, 1))
			cJSON_AddStringToObject(have, (const char *)sqlite3_column_text(st, 0),
						(const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return have;
}

/* A type's listing index. Its name says which of the type's orders it
 * holds, so one whose order changed in the field table is built anew. */
static void listing_index(struct buf *b, const cJSON *have, const char *name,
			  const char *order, const char *type)
{
	char *def = str_printf("CREATE INDEX %s ON docs(%s, id) WHERE type = '%s' AND "
			       "deleted = 0", name, order, type);
	const cJSON *was = cJSON_GetObjectItemCaseSensitive(have, name);
	if (cJSON_IsString(was) && strcmp(was->valuestring, def))
		buf_printf(b, "DROP INDEX %s;", name);
	buf_printf(b, "CREATE INDEX IF NOT EXISTS%s;", def + strlen("CREATE INDEX"));
	free(def);
}

/* One partial index per type over its sort expression, so a listing reads
 * only the window it shows. */
int schema_indexes(struct cache *c, char **err)
{
	struct buf b = { 0 };
	cJSON *have = listing_indexes(c);
	for (size_t i = 0; i < record_type_count; i++) {
		const struct type_def *t = record_types[i];
		char *name = str_printf("docs_sort_%s", t->name);
		listing_index(&b, have, name, t->sort, t->name);
		free(name);
		for (int k = 0; t->indexes && t->indexes[k]; k++) {
			name = str_printf("docs_%s_%d", t->name, k + 1);
			listing_index(&b, have, name, t->indexes[k], t->name);
			free(name);
		}
	}
	cJSON_Delete(have);
	buf_puts(&b, "CREATE INDEX IF NOT EXISTS docs_yearly ON docs(id) WHERE type = 'event' "
		 "AND deleted = 0 AND json_extract(body, '$.repeat') = 'yearly';");
	/* Events of several days, by their end, then start: the calendar finds
	 * the ones that began before the days it shows and last into them from
	 * the index alone. */
	buf_puts(&b, "CREATE INDEX IF NOT EXISTS docs_multiday ON docs(json_extract(body, '$.end'),"
		 " json_extract(body, '$.start'))"
		 " WHERE type = 'event' AND deleted = 0"
		 " AND substr(json_extract(body, '$.end'), 1, 10)"
		 " > substr(json_extract(body, '$.start'), 1, 10);");
	/* The status counts: tombstones, refused edits. (An index on type would
	 * lure the planner away from the sort indexes.) */
	buf_puts(&b, "CREATE INDEX IF NOT EXISTS docs_deleted ON docs(id) WHERE deleted = 1;"
		 "CREATE INDEX IF NOT EXISTS docs_rejected ON docs(id) WHERE rejected IS NOT NULL;");
	buf_puts(&b, "CREATE INDEX IF NOT EXISTS docs_area_parent ON "
		 "docs(json_extract(body, '$.parent')) WHERE type = 'area' AND deleted = 0;");
	int rc = sqlite3_exec(c->db, b.s, NULL, NULL, NULL);
	free(b.s);
	return rc ? cache_fail(c, "creating indexes", err) : 0;
}
