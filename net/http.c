/*
 * The libcurl transport (see http.h). Redirects are followed by hand, so
 * every hop is held to the same scheme rules and credentials never go to
 * another host.
 */
#include "http.h"
#include "util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_REDIRECTS 3

struct http {
	CURL *curl;
	char *base;		/* the database URL, credentials removed, ending in / */
	char *host;		/* credentials go to this host only */
	struct http_opts o;
	struct buf body;
	bool too_big;
	bool large;		/* the answer may be up to max_body */
};

bool http_host_loopback(const char *host)
{
	if (!strcasecmp(host, "localhost"))
		return true;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t n = strlen(host);
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {	/* [::1] as URLs write it */
		char *bare = str_printf("%.*s", (int)(n - 2), host + 1);
		bool one = inet_pton(AF_INET6, bare, addr) == 1
			&& IN6_IS_ADDR_LOOPBACK((struct in6_addr *)addr);
		free(bare);
		return one;
	}
	if (inet_pton(AF_INET6, host, addr) == 1)
		return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)addr);
	return inet_pton(AF_INET, host, addr) == 1 && addr[0] == 127;	/* 127.0.0.0/8 */
}

char *http_checked_host(const char *url, bool allow_http, char **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *out = NULL;
	char *safe = url_redact(url);
	if (curl_url_set(u, CURLUPART_URL, url, 0) || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)
	    || curl_url_get(u, CURLUPART_HOST, &host, 0))
		err_set(err, "'%s' is not a URL (e.g. https://couch.example.org/noron)", safe);
	else if (strcmp(scheme, "https") && strcmp(scheme, "http"))
		err_set(err, "%s: only https (or http to this machine) is used", safe);
	else if (!strcmp(scheme, "http") && !http_host_loopback(host) && !allow_http)
		err_set(err, "%s: plain http would send your password in clear; use https, or "
			"set allow_http = yes in the config if this network is trusted", safe);
	else
		out = xstrdup(host);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	free(safe);
	return out;
}

char *url_redact(const char *url)
{
	size_t len;
	const char *user = url_userinfo(url, &len);
	if (!user)
		return xstrdup(url);
	return str_printf("%.*s%s", (int)(user - url), url, user + len + 1);
}

char *url_escape(const char *s)
{
	struct buf b = { 0 };
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		    || strchr("-._~:", *p))
			buf_add(&b, (const char *)p, 1);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_take(&b);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct http *h = ctx;
	if (h->body.len + size * n > h->o.max_body) {
		h->too_big = true;
		return 0;	/* curl stops with a write error */
	}
	buf_add(&h->body, data, size * n);
	return size * n;
}

/* user:password written in the URL, decoded; NULL when none. */
static char *url_part(const char *url, CURLUPart part)
{
	CURLU *u = curl_url();
	char *v = NULL, *out = NULL;
	if (!curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, part, &v, CURLU_URLDECODE))
		out = xstrdup(v);
	curl_free(v);
	curl_url_cleanup(u);
	return out;
}

int http_open(struct http **out, const char *url, const struct http_opts *o, char **err)
{
	*out = NULL;
	char *host = http_checked_host(url, o->allow_http, err);
	if (!host)
		return -1;
	static bool global_done;
	if (!global_done && curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		global_done = true;
	struct http *h = calloc(1, sizeof *h);
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(host);
		free(h);
		return err_set(err, "cannot start libcurl");
	}
	char *plain = url_redact(url);
	size_t n = strlen(plain);
	h->base = str_printf("%s%s", plain, n && plain[n - 1] == '/' ? "" : "/");
	free(plain);
	h->host = host;
	h->o = *o;
	/* Credentials: the config's, else those written in the URL. A user
	 * without a password is left to ~/.netrc (or no login at all). */
	h->o.password = o->password ? xstrdup(o->password) : url_part(url, CURLUPART_PASSWORD);
	h->o.user = !h->o.password ? NULL : o->user ? xstrdup(o->user)
		: url_part(url, CURLUPART_USER);
	h->o.ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	if (!h->o.max_body)
		h->o.max_body = 64 << 20;
	*out = h;
	return 0;
}

void http_close(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	if (h->o.password)	/* leave no password behind in freed memory */
		memset((char *)h->o.password, 0, strlen(h->o.password));
	free((char *)h->o.user);
	free((char *)h->o.password);
	free((char *)h->o.ca_file);
	free(h->base);
	free(h->host);
	free(h->body.s);
	free(h);
}

void http_expect_large(struct http *h, bool large)
{
	h->large = large;
}

const char *http_url(const struct http *h)
{
	return h->base;
}

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	*r = (struct http_resp){ 0 };
}

