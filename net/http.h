/*
 * HTTP for the sync, through one reused libcurl handle: https, or plain
 * http to this machine (or when the config allows it), bounded responses,
 * timeouts, retries with backoff, and messages that never show credentials.
 */
#ifndef NORON_HTTP_H
#define NORON_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct http_opts {
	const char *user, *password;	/* NULL: from the URL or ~/.netrc */
	const char *ca_file;		/* a private CA, or NULL for the system's */
	bool allow_http;		/* plain http beyond this machine */
	bool verbose;			/* one line per request on stderr */
	size_t max_body;		/* larger responses are refused */
	int retries;			/* on network errors, 5xx and 429 */
	long max_wait_ms;		/* the most one retry waits */
};

struct http;

struct http_resp {
	long status;
	char *body;
	size_t len;
};

/* Opens a connection to the database at url; refuses schemes and hosts the
 * rules above do not allow. */
int http_open(struct http **out, const char *url, const struct http_opts *o, char **err);
void http_close(struct http *h);
/* The database URL without credentials, for messages and bookkeeping. */
const char *http_url(const struct http *h);

/* method path (relative to the database: "", "_changes?since=0", ...) with
 * an optional JSON body. A transport failure is -1 with *err; any HTTP
 * status is 0 with r filled in. */
int http_request(struct http *h, const char *method, const char *path, const char *body,
		 struct http_resp *r, char **err);
void http_resp_free(struct http_resp *r);

/* A document id for a URL path: every byte but unreserved ones escaped. */
char *url_escape(const char *s);
/* url with any user:password@ taken out. */
char *url_redact(const char *url);

#endif
