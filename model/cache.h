/*
 * The local cache: one SQLite file holding every record as a JSON document,
 * its history, the full-text index and the state the sync needs
 * (DESIGN.md section 4). Every edit is one transaction.
 */
#ifndef NORON_CACHE_H
#define NORON_CACHE_H

#include <cJSON.h>
#include <stdbool.h>
#include <sqlite3.h>

#include "fields.h"

#define CACHE_SCHEMA_VERSION 8

struct cache;

enum {
	CACHE_CREATE = 1 << 0,	/* create the file if it does not exist */
	CACHE_SEED = 1 << 1,	/* load the seed into a new cache */
	CACHE_NEW = 1 << 2,	/* refuse an existing file (noron init) */
};

int cache_open(const char *path, unsigned flags, struct cache **out, char **err);
void cache_close(struct cache *c);
sqlite3 *cache_db(struct cache *c);
const char *cache_path(const struct cache *c);

/* Who signs edits ("user@institution"), kept in updated_by. */
void cache_set_author(struct cache *c, const char *author);

/* For a process that writes thousands of records (a sync): a 16 MB page
 * cache keeps the indexes it updates in memory rather than reading their
 * pages from the file again for every record (SQLite's default is 2 MB);
 * commits are not flushed to the disk one by one (synchronous=NORMAL: in WAL
 * mode a crash or kill loses nothing, and a power cut can only undo the last
 * pulled pages with their checkpoint, which the next sync pulls again; the
 * edits people make are written by noron with every commit flushed); and
 * the WAL is copied back less often. */
void cache_for_bulk_writes(struct cache *c);

/* Transactions: cache_begin takes the write lock at once. */
int cache_begin(struct cache *c, char **err);
int cache_commit(struct cache *c, char **err);

/* For writes of many records in one transaction (a pull, an import): their
 * search rows wait in memory and are written together, by
 * cache_flush_search() or before the transaction commits (a rollback drops
 * them), and the batch ends with the transaction. FTS5 writes out what it
 * holds in memory whenever another statement of the transaction may need
 * undoing on its own, which a record's other writes do: a search row
 * written between them costs an index segment, and soon a merge, per
 * record. */
void cache_batch_search(struct cache *c);
int cache_flush_search(struct cache *c, char **err);
void cache_rollback(struct cache *c);

/* A message for a failed SQLite call, naming a locked, full or broken cache. */
int cache_fail(struct cache *c, const char *what, char **err);

struct cache_doc {
	cJSON *body;
	char *rev;
	bool dirty, deleted;
	char *rejected;
};
void cache_doc_free(struct cache_doc *d);

/* 1 found (deleted ones too), 0 missing, -1 error. */
int cache_get(struct cache *c, const char *id, struct cache_doc *out, char **err);
/* The label of record id (record_label), or NULL when the cache has no such
 * record; *deleted tells a deleted one. Labels are kept while the cache is
 * unchanged, so a list that names the same records on every row reads each
 * of them once. */
char *cache_label(struct cache *c, const char *id, bool *deleted);
/* The same for its short name (record_short_label), or its label when it
 * has none. */
char *cache_short_label(struct cache *c, const char *id, bool *deleted);
/* A FL_BRIEF field of doc as the short names of the records it names, one
 * space between them ("DK SE"); "?" for one the cache does not have. */
char *cache_brief_text(struct cache *c, const cJSON *doc, const struct field_def *f);

/* True when a live record with this id and type exists (a ref_exists_fn). */
bool cache_ref_exists(void *cache, const char *id, const char *type);

/* History kinds. */
#define HIST_ADD "add"
#define HIST_EDIT "edit"
#define HIST_DELETE "delete"
#define HIST_UNDO "undo"
#define HIST_IMPORT "import"

/* How cache_store writes a record. */
struct store_opts {
	const char *kind;	/* history kind; NULL writes no history (seed, pull) */
	bool deleted;		/* leave a tombstone */
	bool keep_meta;		/* keep updated_at/by as given (import) */
	bool clean;		/* the body matches the endpoint: not an unsynced edit */
	bool skip_refs;		/* references are checked later in the transaction */
	long long batch;	/* history rows with one batch undo together; 0: new */
};

/* Writes a record inside an open transaction: stamps updated_at/by (unless
 * keep_meta), checks it, then stores the doc, its history row and its
 * search row. Returns 1 when written, 0 when unchanged, -1 on error. */
int cache_store(struct cache *c, cJSON *doc, struct store_opts *o, char **err);

/* One edit as its own transaction. */
int cache_save(struct cache *c, cJSON *doc, const char *kind, char **err);
int cache_delete(struct cache *c, const char *id, char **err);

/* Live records that refer to id: count, and one of them in *example. */
int cache_referrers(struct cache *c, const char *id, long *count, char **example, char **err);

/* Undoes the last local edit (or batch of edits) not undone yet. *what
 * describes it. Returns 1 when something was undone, 0 when nothing is left. */
