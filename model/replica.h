/*
 * The cache's side of the sync: documents arriving from the endpoint are
 * taken, merged or set aside as conflicts; unsynced edits leave in batches
 * and are marked clean only if they did not change meanwhile. Everything
 * here runs inside the caller's transaction; nothing here speaks HTTP.
 */
#ifndef NORON_REPLICA_H
#define NORON_REPLICA_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cache.h"

#define HIST_PULL "pull"
#define HIST_MERGE "merge"
#define HIST_RESOLVE "resolve"
#define HIST_DETACH "detach"	/* a reference cleared as a pulled delete left it */

struct replica_stats {
	long taken, merged, conflicts, unchanged, skipped;
};

/* Applies one document as the endpoint sent it (_id, _rev, maybe _deleted).
 * Applying the same revision twice changes nothing. */
int replica_apply(struct cache *c, const cJSON *remote, struct replica_stats *st, char **err);

/* The last sequence pulled from endpoint (NULL: never), and setting it. */
char *replica_checkpoint(struct cache *c, const char *endpoint, char **err);
int replica_set_checkpoint(struct cache *c, const char *endpoint, const char *seq, char **err);
/* Records how a round ended (error NULL: it succeeded). */
int replica_finish(struct cache *c, const char *endpoint, const char *error, char **err);

/* Each checkpoint document the cache writes on the endpoint carries a new
 * random mark: replica_mark_start makes it (committed before the document
 * is sent), replica_mark_written records that the endpoint took it, as
 * revision rev. */
int replica_mark_start(struct cache *c, const char *endpoint, char **mark, char **err);
int replica_mark_written(struct cache *c, const char *endpoint, const char *mark,
			 const char *rev, char **err);
/* 1 when the endpoint's checkpoint document (mark, at rev) is the last this
 * cache wrote, or the one it was writing when it stopped (also when the
 * cache has none to compare); 0 when it is not: the database was put back
 * from a backup or replaced by a copy. -1 on error. */
int replica_mark_check(struct cache *c, const char *endpoint, const char *mark, const char *rev,
		       char **err);

/* The cache's own id, naming its checkpoint on the endpoint. */
char *cache_uuid(struct cache *c, char **err);

/* The endpoint lost what it had (a recreated database, or one put back
 * from a backup): forget its checkpoint and revisions, so that the round
 * pulls all and pushes all. Each record keeps the revision it had as
 * prior_rev: pulled again, a record the endpoint still has at that
 * revision, or at a version this cache had before, is sent again only if
 * this cache holds something newer; any other version is merged as usual. */
int replica_reset(struct cache *c, const char *endpoint, char **err);

struct push_item {
	char *id;
	char *body;		/* the stored body as pushed */
	bool deleted;
};

struct push_batch {
	struct push_item *items;
	int n;
	cJSON *docs;		/* {"docs": [...]} for _bulk_docs */
	long long last;		/* where the next batch starts */
};

/* The next unsynced records after `after` (0: from the start), skipping
 * those in conflict or refused by the endpoint: at most limit of them, and
 * at most max_bytes of JSON (0: no bound) but always one. */
int replica_outgoing(struct cache *c, long long after, int limit, size_t max_bytes,
		     struct push_batch *b, char **err);
void push_batch_free(struct push_batch *b);

/* The endpoint took it as rev. Clean unless it was edited meanwhile. */
int replica_pushed(struct cache *c, const struct push_item *it, const char *rev, char **err);
/* The endpoint refused it (its validation); the edit stays, with the reason. */
int replica_rejected(struct cache *c, const char *id, const char *reason, char **err);

/* Edits the endpoint refused, with its reason. */
typedef int (*rejected_fn)(void *ctx, const char *id, const char *reason);
int replica_rejected_list(struct cache *c, rejected_fn fn, void *ctx, char **err);
/* Settles a refused edit: theirs discards it (the endpoint's version comes
 * back; a record the endpoint never had is deleted), mine sends it again at
 * the next sync. 0 done, 1 when id has no refused edit, -1 on error. */
int rejected_settle(struct cache *c, const char *id, bool theirs, char **err);

/* Conflicts waiting for a person. */
struct conflict {
	const char *id, *theirs_rev, *at;
	cJSON *mine, *theirs, *base;	/* NULL: deleted (or no common base) */
	cJSON *fields;			/* names of the conflicting fields */
};
typedef int (*conflict_fn)(void *ctx, const struct conflict *k);
int conflicts_list(struct cache *c, conflict_fn fn, void *ctx, char **err);
int conflict_get(struct cache *c, const char *id, conflict_fn fn, void *ctx, char **err);

/* The record with one side's value for every conflicting field and the
 * cleanly merged fields kept (stored: the record as the cache holds it);
 * NULL when that side deleted it. */
cJSON *conflict_pick(const struct conflict *k, const cJSON *stored, bool theirs);

/* Settles a conflict with the record as it should be (NULL: deleted); it is
 * pushed at the next sync. */
int conflict_resolve(struct cache *c, const char *id, const cJSON *resolved, char **err);

#endif
