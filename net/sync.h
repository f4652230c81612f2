/*
 * One sync round with the endpoint (DESIGN.md section 5): pull, push, and
 * pull again if the push changed anything. Every page pulled commits with
 * its checkpoint; every push batch commits with the endpoint's answers.
 */
#ifndef NORON_SYNC_H
#define NORON_SYNC_H

#include <stdbool.h>

#include "cache.h"
#include "settings.h"

struct sync_opts {
	const char *url;	/* NULL: the config's */
	bool create;		/* create the database if it is missing */
	bool verbose;		/* each request on stderr (never credentials) */
	void (*progress)(void *ctx, const char *stage, long done);
	void *ctx;
};

struct sync_report {
	long pulled, pushed, merged, failed;
	long rejected;		/* edits the endpoint refused in this round */
	long conflicts, refused;	/* conflicts and refused edits left in the cache */
	bool reset;		/* the endpoint's database was new: all pushed again */
	bool restored;		/* ... put back from a backup (or replaced) */
};

/* 0 when the round completed (conflicts may be left: see the report),
 * -1 with *err when it could not. */
int sync_run(struct cache *c, const struct config *cfg, const struct sync_opts *o,
	     struct sync_report *r, char **err);

#endif