static void set_auth(struct http *h, const char *url)
{
	CURL *c = h->curl;
	char *host = http_checked_host(url, true, NULL);
	bool ours = host && !strcmp(host, h->host);
	free(host);
	curl_easy_setopt(c, CURLOPT_USERNAME, ours ? h->o.user : NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, ours ? h->o.password : NULL);
	curl_easy_setopt(c, CURLOPT_NETRC, ours && !h->o.password ? (long)CURL_NETRC_OPTIONAL
			 : (long)CURL_NETRC_IGNORED);
}

static void set_options(struct http *h, const char *url, const char *method, const char *body,
			struct curl_slist *headers)
{
	CURL *c = h->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 16L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	long timeout = h->o.timeout > 0 ? h->o.timeout : HTTP_TIMEOUT;
	if (h->large)
		timeout += (long)(h->o.max_body / HTTP_SLOW_RATE);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->o.ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->o.ca_file);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	} else if (!strcmp(method, "GET")) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	set_auth(h, url);
}

/* One exchange, following redirects; 0 with the status, or a curl error. */
static CURLcode exchange(struct http *h, const char *method, const char *path, const char *body,
			 long *status, char **err)
{
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Accept: application/json");
	char *url = str_printf("%s%s", h->base, path);
	CURLcode rc = CURLE_OK;
	for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
		h->body.len = 0;
		h->too_big = false;
		set_options(h, url, method, body, headers);
		rc = curl_easy_perform(h->curl);
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
		char *next = NULL;
		curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &next);
		if (rc || *status < 300 || *status > 399 || !next)
			break;
		char *host = http_checked_host(next, h->o.allow_http, err);
		if (!host) {
			rc = CURLE_UNSUPPORTED_PROTOCOL;
			break;
		}
		free(host);
		free(url);
		url = xstrdup(next);
		if (hop == MAX_REDIRECTS)
			rc = CURLE_TOO_MANY_REDIRECTS;
	}
	free(url);
	curl_slist_free_all(headers);
	return rc;
}

static bool retryable(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status >= 500 || status == 429;
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT
		|| rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING
		|| rc == CURLE_PARTIAL_FILE || rc == CURLE_COULDNT_RESOLVE_HOST;
}

static void wait_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts))
		;
}

/* How long to wait before try number `attempt` (from 1). */
static long backoff_ms(struct http *h, int attempt)
{
	curl_off_t after = 0;
	long ms = 250L << (attempt < 6 ? attempt : 6);
	if (curl_easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
		ms = (long)after * 1000;
	long cap = h->o.max_wait_ms ? h->o.max_wait_ms : 30000;
	return ms < cap ? ms : cap;
}

static int transport_error(struct http *h, CURLcode rc, char **err)
{
	if (err && *err)
		return -1;	/* a redirect was refused and said why */
	if (h->too_big)
		return err_set(err, "%s answered with more than %zu bytes; giving up", h->base,
			       h->o.max_body);
	if (rc == CURLE_SSL_CACERT_BADFILE)
		return err_set(err, "cannot reach %s: the CA certificates in ca_file %s cannot be "
			       "read (fix ca_file in the config)", h->base,
			       h->o.ca_file ? h->o.ca_file : "(the system's)");
	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		return err_set(err, "cannot reach %s: its TLS certificate cannot be verified "
			       "(%s); if the endpoint uses a private CA, set ca_file in the config "
			       "to that CA's certificate", h->base, curl_easy_strerror(rc));
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return err_set(err, "cannot reach %s: %s (the network is down or very slow; "
			       "NORON_HTTP_TIMEOUT allows a request more than %ld seconds)",
			       h->base, curl_easy_strerror(rc),
			       h->o.timeout > 0 ? h->o.timeout : (long)HTTP_TIMEOUT);
	return err_set(err, "cannot reach %s: %s (check the url and the network)", h->base,
		       curl_easy_strerror(rc));
}

int http_request(struct http *h, const char *method, const char *path, const char *body,
		 struct http_resp *r, char **err)
{
	*r = (struct http_resp){ 0 };
	CURLcode rc = CURLE_OK;
	for (int attempt = 0;; attempt++) {
		rc = exchange(h, method, path, body, &r->status, err);
		if (h->o.verbose)
			fprintf(stderr, "noron: %s %s%s -> %ld%s%s\n", method, h->base, path,
				r->status, rc ? " " : "", rc ? curl_easy_strerror(rc) : "");
		if (attempt >= h->o.retries || !retryable(rc, r->status) || (err && *err))
			break;
		wait_ms(backoff_ms(h, attempt + 1));
	}
	if (rc)
		return transport_error(h, rc, err);
	r->len = h->body.len;
	r->body = xmalloc(r->len + 1);
	memcpy(r->body, h->body.s ? h->body.s : "", r->len);
	r->body[r->len] = '\0';
	return 0;
}
