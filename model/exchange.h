/*
 * Moving records in and out of a cache as noron's JSON export:
 *   {"noron": "export", "version": 1, "exported_at": ..., "records": [...]}
 * An import is one transaction: every record is checked, or nothing changes.
 * A record the cache holds a newer edit of is kept as it is.
 */
#ifndef NORON_EXCHANGE_H
#define NORON_EXCHANGE_H

#include <stdio.h>

#include "cache.h"

struct import_stats {
	long added, updated, unchanged;
	long kept;		/* the cache's own edit is newer than the file's */
};

/* Imports the export in text; name is the file's name for messages. */
int import_json(struct cache *c, const char *text, const char *name,
		struct import_stats *stats, char **err);

/* Writes every live record as an export to out. */
int export_json(struct cache *c, FILE *out, char **err);

#endif
