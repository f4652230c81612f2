/*
 * What the cache's own files share and nothing else sees.
 */
#ifndef NORON_CACHE_INTERNAL_H
#define NORON_CACHE_INTERNAL_H

#include "cache.h"

struct cache {
	sqlite3 *db;
	char *path;
	char *author;
	int busy_ms;
	int depth;		/* nesting of cache_begin */
};

/* Prepares sql; on failure sets *err through cache_fail. */
sqlite3_stmt *cache_prepare(struct cache *c, const char *sql, char **err);

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
