/*
 * Triage of proposals (see triage.h).
 */
#include "triage.h"
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const act_words[] = {
	[TRIAGE_VOTE] = "vote", [TRIAGE_ACCEPT] = "accept", [TRIAGE_DECLINE] = "decline",
	[TRIAGE_DEFER] = "defer", [TRIAGE_REVIEW] = "review", [TRIAGE_SCHEDULE] = "schedule",
};
static const char *const act_status[] = {
	[TRIAGE_ACCEPT] = "accepted", [TRIAGE_DECLINE] = "declined",
	[TRIAGE_DEFER] = "deferred", [TRIAGE_REVIEW] = "review",
	[TRIAGE_SCHEDULE] = "scheduled",
};

int triage_act_parse(const char *word)
{
	for (int i = 0; i < (int)(sizeof act_words / sizeof act_words[0]); i++)
		if (!strcmp(word, act_words[i]))
			return i;
	return -1;
}

static int vote(cJSON *doc, const struct triage *t, char **err)
{
	if (!t->institution)
		return err_set(err, "a vote needs your institution: set institution = CODE in "
			       "the config (e.g. institution = kb-se)");
	cJSON *votes = cJSON_GetObjectItemCaseSensitive(doc, "votes");
	if (!votes)
		votes = cJSON_AddObjectToObject(doc, "votes");
	cJSON_DeleteItemFromObjectCaseSensitive(votes, t->institution);
	cJSON_AddNumberToObject(votes, t->institution, t->vote);	/* one vote each */
	return 0;
}

static void set_text(cJSON *doc, const char *name, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
	if (value && *value)
		cJSON_AddStringToObject(doc, name, value);
}

/* The workshop a proposal becomes, linked both ways. */
static int schedule(struct cache *c, cJSON *doc, const struct triage *t, long long *batch,
		    char **err)
{
	cJSON *ev = record_new(type_find("event"));
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(doc, "title");
	const cJSON *area = cJSON_GetObjectItemCaseSensitive(doc, "area");
	const cJSON *inst = cJSON_GetObjectItemCaseSensitive(doc, "institution");
	const cJSON *abstract = cJSON_GetObjectItemCaseSensitive(doc, "abstract");
	int rc = record_set(ev, "title", cJSON_IsString(title) ? title->valuestring : "Workshop", err)
		|| record_set(ev, "kind", "workshop", err)
		|| record_set(ev, "start", t->start ? t->start : "", err)
		|| record_set(ev, "end", t->end ? t->end : "", err)
		|| record_set(ev, "location", t->location ? t->location : "", err)
		|| record_set(ev, "proposal", record_id(doc), err) ? -1 : 0;
	if (!rc && cJSON_IsString(area))
		rc = record_set(ev, "areas", area->valuestring, err);
	if (!rc && cJSON_IsString(inst))
		rc = record_set(ev, "host", inst->valuestring, err);
	if (!rc && cJSON_IsString(abstract))
		rc = record_set(ev, "description", abstract->valuestring, err);
	struct store_opts o = { .kind = HIST_ADD, .batch = *batch, .skip_refs = true };
	if (!rc && cache_store(c, ev, &o, err) < 0)
		rc = -1;
	*batch = o.batch;
	if (!rc)
		set_text(doc, "event", record_id(ev));
	cJSON_Delete(ev);
	return rc;
}

static int apply_one(struct cache *c, const char *id, const struct triage *t, long long *batch,
		     char **err)
{
	struct cache_doc d;
	int found = cache_get(c, id, &d, err);
	const struct type_def *type = found > 0 ? record_type(d.body) : NULL;
	int rc = found < 0 ? -1 : 0;
	if (!rc && (!found || d.deleted || !type || strcmp(type->name, "proposal")))
		rc = err_set(err, "%s is not a proposal in this cache", id);
	if (!rc && t->act == TRIAGE_VOTE)
		rc = vote(d.body, t, err);
	else if (!rc && t->act == TRIAGE_SCHEDULE)
		rc = schedule(c, d.body, t, batch, err);
	if (!rc && t->act != TRIAGE_VOTE)
		set_text(d.body, "status", act_status[t->act]);
	if (!rc && t->act == TRIAGE_DECLINE)	/* the reason, or none: no stale note */
		set_text(d.body, "triage_note", t->reason);
	struct store_opts o = { .kind = HIST_EDIT, .batch = *batch };
	if (!rc && cache_store(c, d.body, &o, err) < 0)
		rc = -1;
	*batch = o.batch;
	cache_doc_free(&d);
	return rc;
}

int triage_apply(struct cache *c, const char *const *ids, int n, const struct triage *t,
		 char **err)
{
	if (t->act == TRIAGE_SCHEDULE && (!t->start || !*t->start))
		return err_set(err, "scheduling needs a start date (YYYY-MM-DD)");
	if (cache_begin(c, err))
		return -1;
	long long batch = 0;
	for (int i = 0; i < n; i++) {
		if (apply_one(c, ids[i], t, &batch, err)) {
			cache_rollback(c);
			return -1;
		}
	}
	return cache_commit(c, err);
}

int triage_counts(struct cache *c, long *to_triage, long *accepted, char **err)
{
	sqlite3_stmt *st = cache_prepare(c, "SELECT "
		"(SELECT coalesce(sum(live), 0) FROM type_counts WHERE type = 'proposal'"
		" AND status IN ('new', 'review')),"
		/* by the moment of the acceptance, not of the last edit (fields.c) */
		"(SELECT count(*) FROM docs WHERE type = 'proposal' AND deleted = 0 AND "
		" json_extract(body,'$.status') IN ('accepted', 'scheduled') AND "
		" json_extract(body,'$.accepted_at') >= strftime('%Y-%m-01', 'now'))", err);
	if (!st)
		return -1;
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : cache_fail(c, "counting proposals", err);
	*to_triage = sqlite3_column_int64(st, 0);
	*accepted = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc;
}
