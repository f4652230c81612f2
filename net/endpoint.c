/*
 * The endpoint's administrative API (see endpoint.h).
 */
#include "endpoint.h"
#include "connect.h"
#include "couch.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>	/* memrchr: _GNU_SOURCE */

/* The server's URL: the database URL without its last path segment. */
static char *server_url(const char *url, char **err)
{
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	size_t n = strlen(url);
	while (n > (size_t)(host - url) && url[n - 1] == '/')
		n--;
	const char *slash = memrchr(host, '/', n - (size_t)(host - url));
	if (!slash) {
		char *safe = url_redact(url);
		err_set(err, "%s names no database: give its URL, e.g. "
			"https://couch.example.org/noron", safe);
		free(safe);
		return NULL;
	}
	return str_printf("%.*s", (int)(slash + 1 - url), url);
}

int endpoint_open(struct endpoint *e, const struct config *cfg, const char *url, bool verbose,
		  char **err)
{
	*e = (struct endpoint){ 0 };
	url = url ? url : cfg->url;
	if (!url)
		return err_set(err, "no endpoint: set url in the config or give --url");
	char *root = server_url(url, err);
	struct http_opts o;
	if (!root || connect_opts(cfg, verbose, &o, err)) {
		free(root);
		return -1;
	}
	int rc = http_open(&e->db, url, &o, err) || http_open(&e->server, root, &o, err) ? -1 : 0;
	connect_opts_free(&o);
	free(root);
	if (rc)
		endpoint_close(e);
	return rc;
}

void endpoint_close(struct endpoint *e)
{
	http_close(e->db);
	http_close(e->server);
	*e = (struct endpoint){ 0 };
}

static const char *text_of(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int endpoint_server(struct endpoint *e, char **what, char **err)
{
	cJSON *j;
	long status;
	*what = NULL;
	if (couch_call(e->server, "GET", "", NULL, "reading the server's welcome", &j, &status,
		       err))
		return -1;
	const char *version = text_of(j, "version");
	const char *vendor = text_of(cJSON_GetObjectItemCaseSensitive(j, "vendor"), "name");
	char *raw = NULL;
	if (status != 200 || !version)
		err_set(err, "%s is not a CouchDB-compatible server (its root has no version)",
			http_url(e->server));
	else if (text_of(j, "couchdb") && vendor && !strstr(vendor, "Apache"))
		raw = str_printf("%s (CouchDB %s)", vendor, version);
	else if (text_of(j, "couchdb"))
		raw = str_printf("CouchDB %s", version);
	else if (text_of(j, "express-pouchdb"))
		raw = str_printf("PouchDB Server %s", version);
	else
		raw = str_printf("an unknown server, version %s", version);
	cJSON_Delete(j);
	if (raw)
		*what = text_sanitize(raw, false);	/* the server's words are untrusted */
	free(raw);
	return *what ? 0 : -1;
}

int endpoint_get(struct endpoint *e, const char *path, const char *what, cJSON **doc,
		 char **err)
{
	long status;
	if (couch_call(e->db, "GET", path, NULL, what, doc, &status, err))
		return -1;
	if (status == 200 && cJSON_IsObject(*doc))
		return 1;
	if (status != 404)
		err_set(err, "%s: %s: the answer is HTTP %ld without a document", http_url(e->db),
			what, status);
	cJSON_Delete(*doc);
	*doc = NULL;
	return status == 404 ? 0 : -1;
}

int endpoint_db(struct endpoint *e, long *docs, char **err)
{
	cJSON *info;
	int rc = endpoint_get(e, "", "reading the database", &info, err);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(info, "doc_count");
	*docs = cJSON_IsNumber(n) ? (long)n->valuedouble : 0;
	cJSON_Delete(info);
	return rc;
}

int endpoint_put(struct endpoint *e, const char *path, const cJSON *doc, const char *what,
		 char **rev, char **err)
{
	char *body = cJSON_PrintUnformatted(doc);
	cJSON *j;
	long status;
	int rc = couch_call(e->db, "PUT", path, body, what, &j, &status, err);
	free(body);
	if (!rc && status >= 300) {
		const char *reason = text_of(j, "reason");
		char *why = text_sanitize(reason ? reason : "", false);	/* untrusted */
		rc = err_set(err, "%s: %s failed (HTTP %ld%s%s)", http_url(e->db), what, status,
			     *why ? ": " : "", why);
		free(why);
	}
	const char *r = text_of(j, "rev");
	if (rev)
		*rev = !rc && r ? xstrdup(r) : NULL;
	cJSON_Delete(j);
	return rc;
}

int endpoint_user(struct endpoint *e, cJSON **user_ctx, char **err)
{
	cJSON *j;
	long status;
	*user_ctx = NULL;
	if (couch_call(e->server, "GET", "_session", NULL, "reading the session", &j, &status,
		       err))
		return -1;
	cJSON *ctx = cJSON_DetachItemFromObjectCaseSensitive(j, "userCtx");
	cJSON_Delete(j);
	if (!cJSON_IsObject(ctx)) {
		cJSON_Delete(ctx);
		return err_set(err, "%s: _session answered without a userCtx (not a "
			       "CouchDB-compatible server?)", http_url(e->server));
	}
	*user_ctx = ctx;
	return 0;
}

int endpoint_write_probe(struct endpoint *e, char **err)
{
	char *id = id_new("noron-check");
	char *path = str_printf("_local/%s", id), *rev = NULL;
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "written_by", "noron endpoint check");
	int rc = endpoint_put(e, path, doc, "writing a test document", &rev, err);
	cJSON_Delete(doc);
	if (!rc) {
		char *del = str_printf("%s?rev=%s", path, rev ? rev : "0-1");
		cJSON *j;
		long status;
		rc = couch_call(e->db, "DELETE", del, NULL, "removing the test document", &j,
				&status, err);
		cJSON_Delete(j);
		free(del);
	}
	free(rev);
	free(path);
	free(id);
	return rc;
}
