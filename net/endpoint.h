/*
 * The shared endpoint as its administrator sees it: the server, the database,
 * its _security, the design document that validates writes, and what the
 * current user may do. noron endpoint setup makes the database the way noron
 * needs it; noron endpoint check says whether it is.
 */
#ifndef NORON_ENDPOINT_H
#define NORON_ENDPOINT_H

#include <cJSON.h>
#include <stdbool.h>

#include "http.h"
#include "settings.h"

struct endpoint {
	struct http *db;	/* the database */
	struct http *server;	/* the server it is on: /, /_session */
};

/* Connects to the database at url (NULL: the config's) and to its server,
 * with the config's credentials. */
int endpoint_open(struct endpoint *e, const struct config *cfg, const char *url, bool verbose,
		  char **err);
void endpoint_close(struct endpoint *e);

/* What answers at the server's root: "CouchDB 3.3.3", "PouchDB Server 4.2.0". */
int endpoint_server(struct endpoint *e, char **what, char **err);

/* 1 when the database is there (*docs: its document count), 0 when it is
 * missing, -1 on error. */
int endpoint_db(struct endpoint *e, long *docs, char **err);

/* A JSON document of the database (path as for http_request): 1 with *doc,
 * 0 when there is none, -1 on error. */
int endpoint_get(struct endpoint *e, const char *path, const char *what, cJSON **doc,
		 char **err);
/* Writes doc at path; *rev (when rev is not NULL) is the new revision. */
int endpoint_put(struct endpoint *e, const char *path, const cJSON *doc, const char *what,
		 char **rev, char **err);

/* The user the endpoint sees: {"name": ..., "roles": [...]}. */
int endpoint_user(struct endpoint *e, cJSON **user_ctx, char **err);

/* Writes a _local document and removes it: 0 when the user may write. */
int endpoint_write_probe(struct endpoint *e, char **err);

/* Where setup and check say what they find, one line at a time. */
struct endpoint_out {
	void (*say)(void *ctx, bool problem, const char *line);
	void *ctx;
	int problems;		/* lines that said something is wrong */
};

/* Creates the database if it is missing, gives _security the member role
 * noron and the admin role noron-admin, and installs or updates
 * _design/noron; says what it changed. For the endpoint's administrator. */
int endpoint_setup(const struct config *cfg, const char *url, bool verbose,
		   struct endpoint_out *out, char **err);

/* Says what the server is, whether the database, its _security and its
 * design document are as setup makes them, and whether the user may read
 * and write; out->problems counts what is wrong. -1 only when the server
 * cannot be asked at all. */
int endpoint_check(const struct config *cfg, const char *url, bool verbose,
		   struct endpoint_out *out, char **err);

#endif
