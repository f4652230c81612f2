/*
 * The endpoint's API as noron uses it (COUCHDB.md): the database, _changes,
 * _bulk_docs, _bulk_get and a _local checkpoint. Answers are parsed as JSON
 * whatever their content type, and checked for the shape they must have.
 */
#ifndef NORON_COUCH_H
#define NORON_COUCH_H

#include <cJSON.h>
#include <stdbool.h>

#include "http.h"

/* Sends method path (see http_request) and parses the JSON answer into
 * *json with its *status: 404, 409, 412 and 417 are answers to look at,
 * other failures -1 with *err explaining them (401, 403: what to do). */
int couch_call(struct http *h, const char *method, const char *path, const char *body,
	       const char *what, cJSON **json, long *status, char **err);

/* Creates the database; 0 or -1 (401/403 explained). */
int couch_db_create(struct http *h, char **err);

/* One page of changes after since ("0" from the start). *page holds
 * {"results": [...], "last_seq": ...}; *last_seq the checkpoint as text. */
int couch_changes(struct http *h, const char *since, int limit, cJSON **page, char **last_seq,
		  char **err);

/* Writes docs ({"docs": [...]}); *results is an array with one object per
 * document ({"id", "rev"} or {"id", "error", "reason"}). */
int couch_bulk_docs(struct http *h, const cJSON *docs, cJSON **results, char **err);

/* The current documents for ids (an array of strings); *docs an array of
 * documents as stored on the endpoint (missing ones left out). */
int couch_bulk_get(struct http *h, const cJSON *ids, cJSON **docs, char **err);

/* The _local checkpoint document: the last sequence pulled, the mark of
 * the cache that wrote it (see replica_mark_start) and its _rev. */
struct couch_checkpoint {
	char *last_seq, *mark, *rev;	/* last_seq NULL: no document */
};
void couch_checkpoint_free(struct couch_checkpoint *cp);

/* Reads the checkpoint document name into *cp: 1 when the database is
 * there (with or without the document), 0 when it is missing, -1 on error. */
int couch_get_checkpoint(struct http *h, const char *name, struct couch_checkpoint *cp,
			 char **err);
/* Writes last_seq and mark over the revision cp->rev (NULL: a new
 * document); cp then holds what was written and its new _rev. When the
 * endpoint answers that the revision is not the current one (409), the
 * current one is read and the write tried once more. */
int couch_put_checkpoint(struct http *h, const char *name, const char *last_seq,
			 const char *mark, struct couch_checkpoint *cp, char **err);

/* The endpoint's reason for a failed answer, in one line. */
char *couch_reason(const struct http_resp *r);

#endif
