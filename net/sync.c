/*
 * The sync round (see sync.h).
 */
#include "sync.h"
#include "connect.h"
#include "couch.h"
#include "replica.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PULL_PAGE 1000	/* documents a _changes request asks for: PouchDB Server answers
			 * one page of 1,000 much faster than two of 500; a page
			 * costs some 4 KB a document while held (two are) */
#define PULL_COMMIT 2000	/* pulled documents per transaction, at most */
#define PUSH_BATCH 200
#define PUSH_BYTES (4 << 20)	/* of JSON per request: Cloudant takes 10 MB at most */
#define PUSH_PASSES 4

struct round {
	struct cache *c;
	struct http *h;
	const struct sync_opts *o;
	struct sync_report *r;
	char *endpoint;		/* the database URL, as the checkpoint's key */
	char *checkpoint;	/* _local document name */
	bool in_tx;		/* pulled pages wait in an open transaction */
	long pending;		/* documents in it */
	char *failure;		/* the first edit the endpoint could not save, and why */
};

static void progress(struct round *rd, const char *stage, long n)
{
	if (rd->o->progress)
		rd->o->progress(rd->o->ctx, stage, n);
}

/* Ends the transaction of the pages applied so far (each with its
 * checkpoint, so any number of them is a state to resume from). */
static int commit_pages(struct round *rd, char **err)
{
	if (!rd->in_tx)
		return 0;
	rd->in_tx = false;
	return cache_commit(rd->c, err);
}

/* Applies one page of documents and its checkpoint in the open transaction,
 * committed every PULL_COMMIT documents and after the last page: a commit
 * per page writes the same index pages to the WAL again and again. */
static int apply_page(struct round *rd, const cJSON *results, const char *last_seq, bool last,
		      char **err)
{
	struct replica_stats st = { 0 };
	if (!rd->in_tx) {
		if (cache_begin(rd->c, err))
			return -1;
		cache_batch_search(rd->c);
		rd->in_tx = true;
		rd->pending = 0;
	}
	const cJSON *row;
	int rc = 0;
	cJSON_ArrayForEach(row, results) {
		const cJSON *doc = cJSON_GetObjectItemCaseSensitive(row, "doc");
		if (cJSON_IsObject(doc) && (rc = replica_apply(rd->c, doc, &st, err)))
			break;
	}
	/* The page's search rows go in together (fewer held in memory than a
	 * transaction's). */
	if (!rc)
		rc = cache_flush_search(rd->c, err);
	if (!rc)
		rc = replica_set_checkpoint(rd->c, rd->endpoint, last_seq, err);
	if (rc) {
		cache_rollback(rd->c);
		rd->in_tx = false;
		return -1;
	}
	rd->r->pulled += st.taken + st.merged + st.conflicts;
	rd->r->merged += st.merged;
	rd->pending += cJSON_GetArraySize(results);
	return last || rd->pending >= PULL_COMMIT ? commit_pages(rd, err) : 0;
}

/* The next page of _changes, fetched by a thread while this one writes the
 * page before into the cache: the endpoint's time to answer and the cache's
 * time to write then overlap, instead of adding up. Only that thread uses
 * the connection while it runs. */
struct prefetch {
	pthread_t thread;
	bool running;
	struct http *h;
	char *since;
	cJSON *page;
	char *last, *err;
	int rc;
};

static void *prefetch_main(void *arg)
{
	struct prefetch *f = arg;
	f->rc = couch_changes(f->h, f->since, PULL_PAGE, &f->page, &f->last, &f->err);
	return NULL;
}

static void prefetch_start(struct prefetch *f, struct http *h, const char *since)
{
	*f = (struct prefetch){ .h = h, .since = xstrdup(since) };
	f->running = !pthread_create(&f->thread, NULL, prefetch_main, f);
	if (!f->running)
		prefetch_main(f);	/* no thread to be had: fetch it now */
}

