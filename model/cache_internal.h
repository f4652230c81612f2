/*
 * What the cache's own files share and nothing else sees.
 */
#ifndef NORON_CACHE_INTERNAL_H
#define NORON_CACHE_INTERNAL_H

#include "cache.h"

#define CACHE_STMTS 32

struct cache_stmt_slot {	/* a statement kept for the next record (cache_stmt) */
	const char *sql;
	sqlite3_stmt *st;
	bool busy;
};

struct cache {
	sqlite3 *db;
	char *path;
	char *author;
	int busy_ms;
	int depth;		/* nesting of cache_begin */
	struct cache_stmt_slot stmts[CACHE_STMTS];
	int nstmts;
};

/* Prepares sql; on failure sets *err through cache_fail. */
sqlite3_stmt *cache_prepare(struct cache *c, const char *sql, char **err);

/* The same for the statements written for every record: sql must live as
 * long as the cache (a string literal), and the statement compiled for it
 * is kept and handed out again, for the same pointer, instead of compiled
 * anew (an INSERT into docs compiles every index: more than it takes to
 * run). Give it back with cache_release(), never sqlite3_finalize(). */
sqlite3_stmt *cache_stmt(struct cache *c, const char *sql, char **err);
void cache_release(struct cache *c, sqlite3_stmt *st);

/* The search row and the links of a record (none when deleted). */
int store_index(struct cache *c, const char *id, const cJSON *doc, bool deleted, char **err);
/* A history row signed by `by` (NULL: this cache's author); *batch 0 starts
 * a new batch and is set to it. */
int store_history(struct cache *c, const char *id, const char *before, const char *after,
		  const char *kind, const char *by, long long *batch, char **err);

int schema_migrate(struct cache *c, char **err);
int schema_indexes(struct cache *c, char **err);

/* Loads the seed records built into the program. */
int seed_load(struct cache *c, char **err);

#endif
