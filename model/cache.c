/*
 * Opening and closing the cache, its transactions and its error messages.
 */
#include "cache_internal.h"
#include "dates.h"
#include "record.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_MS_DEFAULT 5000

sqlite3 *cache_db(struct cache *c)
{
	return c->db;
}

const char *cache_path(const struct cache *c)
{
	return c->path;
}

void cache_set_author(struct cache *c, const char *author)
{
	free(c->author);
	c->author = xstrdup(author);
}

/* Why the cache at path cannot be written, as the user can fix it, or NULL
 * when the file and its directory are both writable (then SQLite knows). */
static char *why_unwritable(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	char *why = NULL;
	if (access(path, F_OK) == 0 && access(path, W_OK))
		why = str_printf("the file is read-only (%s)", strerror(errno));
	else if (access(dir, W_OK))
		why = str_printf("its directory %s is not writable (%s); noron keeps the "
				 "cache's journal files beside it", dir, strerror(errno));
	free(dir);
	return why;
}

static int unwritable(struct cache *c, const char *doing, char **err)
{
	char *why = why_unwritable(c->path);
	int rc = err_set(err, "cannot %s cache %s: %s", doing, c->path,
			 why ? why : sqlite3_errmsg(c->db));
	free(why);
	return rc;
}

int cache_fail(struct cache *c, const char *what, char **err)
{
	int code = sqlite3_extended_errcode(c->db) & 0xff;
	switch (code) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return err_set(err, "cache %s is locked by another process (waited %.1f s); "
			       "try again when it is done", c->path, c->busy_ms / 1000.0);
	case SQLITE_NOTADB:
		return err_set(err, "%s is not a noron cache (not an SQLite database)", c->path);
	case SQLITE_CORRUPT:
		return err_set(err, "cache %s is damaged (%s): restore it from a backup or "
			       "sync into a new one", c->path, sqlite3_errmsg(c->db));
	case SQLITE_FULL:
		return err_set(err, "cache %s is full (no space left on its disk, or its size "
			       "limit reached): nothing was changed", c->path);
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return unwritable(c, "write", err);
	case SQLITE_IOERR:
		return err_set(err, "cannot write cache %s: input/output error (%s); nothing "
			       "was changed", c->path, sqlite3_errmsg(c->db));
	default:
		return err_set(err, "cache %s: %s failed: %s", c->path, what, sqlite3_errmsg(c->db));
	}
}

sqlite3_stmt *cache_prepare(struct cache *c, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		cache_fail(c, "a query", err);
		return NULL;
	}
	return st;
}