/* Waits for the page; on failure returns -1 with *err set. */
static int prefetch_wait(struct prefetch *f, cJSON **page, char **last, char **err)
{
	if (f->running)
		pthread_join(f->thread, NULL);
	f->running = false;
	free(f->since);
	*page = f->page;
	*last = f->last;
	if (f->rc && err && !*err)
		*err = f->err ? f->err : xstrdup("fetching changes failed");
	else
		free(f->err);
	return f->rc ? -1 : 0;
}

static int pull(struct round *rd, char **err)
{
	char *since = replica_checkpoint(rd->c, rd->endpoint, err);
	if (!since && err && *err)
		return -1;
	if (!since)
		since = xstrdup("0");
	struct prefetch f;
	prefetch_start(&f, rd->h, since);
	int rc = 0;
	for (;;) {
		cJSON *page = NULL;
		char *last = NULL;
		if ((rc = prefetch_wait(&f, &page, &last, err)))
			break;
		const cJSON *results = cJSON_GetObjectItemCaseSensitive(page, "results");
		int n = cJSON_GetArraySize(results);
		bool more = n >= PULL_PAGE && strcmp(last, since);
		if (more)
			prefetch_start(&f, rd->h, last);
		if (n)
			rc = apply_page(rd, results, last, !more, err);
		free(since);
		since = last;
		cJSON_Delete(page);
		progress(rd, "pull", rd->r->pulled);
		if (rc || !more)
			break;
	}
	/* The pages applied stand even when the next one could not be read. */
	if (commit_pages(rd, rc ? NULL : err) && !rc)
		rc = -1;
	if (f.running) {	/* this page failed to write: the next is not wanted */
		cJSON *page = NULL;
		char *last = NULL, *ignored = NULL;
		prefetch_wait(&f, &page, &last, &ignored);
		cJSON_Delete(page);
		free(last);
		free(ignored);
	}
	free(since);
	return rc;
}

/* Counts an edit the endpoint could not save; the first is named, with the
 * endpoint's error and the first line of its reason (a validation function
 * that crashes sends its stack trace). */
static void push_failed(struct round *rd, const char *id, const char *error, const char *reason)
{
	rd->r->failed++;
	if (rd->failure)
		return;
	size_t line = reason ? strcspn(reason, "\r\n") : 0;
	char *why = str_printf("%s%s%.*s", error, *error && line ? ": " : "", (int)line,
			       reason ? reason : "");
	char *text = str_printf("%s: %s", id, *why ? why : "no reason given");
	char *safe = text_sanitize(text, false);	/* the endpoint's words are untrusted */
	rd->failure = text_fit(safe, 200, false);
	free(why), free(text), free(safe);
}

/* The result of one pushed document. */
static int push_result(struct round *rd, const struct push_item *it, const cJSON *res,
		       cJSON *conflicted, char **err)
{
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(res, "rev");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(res, "error");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(res, "reason");
	const char *why = cJSON_IsString(reason) ? reason->valuestring : NULL;
	if (cJSON_IsString(rev) && !error) {
		rd->r->pushed++;
		return replica_pushed(rd->c, it, rev->valuestring, err);
	}
	const char *e = cJSON_IsString(error) ? error->valuestring : "";
	if (!strcmp(e, "conflict")) {
		cJSON_AddItemToArray(conflicted, cJSON_CreateString(it->id));
		return 0;
	}
	if (!strcmp(e, "forbidden") || !strcmp(e, "unauthorized")) {
		rd->r->rejected++;
		char *safe = text_sanitize(why ? why : e, false);
		int rc = replica_rejected(rd->c, it->id, safe, err);
		free(safe);
		return rc;
	}
	push_failed(rd, it->id, e, why);	/* kept unsynced; the next round tries again */
	return 0;
}

static const cJSON *result_for(const cJSON *results, const char *id)
{
	const cJSON *res;
	cJSON_ArrayForEach(res, results) {
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(res, "id");
		if (cJSON_IsString(rid) && !strcmp(rid->valuestring, id))
			return res;	/* by id: answers may come in any order */
	}
	return NULL;
}

