/*
 * The matches of a list's filter, kept in a temporary table while the
 * filter and the cache stay the same. A filter typed one letter at a time
 * asks for its count, its window of rows and, as the person moves, more
 * windows: the search index finds the matches once (for a word that begins
 * half the records, that is most of a keystroke's time), and each of those
 * reads them from the table.
 */
#include "cache_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

long long cache_state(struct cache *c)
{
	/* total_changes counts this connection's writes (temporary tables
	 * too: those are taken off), data_version the others' commits. */
	long long own = sqlite3_total_changes64(c->db) - c->temp_changes;
	return own * 1000003 + cache_data_version(c);
}

int cache_filter_hits(struct cache *c, const char *fts, char **err)
{
	long long state = cache_state(c);
	if (c->hits_fts && state == c->hits_state && !strcmp(c->hits_fts, fts))
		return 0;
	free(c->hits_fts);
	c->hits_fts = NULL;
	long long before = sqlite3_total_changes64(c->db);
	if (sqlite3_exec(c->db, "CREATE TEMP TABLE IF NOT EXISTS filter_hits"
			 "(n INTEGER PRIMARY KEY); DELETE FROM temp.filter_hits",
			 NULL, NULL, NULL) != SQLITE_OK)
		return cache_fail(c, "filtering", err);
	sqlite3_stmt *st = cache_stmt(c, "INSERT INTO temp.filter_hits"
				      " SELECT rowid FROM search WHERE search MATCH ?1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : cache_fail(c, "filtering", err);
	cache_release(c, st);
	c->temp_changes += sqlite3_total_changes64(c->db) - before;
	if (!rc) {
		c->hits_fts = xstrdup(fts);
		c->hits_state = cache_state(c);
	}
	return rc;
}