/* FNV-1a: tells most texts apart before a strcmp. */
static unsigned long text_hash(const char *s)
{
	unsigned long h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot a new statement goes in: a free one, else the least recently
 * used one not in use (its statement finalized); NULL when all are in use. */
static struct cache_stmt_slot *free_slot(struct cache *c)
{
	if (c->nstmts < CACHE_STMTS)
		return &c->stmts[c->nstmts++];
	struct cache_stmt_slot *old = NULL;
	for (int i = 0; i < c->nstmts; i++)
		if (!c->stmts[i].busy && (!old || c->stmts[i].used < old->used))
			old = &c->stmts[i];
	if (old) {
		sqlite3_finalize(old->st);
		free(old->sql);
	}
	return old;
}

sqlite3_stmt *cache_stmt(struct cache *c, const char *sql, char **err)
{
	unsigned long hash = text_hash(sql);
	for (int i = 0; i < c->nstmts; i++) {
		struct cache_stmt_slot *s = &c->stmts[i];
		if (s->hash == hash && !s->busy && !strcmp(s->sql, sql)) {
			s->busy = true;
			s->used = ++c->stmt_clock;
			return s->st;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
	    != SQLITE_OK) {
		cache_fail(c, "a query", err);
		return NULL;
	}
	struct cache_stmt_slot *s = free_slot(c);
	if (s)	/* else used once, as cache_prepare's */
		*s = (struct cache_stmt_slot){ .sql = xstrdup(sql), .hash = hash,
					       .used = ++c->stmt_clock, .st = st, .busy = true };
	return st;
}

void cache_release(struct cache *c, sqlite3_stmt *st)
{
	for (int i = 0; i < c->nstmts; i++)
		if (c->stmts[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			c->stmts[i].busy = false;
			return;
		}
	sqlite3_finalize(st);
}

static int exec(struct cache *c, const char *sql, char **err)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return cache_fail(c, "an update", err);
	return 0;
}

void cache_for_bulk_writes(struct cache *c)
{
	sqlite3_exec(c->db, "PRAGMA cache_size = -16384; PRAGMA synchronous = NORMAL;"
		     " PRAGMA wal_autocheckpoint = 8192", NULL, NULL, NULL);
}

int cache_begin(struct cache *c, char **err)
{
	if (c->depth++)
		return 0;
	if (exec(c, "BEGIN IMMEDIATE", err)) {
		c->depth = 0;
		return -1;
	}
	return 0;
}

int cache_commit(struct cache *c, char **err)
{
	if (--c->depth)
		return 0;
	int rc = cache_flush_search(c, err) || exec(c, "COMMIT", err) ? -1 : 0;
	if (rc)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	cache_end_search_batch(c);
	return rc;
}

void cache_rollback(struct cache *c)
{
	free(c->hits_fts);	/* a filter's matches written since are undone too */
	c->hits_fts = NULL;
	if (c->depth && !--c->depth) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		cache_end_search_batch(c);
	} else if (c->depth)
		c->depth = 1;	/* an inner failure dooms the outer transaction */
}

/* Creates the directories above path, as mkdir -p would. */
static int make_parents(const char *path, char **err)
{
	char *dir = xstrdup(path);
	int rc = 0;
	for (char *p = dir + 1; *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			rc = err_set(err, "cannot create directory %s: %s", dir, strerror(errno));
		*p = '/';
	}
	free(dir);
	return rc;
}

/* A positive integer from the environment, or 0. */
static long env_positive(const char *name)
{
	const char *e = getenv(name);
	long v = e ? atol(e) : 0;
	return v > 0 ? v : 0;
}

static int busy_ms(void)
{
	long v = env_positive("NORON_BUSY_TIMEOUT");
	return v > 0 && v <= 3600000 ? (int)v : BUSY_MS_DEFAULT;
}

/* NORON_MAX_PAGES caps the cache's size in pages (PRAGMA max_page_count), as
 * a full disk would: an edit that does not fit is refused whole. */
static int cap_pages(struct cache *c, char **err)
{
	long pages = env_positive("NORON_MAX_PAGES");
	if (!pages)
		return 0;
	char *sql = str_printf("PRAGMA max_page_count = %ld", pages);
	int rc = exec(c, sql, err);
	free(sql);
	return rc;
}

static int check_path(const char *path, unsigned flags, bool *exists, char **err)
{
	struct stat sb;
	*exists = stat(path, &sb) == 0;
	if (*exists && S_ISDIR(sb.st_mode))
		return err_set(err, "%s is a directory, not a cache file", path);
	if (*exists && (flags & CACHE_NEW))
		return err_set(err, "a cache already exists at %s", path);
	if (!*exists && !(flags & CACHE_CREATE))
		return err_set(err, "no cache at %s (create one with 'noron init')", path);
	if (*exists && sb.st_size == 0)
		*exists = false;	/* an empty file is a cache yet to be made */
	if (*exists)
		return 0;
	if (make_parents(path, err))
		return -1;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		if (stat(dir, &sb) || !S_ISDIR(sb.st_mode))
			rc = err_set(err, "cannot create cache %s: %s is not a directory", path, dir);
	}
	free(dir);
	return rc;
}

/* NORON_TRACE_SQL=1: every statement and the time it took, on stderr (for
 * profiling; the SQL text has its parameters unexpanded, so no data shows). */
static int trace_sql(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type == SQLITE_TRACE_PROFILE)
		fprintf(stderr, "noron: sql %.3f ms: %s\n", *(sqlite3_int64 *)x / 1e6,
			sqlite3_sql((sqlite3_stmt *)p));
	return 0;
}

/* SQLite keeps memory statistics under a global mutex taken on every
 * allocation; noron reads none of them, and the sync's second thread makes
 * that mutex a real one. Set once, before SQLite starts. */