/* Fetches what the endpoint has for conflicting pushes and merges it in. */
static int fetch_conflicted(struct round *rd, const cJSON *ids, char **err)
{
	cJSON *docs = NULL;
	if (couch_bulk_get(rd->h, ids, &docs, err))
		return -1;
	struct replica_stats st = { 0 };
	int rc = cache_begin(rd->c, err);
	const cJSON *doc;
	cJSON_ArrayForEach(doc, docs)
		if (!rc)
			rc = replica_apply(rd->c, doc, &st, err);
	if (rc)
		cache_rollback(rd->c);
	else
		rc = cache_commit(rd->c, err);
	rd->r->merged += st.merged;
	cJSON_Delete(docs);
	return rc;
}

static int push_batch(struct round *rd, struct push_batch *b, cJSON *conflicted, char **err)
{
	cJSON *results = NULL;
	if (couch_bulk_docs(rd->h, b->docs, &results, err))
		return -1;
	int rc = cache_begin(rd->c, err);
	for (int i = 0; !rc && i < b->n; i++) {
		const cJSON *res = result_for(results, b->items[i].id);
		if (res)
			rc = push_result(rd, &b->items[i], res, conflicted, err);
		else
			push_failed(rd, b->items[i].id, "", "the endpoint did not answer for it");
	}
	if (rc)
		cache_rollback(rd->c);
	else
		rc = cache_commit(rd->c, err);
	cJSON_Delete(results);
	return rc;
}

/* One pass over the unsynced edits; *again when merges made new ones. */
static int push_pass(struct round *rd, bool *again, char **err)
{
	long long after = 0;
	int rc = 0;
	*again = false;
	for (;;) {
		struct push_batch b;
		rc = replica_outgoing(rd->c, after, PUSH_BATCH, PUSH_BYTES, &b, err);
		if (rc || b.n == 0) {
			push_batch_free(&b);
			break;
		}
		after = b.last;
		cJSON *conflicted = cJSON_CreateArray();
		rc = push_batch(rd, &b, conflicted, err);
		if (!rc && cJSON_GetArraySize(conflicted)) {
			rc = fetch_conflicted(rd, conflicted, err);
			*again = true;
		}
		cJSON_Delete(conflicted);
		push_batch_free(&b);
		progress(rd, "push", rd->r->pushed);
		if (rc)
			break;
	}
	return rc;
}

static int push(struct round *rd, char **err)
{
	bool again = true;
	for (int pass = 0; again && pass < PUSH_PASSES; pass++)
		if (push_pass(rd, &again, err))
			return -1;
	return 0;
}

/* A missing database: made with --create, else the round stops. */
static int create_db(struct round *rd, char **err)
{
	if (!rd->o->create)
		return err_set(err, "%s: the database does not exist (noron sync --create makes "
			       "it, if you have the rights)", http_url(rd->h));
	return couch_db_create(rd->h, err);
}

/* Writes the checkpoint document with a new mark: the mark is committed
 * in the cache first, so whether the write arrives or not, the document on
 * the endpoint is one this cache knows it wrote. */
static int put_checkpoint(struct round *rd, const char *seq, struct couch_checkpoint *cp,
			  char **err)
{
	char *mark = NULL;
	int rc = replica_mark_start(rd->c, rd->endpoint, &mark, err);
	if (!rc)
		rc = couch_put_checkpoint(rd->h, rd->checkpoint, seq, mark, cp, err);
	if (!rc)
		rc = replica_mark_written(rd->c, rd->endpoint, mark, cp->rev, err);
	free(mark);
	return rc;
}

/* Everything is pulled and pushed again: the endpoint lost what it had. */
static int reset(struct round *rd, char **err)
{
	rd->r->reset = true;
	if (cache_begin(rd->c, err))
		return -1;
	if (replica_reset(rd->c, rd->endpoint, err)) {
		cache_rollback(rd->c);
		return -1;
	}
	return cache_commit(rd->c, err);
}

