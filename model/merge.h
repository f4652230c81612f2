/*
 * The three-way merge of a record edited here and on the endpoint since a
 * common ancestor. Pure: no cache, no network.
 */
#ifndef NORON_MERGE_H
#define NORON_MERGE_H

#include <cJSON.h>

/* Merges mine and theirs, both derived from base. A NULL body is a deleted
 * record; a NULL base means both sides created the record independently.
 * *merged is the result (NULL: deleted); fields both sides changed
 * differently keep mine and are named in *conflicts (a JSON array, empty
 * when the merge is clean; "_deleted" for an edit against a delete).
 * Timestamps (updated_at/by) follow the later side. */
void merge3(const cJSON *base, const cJSON *mine, const cJSON *theirs,
	    cJSON **merged, cJSON **conflicts);

#endif