int cache_undo(struct cache *c, char **what, char **err);

/* A listing, a window at a time, in the type's order (areas as a tree). */
struct cache_row {
	const char *id;
	cJSON *body;
	int depth;		/* tree depth of an area */
	int children;		/* how many subareas an area has */
	const char *occurs;	/* events: the start of this occurrence (a yearly
				 * event's anniversary in a later year) */
	const char *occurs_until;	/* and its end (its start when it has none) */
	bool dirty;
	double rank;		/* search: lower is better */
};
typedef int (*cache_row_fn)(void *ctx, const struct cache_row *row);

/* A row kept beyond its callback: *dst owns copies of src's text and body,
 * which cache_row_clear() frees. */
void cache_row_copy(struct cache_row *dst, const struct cache_row *src);
void cache_row_clear(struct cache_row *r);

/* A listing's conditions. */
#define CACHE_QUERY_MATCHES 4
struct cache_query {
	const struct type_def *type;
	const char *filter;		/* words found by full-text search, or NULL */
	const char *collapsed;		/* areas: JSON array of ids whose subareas are hidden */
	struct {
		/* the field holds (or its list contains) value, or one of the
		 * values "a|b"; yes/no fields take "yes" or "no" */
		const char *field, *value;
	} match[CACHE_QUERY_MATCHES];
	const char *order;		/* an SQL order over body from the pane, not the user;
					 * NULL: the type's own */
	const char *order_ref;		/* a reference field: in the order of the titles of
					 * the records it refers to, then the type's key
					 * (proposals by their area's title), those without
					 * one first; needs the indexes for it (fields.c),
					 * else .order is used */
	long total;			/* how many rows it has, when the caller counted
					 * them (0: unknown): a window in the second half
					 * is then read from the end, in reverse */
};
int cache_query_rows(struct cache *c, const struct cache_query *q, long offset, long limit,
		     cache_row_fn fn, void *ctx, char **err);
long cache_query_count(struct cache *c, const struct cache_query *q, char **err);
/* The row number of id in the listing, -1 when it is not in it, -2 on error. */
long cache_query_position(struct cache *c, const struct cache_query *q, const char *id,
			  char **err);
/* The row number of the first row from row `from` on whose field holds one
 * of values ("a|b", as in match); -1 when none does, -2 on error. */
long cache_query_next(struct cache *c, const struct cache_query *q, long from,
		      const char *field, const char *values, char **err);

/* Records of type t that refer to dst. */
/* The live records whose ids begin with prefix, in id order (the standings
 * of an area: "standing:<area>:"), at most limit of them. */
int cache_with_prefix(struct cache *c, const char *prefix, long limit, cache_row_fn fn,
		      void *ctx, char **err);
int cache_linked(struct cache *c, const char *dst, const struct type_def *t, long limit,
		 cache_row_fn fn, void *ctx, char **err);
/* The occurrences of events that overlap the days [from, to) (YYYY-MM-DD)
 * in the user's time zone: an event of several days is in every range it
 * reaches, a yearly one on every anniversary (29 February in leap years
 * only). In order of the local day each occurrence begins on, then its
 * start; each row has the occurrence's start and end (stored, UTC). */
int cache_events_between(struct cache *c, const char *from, const char *to, long limit,
			 cache_row_fn fn, void *ctx, char **err);
/* Changes whenever another connection commits to the cache. */
long long cache_data_version(struct cache *c);

int cache_list(struct cache *c, const struct type_def *t, const char *filter,
	       long offset, long limit, cache_row_fn fn, void *ctx, char **err);
long cache_count(struct cache *c, const struct type_def *t, const char *filter, char **err);
int cache_search(struct cache *c, const char *text, long offset, long limit,
		 cache_row_fn fn, void *ctx, char **err);

/* The number of records that match text, counted up to cap (-1: all). */
long cache_search_count(struct cache *c, const char *text, long cap, char **err);

/* A record's history, newest first. */
struct cache_hist {
	long long seq, batch;
	const char *kind, *at, *by;
	cJSON *before, *after;
	bool undone;
};
typedef int (*cache_hist_fn)(void *ctx, const struct cache_hist *h);
int cache_history(struct cache *c, const char *id, cache_hist_fn fn, void *ctx, char **err);

struct cache_status {
	long records, unsynced, conflicts, rejected, deleted;
	char *last_sync, *last_error, *endpoint;
};
int cache_status(struct cache *c, struct cache_status *st, char **err);
/* The same without the totals (records and deleted are -1), and unsynced
 * counted up to CACHE_UNSYNCED_CAP: cheap at any size, for a status line. */
#define CACHE_UNSYNCED_CAP 1000
int cache_sync_status(struct cache *c, struct cache_status *st, char **err);
void cache_status_free(struct cache_status *st);

/* Builds the FTS5 query that finds every word of text as a prefix. */
char *search_query(const char *text);

#endif