/* A database that lost our checkpoint document was recreated or reset; one
 * whose document carries a mark this cache never wrote was put back from a
 * backup (or replaced by another database). Either way what the endpoint
 * lacks is pulled and pushed again rather than silently missed. The
 * document is written before the first pull, so a round cut short still
 * leaves it there. Its reading also tells whether the database exists, so a
 * round with nothing to do costs two requests: this one and _changes. */
static int check_reset(struct round *rd, struct couch_checkpoint *cp, char **err)
{
	int there = couch_get_checkpoint(rd->h, rd->checkpoint, cp, err);
	if (there < 0 || (!there && create_db(rd, err)))
		return -1;
	char *local = replica_checkpoint(rd->c, rd->endpoint, err);
	if (!local && err && *err)
		return -1;
	int known = cp->last_seq ? replica_mark_check(rd->c, rd->endpoint, cp->mark, cp->rev, err)
		: 1;
	int rc = known < 0 ? -1 : 0;
	if (!rc && ((local && !cp->last_seq) || !known)) {
		rd->r->restored = !known;
		rc = reset(rd, err);
	}
	if (!rc && !cp->last_seq)
		rc = put_checkpoint(rd, "0", cp, err);
	free(local);
	return rc;
}

static int round_run(struct round *rd, char **err)
{
	struct couch_checkpoint cp = { 0 };
	int rc = check_reset(rd, &cp, err);
	if (!rc)
		rc = pull(rd, err);
	long pushed = rd->r->pushed;
	if (!rc)
		rc = push(rd, err);
	if (!rc && rd->r->pushed != pushed)
		rc = pull(rd, err);
	/* The checkpoint is written when it moved. */
	char *seq = rc ? NULL : replica_checkpoint(rd->c, rd->endpoint, err);
	if (!rc && seq && (!cp.last_seq || strcmp(seq, cp.last_seq)))
		rc = put_checkpoint(rd, seq, &cp, err);
	free(seq);
	couch_checkpoint_free(&cp);
	return rc;
}

static int open_endpoint(struct round *rd, const struct config *cfg, const char *url,
			 char **err)
{
	struct http_opts ho;
	if (connect_opts(cfg, rd->o->verbose, &ho, err))
		return -1;
	int rc = http_open(&rd->h, url, &ho, err);
	connect_opts_free(&ho);	/* the connection keeps its own copy */
	return rc;
}

int sync_run(struct cache *c, const struct config *cfg, const struct sync_opts *o,
	     struct sync_report *r, char **err)
{
	*r = (struct sync_report){ 0 };
	const char *url = o->url ? o->url : cfg->url;
	if (!url)
		return err_set(err, "no endpoint: set url in the config or give --url");
	struct round rd = { .c = c, .o = o, .r = r };
	cache_for_bulk_writes(c);
	if (open_endpoint(&rd, cfg, url, err))
		return -1;
	rd.endpoint = url_redact(url);
	char *uuid = cache_uuid(c, err);
	rd.checkpoint = str_printf("noron-%s", uuid ? uuid : "cache");
	free(uuid);
	int rc = round_run(&rd, err);
	if (!rc && r->failed)
		rc = err_set(err, "%s: %ld edit%s could not be saved on the endpoint (%s); %s "
			     "unsynced: try again later", rd.endpoint, r->failed,
			     r->failed == 1 ? "" : "s", rd.failure, r->failed == 1 ? "it stays"
			     : "they stay");
	struct cache_status st;
	if (!cache_sync_status(c, &st, NULL)) {
		r->conflicts = st.conflicts;
		r->refused = st.rejected;
		cache_status_free(&st);
	}
	replica_finish(c, rd.endpoint, rc ? *err : NULL, NULL);
	http_close(rd.h);
	free(rd.endpoint);
	free(rd.checkpoint);
	free(rd.failure);
	return rc;
}
