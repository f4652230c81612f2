/*
 * What the cache's own files share and nothing else sees.
 */
#ifndef NORON_CACHE_INTERNAL_H
#define NORON_CACHE_INTERNAL_H

#include "cache.h"

#define CACHE_STMTS 48

struct cache_stmt_slot {	/* a statement kept to be run again (cache_stmt) */
	char *sql;
	unsigned long hash;
	unsigned long used;	/* when it was last handed out, for eviction */
	sqlite3_stmt *st;
	bool busy;
};

#define CACHE_LABELS 256

struct cache_label_slot {	/* a record's label, kept (labels.c) */
	char *id, *label, *short_label;
	bool deleted;
};

struct search_row {	/* a search row waiting to be written (cache_batch_search) */
	sqlite3_int64 n;
	char *kind, *text;	/* text NULL: the row goes */
};

struct cache {
	sqlite3 *db;
	char *path;
	char *author;
	int busy_ms;
	int depth;		/* nesting of cache_begin */
	struct cache_stmt_slot stmts[CACHE_STMTS];
	int nstmts;
	unsigned long stmt_clock;
	struct cache_label_slot labels[CACHE_LABELS];
	long long labels_state;
	char *hits_fts;		/* the filter temp.filter_hits holds (hits.c) */
	long long hits_state;
	long long temp_changes;	/* rows this connection wrote to temporary tables */
	bool batch_search;	/* search rows wait in batched[] (cache_batch_search) */
	struct search_row *batched;
	int nbatched, cap_batched;
};

/* Ends a batch of search rows: those still waiting are dropped. */
void cache_end_search_batch(struct cache *c);

void cache_labels_free(struct cache *c);

/* A number that changes with every write to the cache, this connection's
 * or another's (not with writes to temporary tables). */
long long cache_state(struct cache *c);

/* Fills temp.filter_hits with the search rows that match fts (a full-text
 * query), unless it holds them already for this state of the cache. */
int cache_filter_hits(struct cache *c, const char *fts, char **err);

/* Prepares sql; on failure sets *err through cache_fail. */
sqlite3_stmt *cache_prepare(struct cache *c, const char *sql, char **err);

/* The same for statements run again and again (each record written, each
 * window of a list read): the statement compiled for a text is kept and
 * handed out again for the same text instead of compiled anew (an INSERT
 * into docs compiles every index, the area tree's query is long: compiling
 * costs more than running them). The least recently used one makes room
 * when CACHE_STMTS are kept; one in use is never handed out twice. Give it
 * back with cache_release(), never sqlite3_finalize(). */
sqlite3_stmt *cache_stmt(struct cache *c, const char *sql, char **err);
void cache_release(struct cache *c, sqlite3_stmt *st);

/* The search row and the links of a record (none when deleted). */
int store_index(struct cache *c, const char *id, const cJSON *doc, bool deleted, char **err);
/* A history row signed by `by` (NULL: this cache's author); *batch 0 starts
 * a new batch and is set to it. */
int store_history(struct cache *c, const char *id, const char *before, const char *after,
		  const char *kind, const char *by, long long *batch, char **err);

/* True in *fresh when the database holds nothing yet (no table, version 0):
 * a cache still to be made, or one whose making was cut off. */
int schema_fresh(struct cache *c, bool *fresh, char **err);
/* Clears the references to id that give way when their target goes (a
 * proposal's event, FL_DETACH) and does what the referring type does then
 * (type_def.detached); each such record is stored as o says (its history
 * kind and batch, o->batch set to it). */
int store_detach_referrers(struct cache *c, const char *id, struct store_opts *o, char **err);

int schema_migrate(struct cache *c, char **err);
int schema_indexes(struct cache *c, char **err);

/* Loads the seed records built into the program. */
int seed_load(struct cache *c, char **err);

#endif
