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
	http_expect_large(h, true);
	int rc = couch_call(h, "GET", path, NULL, "reading changes", page, &status, err);
	http_expect_large(h, false);
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
	http_expect_large(h, true);
	int rc = couch_call(h, "POST", "_bulk_get", body, "reading documents", &j, &status, err);
	http_expect_large(h, false);
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

void couch_checkpoint_free(struct couch_checkpoint *cp)
{
	free(cp->last_seq);
	free(cp->mark);
	free(cp->rev);
	*cp = (struct couch_checkpoint){ 0 };
}

/* A 404 says whether the database or only the document is missing
 * (COUCHDB.md: "Database does not exist." or "no_db_file"). */
static bool db_missing(const cJSON *answer)
{
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(answer, "reason");
	return cJSON_IsString(reason) && (!strcmp(reason->valuestring, "no_db_file")
					  || strstr(reason->valuestring, "not exist"));
}

int couch_get_checkpoint(struct http *h, const char *name, struct couch_checkpoint *cp,
			 char **err)
{
	char *path = str_printf("_local/%s", name);
	cJSON *j;
	long status;
	couch_checkpoint_free(cp);
	int rc = couch_call(h, "GET", path, NULL, "reading the checkpoint", &j, &status, err);
	free(path);
	if (rc)
		return -1;
	if (status == 200) {
		const cJSON *mark = cJSON_GetObjectItemCaseSensitive(j, "mark");
		cp->last_seq = seq_text(cJSON_GetObjectItemCaseSensitive(j, "last_seq"));
		cp->rev = seq_text(cJSON_GetObjectItemCaseSensitive(j, "_rev"));
		cp->mark = cJSON_IsString(mark) ? xstrdup(mark->valuestring) : NULL;
		if (!cp->last_seq || !cp->rev) {	/* not ours: no reset on its word */
			cJSON_Delete(j);
			couch_checkpoint_free(cp);
			return err_set(err, "%s: the checkpoint document has no last_seq or _rev "
				       "(not a CouchDB-compatible endpoint?)", http_url(h));
		}
	}
	rc = status == 404 && db_missing(j) ? 0 : 1;
	cJSON_Delete(j);
	if (status != 200 && status != 404)	/* a 409 or 412 says nothing of the document */
		return err_set(err, "%s: reading the checkpoint failed (HTTP %ld); try again later",
			       http_url(h), status);
	return rc;
}

/* One PUT of the checkpoint; *status is the endpoint's answer. */
static int put_once(struct http *h, const char *name, const char *last_seq, const char *mark,
		    struct couch_checkpoint *cp, long *status, char **err)
{
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "last_seq", last_seq);
	if (mark)
		cJSON_AddStringToObject(doc, "mark", mark);
	if (cp->rev)
		cJSON_AddStringToObject(doc, "_rev", cp->rev);
	char *body = cJSON_PrintUnformatted(doc);
	char *path = str_printf("_local/%s", name);
	cJSON *j;
	int rc = couch_call(h, "PUT", path, body, "saving the checkpoint", &j, status, err);
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(j, "rev");
	if (!rc && *status < 300) {
		struct couch_checkpoint now = {
			.last_seq = xstrdup(last_seq), .mark = mark ? xstrdup(mark) : NULL,
			.rev = cJSON_IsString(rev) ? xstrdup(rev->valuestring) : NULL,
		};
		couch_checkpoint_free(cp);
		*cp = now;
	}
	cJSON_Delete(j);
	cJSON_Delete(doc);
	free(body);
	free(path);
	return rc;
}

int couch_put_checkpoint(struct http *h, const char *name, const char *last_seq,
			 const char *mark, struct couch_checkpoint *cp, char **err)
{
	long status;
	if (put_once(h, name, last_seq, mark, cp, &status, err))
		return -1;
	if (status == 409) {	/* written meanwhile: over the current revision, once */
		struct couch_checkpoint now = { 0 };
		if (couch_get_checkpoint(h, name, &now, err) < 0)
			return -1;
		free(cp->rev);
		cp->rev = now.rev ? xstrdup(now.rev) : NULL;
		couch_checkpoint_free(&now);
		if (put_once(h, name, last_seq, mark, cp, &status, err))
			return -1;
	}
	if (status >= 300)
		return err_set(err, "%s: saving the checkpoint failed (HTTP %ld%s); try again",
			       http_url(h), status, status == 404 ? ": the database is gone" : "");
	return 0;
}
