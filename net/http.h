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
	long timeout;			/* seconds a request may take; 0: HTTP_TIMEOUT */
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

/* Each request must end within HTTP_TIMEOUT seconds (or the options'
 * timeout), however it trickles in; one whose answer may be large (a page
 * of changes, with documents up to max_body in all) gets as long as
 * max_body takes at HTTP_SLOW_RATE bytes a second besides. */
#define HTTP_TIMEOUT 300
#define HTTP_SLOW_RATE (64 * 1024)
void http_expect_large(struct http *h, bool large);

/* A document id for a URL path: every byte but unreserved ones escaped. */
char *url_escape(const char *s);
/* url with any user:password@ taken out (up to the last '@' before the
 * path, so an '@' inside a password hides the rest of it too). */
char *url_redact(const char *url);

/* True for this machine: "localhost", an address in 127.0.0.0/8, or ::1
 * (also as "[::1]"). A name that merely starts with "127." is not. */
bool http_host_loopback(const char *host);
/* The host of url when its scheme is https, or http to this machine (or
 * anywhere with allow_http); NULL with *err otherwise. */
char *http_checked_host(const char *url, bool allow_http, char **err);

#endif
