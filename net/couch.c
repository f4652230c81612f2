/*
 * The endpoint's API (see couch.h).
 */
#include "couch.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *couch_reason(const struct http_resp *r)
{
	cJSON *j = cJSON_Parse(r->body ? r->body : "");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *why = cJSON_GetObjectItemCaseSensitive(j, "reason");
	char *out = cJSON_IsString(why) && cJSON_IsString(e)
		? str_printf("%s: %s", e->valuestring, why->valuestring)
		: str_printf("HTTP %ld", r->status);
	cJSON_Delete(j);
	char *safe = text_sanitize(out, false);	/* the endpoint's words are untrusted */
	free(out);
	return safe;
}

/* Explains a status that stops the round. */
static int status_error(struct http *h, const struct http_resp *r, const char *what, char **err)
{
	char *why = couch_reason(r);
	/* A 401 also says "you are not an admin" (CouchDB, PouchDB): a right, not a login. */
	if (r->status == 401 && !strstr(why, "admin") && !strstr(why, "not authorized"))
		err_set(err, "%s refused the user name or password (%s): check user and password "
			"or password_command in the config", http_url(h), why);
	else if (r->status == 403 || r->status == 401)
		err_set(err, "%s: %s was refused (%s): ask the endpoint's administrator for "
			"access", http_url(h), what, why);
	else
		err_set(err, "%s: %s failed (%s)", http_url(h), what, why);
	free(why);
	return -1;
}

int couch_call(struct http *h, const char *method, const char *path, const char *body,
	       const char *what, cJSON **json, long *status, char **err)
{
	struct http_resp r;
	*json = NULL;
	if (http_request(h, method, path, body, &r, err))
		return -1;
	*status = r.status;
	int rc = 0;
	if (r.status >= 400 && r.status != 404 && r.status != 409 && r.status != 412
	    && r.status != 417)
		rc = status_error(h, &r, what, err);
	else if (!(*json = cJSON_ParseWithLength(r.body, r.len)))
		rc = err_set(err, "%s: %s: the endpoint's answer is not JSON (a proxy in the "
			     "way?); try again later", http_url(h), what);
	http_resp_free(&r);
	return rc;
}

int couch_db_create(struct http *h, char **err)
{
	cJSON *j;
	long status;
	if (couch_call(h, "PUT", "", NULL, "creating the database", &j, &status, err))
		return -1;
	cJSON_Delete(j);
	return status < 300 || status == 412 ? 0
		: err_set(err, "%s: could not create the database", http_url(h));
}

/* A seq as text: CouchDB sends strings, PouchDB numbers. */
static char *seq_text(const cJSON *seq)
{
	if (cJSON_IsString(seq))
		return xstrdup(seq->valuestring);
	if (cJSON_IsNumber(seq))
		return str_printf("%.0f", seq->valuedouble);
	return NULL;
}

int couch_changes(struct http *h, const char *since, int limit, cJSON **page, char **last_seq,
		  char **err)
{
	char *s = url_escape(since);
	char *path = str_printf("_changes?feed=normal&style=all_docs&include_docs=true"
				"&conflicts=true&limit=%d&seq_interval=%d&since=%s", limit, limit, s);
	long status;
	int rc = couch_call(h, "GET", path, NULL, "reading changes", page, &status, err);
	free(path);
	free(s);
	if (rc)
		return -1;
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(*page, "results");
	*last_seq = seq_text(cJSON_GetObjectItemCaseSensitive(*page, "last_seq"));
	if (status == 404)
		rc = err_set(err, "%s: the database does not exist", http_url(h));
	else if (!cJSON_IsArray(results) || !*last_seq)
		rc = err_set(err, "%s: the changes feed has no results or last_seq (not a "
			     "CouchDB-compatible endpoint?)", http_url(h));
	if (rc) {
		cJSON_Delete(*page);
		*page = NULL;
		free(*last_seq);
		*last_seq = NULL;
	}
	return rc;
}

int couch_bulk_docs(struct http *h, const cJSON *docs, cJSON **results, char **err)
{
	char *body = cJSON_PrintUnformatted(docs);
	long status;
	int rc = couch_call(h, "POST", "_bulk_docs", body, "saving documents", results, &status,
			    err);
	free(body);
	if (!rc && !cJSON_IsArray(*results)) {
		cJSON_Delete(*results);
		*results = NULL;
		rc = err_set(err, "%s: _bulk_docs answered without a list of results", http_url(h));
	}
	return rc;
}

/* The stored documents of one _bulk_get result, into out. */
static void take_docs(const cJSON *result, cJSON *out)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(result, "docs")) {
		const cJSON *ok = cJSON_GetObjectItemCaseSensitive(d, "ok");
		if (cJSON_IsObject(ok))	/* {} or {"error": ...}: the doc is missing */
			cJSON_AddItemToArray(out, cJSON_Duplicate(ok, 1));
	}
}

int couch_bulk_get(struct http *h, const cJSON *ids, cJSON **docs, char **err)
{
	cJSON *req = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(req, "docs"), *j;
	const cJSON *id;
	cJSON_ArrayForEach(id, ids) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", id->valuestring);
		cJSON_AddItemToArray(list, o);
	}
	char *body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	long status;
	int rc = couch_call(h, "POST", "_bulk_get", body, "reading documents", &j, &status, err);
	free(body);
	if (rc)
		return -1;
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(j, "results"), *res;
	if (!cJSON_IsArray(results)) {
		cJSON_Delete(j);
		return err_set(err, "%s: _bulk_get answered without results", http_url(h));
	}
	*docs = cJSON_CreateArray();
	cJSON_ArrayForEach(res, results)
		take_docs(res, *docs);
	cJSON_Delete(j);
	return 0;
}

int couch_get_checkpoint(struct http *h, const char *name, char **last_seq, char **rev,
			 char **err)
{
	char *path = str_printf("_local/%s", name);
	cJSON *j;
	long status;
	*last_seq = *rev = NULL;
	int rc = couch_call(h, "GET", path, NULL, "reading the checkpoint", &j, &status, err);
	free(path);
	if (rc)
		return -1;
	if (status == 200) {
		*last_seq = seq_text(cJSON_GetObjectItemCaseSensitive(j, "last_seq"));
		*rev = seq_text(cJSON_GetObjectItemCaseSensitive(j, "_rev"));
		if (!*last_seq || !*rev) {	/* not ours: no reset on its word */
			cJSON_Delete(j);
			free(*last_seq), free(*rev);
			*last_seq = *rev = NULL;
			return err_set(err, "%s: the checkpoint document has no last_seq or _rev "
				       "(not a CouchDB-compatible endpoint?)", http_url(h));
		}
	}
	/* A 404 says whether the database or only the document is missing
	 * (COUCHDB.md: "Database does not exist." or "no_db_file"). */
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
	rc = status != 404 ? 1 : cJSON_IsString(reason) && (!strcmp(reason->valuestring, "no_db_file")
		|| strstr(reason->valuestring, "not exist")) ? 0 : 1;
	cJSON_Delete(j);
	return rc;
}

int couch_put_checkpoint(struct http *h, const char *name, const char *last_seq,
			 const char *rev, char **err)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "last_seq", last_seq);
	if (rev)
		cJSON_AddStringToObject(doc, "_rev", rev);
	char *body = cJSON_PrintUnformatted(doc);
	char *path = str_printf("_local/%s", name);
	cJSON *j;
	long status;
	int rc = couch_call(h, "PUT", path, body, "saving the checkpoint", &j, &status, err);
	cJSON_Delete(j);
	cJSON_Delete(doc);
	free(body);
	free(path);
	return rc;
}