static void configure_sqlite(void)
{
	static bool done;
	if (!done && !sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0))
		done = true;
}

/* noron_link_key(body): record_link_key() for SQL (the schema's migration). */
static void link_key_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	cJSON *doc = cJSON_Parse((const char *)sqlite3_value_text(argv[0]));
	char *key = doc ? record_link_key(doc) : NULL;
	cJSON_Delete(doc);
	if (key)
		sqlite3_result_text(ctx, key, -1, free);
	else
		sqlite3_result_null(ctx);
}

/* noron_local_day(when): the day a stored date or date-time falls on in the
 * user's time zone (when_local_day), for the calendar's queries. Not
 * deterministic: it follows TZ. */
static void local_day_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *when = (const char *)sqlite3_value_text(argv[0]);
	if (when)
		sqlite3_result_text(ctx, when_local_day(when), -1, free);
	else
		sqlite3_result_null(ctx);
}

static int open_db(struct cache *c, bool exists, char **err)
{
	configure_sqlite();
	int mode = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
	if (sqlite3_open_v2(c->path, &c->db, mode | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (!exists && access(c->path, F_OK))
			return unwritable(c, "create", err);
		return cache_fail(c, "opening", err);
	}
	c->busy_ms = busy_ms();
	sqlite3_busy_timeout(c->db, c->busy_ms);
	sqlite3_extended_result_codes(c->db, 1);
	const char *trace = getenv("NORON_TRACE_SQL");
	if (trace && *trace && strcmp(trace, "0"))
		sqlite3_trace_v2(c->db, SQLITE_TRACE_PROFILE, trace_sql, NULL);
	sqlite3_create_function(c->db, "noron_link_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				NULL, link_key_sql, NULL, NULL);
	sqlite3_create_function(c->db, "noron_local_day", 1, SQLITE_UTF8, NULL, local_day_sql,
				NULL, NULL);
	if (exec(c, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY", err) || cap_pages(c, err))
		return -1;
	/* A first read tells a database from any other file. */
	return exec(c, "SELECT count(*) FROM sqlite_master", err);
}

/* Removes a cache that could not be made, with its WAL files. */
static void remove_files(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		char *f = str_printf("%s%s", path, suffixes[i]);
		unlink(f);
		free(f);
	}
}

/* Brings the schema up to date. A cache that holds nothing yet gets its
 * schema and its seed in one transaction: one cut off while being made (a
 * kill, a power cut) is made again at the next start, never left without the
 * seed's records. Only such a cache takes the write lock here. */
static int make_schema(struct cache *c, unsigned flags, char **err)
{
	bool fresh;
	if (schema_fresh(c, &fresh, err))
		return -1;
	if (!fresh)
		return schema_migrate(c, err);
	if (cache_begin(c, err))
		return -1;
	/* again under the lock: another noron may have made it meanwhile */
	int rc = schema_fresh(c, &fresh, err);
	if (!rc)
		rc = schema_migrate(c, err);
	if (!rc && fresh && (flags & CACHE_SEED))
		rc = seed_load(c, err);
	if (rc) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

int cache_open(const char *path, unsigned flags, struct cache **out, char **err)
{
	bool exists;
	*out = NULL;
	if (check_path(path, flags, &exists, err))
		return -1;
	struct cache *c = xmalloc(sizeof *c);
	*c = (struct cache){ .path = xstrdup(path) };
	int rc = open_db(c, exists, err);
	if (!rc)
		rc = make_schema(c, flags, err);
	/* Only a cache noron recognised gets its journal switched to WAL. */
	if (!rc)
		rc = exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", err);
	if (rc) {
		cache_close(c);
		if (!exists)
			remove_files(path);
		return -1;
	}
	*out = c;
	return 0;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	cache_labels_free(c);
	cache_end_search_batch(c);
	free(c->hits_fts);
	for (int i = 0; i < c->nstmts; i++) {
		sqlite3_finalize(c->stmts[i].st);
		free(c->stmts[i].sql);
	}
	sqlite3_close_v2(c->db);
	free(c->path);
	free(c->author);
	free(c);
}
