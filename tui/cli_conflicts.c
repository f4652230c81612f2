/*
 * noron conflicts and noron resolve: the conflicts a sync left, and settling
 * one (or an edit the endpoint refused) by keeping this cache's version or
 * taking the endpoint's.
 */
#include "cli.h"
#include "record.h"
#include "replica.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conflicts_out {
	bool json;
	long n;
};

static cJSON *or_null(const cJSON *j)
{
	return j ? cJSON_Duplicate(j, 1) : cJSON_CreateNull();
}

static int print_conflict(void *ctx, const struct conflict *k)
{
	struct conflicts_out *o = ctx;
	if (o->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", k->id);
		cJSON_AddItemToObject(j, "fields", or_null(k->fields));
		cJSON_AddItemToObject(j, "mine", or_null(k->mine));
		cJSON_AddItemToObject(j, "theirs", or_null(k->theirs));
		cJSON_AddItemToObject(j, "base", or_null(k->base));
		cJSON_AddStringToObject(j, "theirs_rev", k->theirs_rev ? k->theirs_rev : "");
		cJSON_AddStringToObject(j, "at", k->at ? k->at : "");
		char *s = cJSON_PrintUnformatted(j), *safe = json_safe(s);
		printf("%s\n  %s", o->n ? "," : "", safe);
		free(safe), free(s);
		cJSON_Delete(j);
	} else {
		char *fields = cJSON_PrintUnformatted(k->fields);
		out_text(k->id, false);
		printf("  %s  ", k->at ? k->at : "");
		out_text(fields, false);
		putchar('\n');
		free(fields);
	}
	o->n++;
	return 0;
}

int cmd_conflicts(struct cli *cli, int argc, char **argv)
{
	struct conflicts_out o = { .json = opt_flag(&argc, argv, "--json") };
	int rc = opt_done("conflicts", argc, argv, 0, 0);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	char *err = NULL;
	if (o.json)
		fputs("{\"conflicts\": [", stdout);
	if (conflicts_list(cli->cache, print_conflict, &o, &err))
		rc = cli_fail(err);
	if (o.json)
		puts("\n]}");
	else if (!o.n && !rc)
		puts("no conflicts");
	free(err);
	return rc;
}

struct pick {
	bool theirs, found;
	const cJSON *stored;
	cJSON *chosen;		/* NULL: the chosen side deleted the record */
};

static int choose(void *ctx, const struct conflict *k)
{
	struct pick *p = ctx;
	p->found = true;
	p->chosen = conflict_pick(k, p->stored, p->theirs);
	return 0;
}

/* A refused edit, settled the way resolve settles a conflict. */
static int settle_refused(struct cli *cli, const char *id, bool theirs)
{
	char *err = NULL;
	int found = rejected_settle(cli->cache, id, theirs, &err);
	int rc = found < 0 ? cli_fail(err) : found ? cli_failf("no conflict and no refused edit "
							       "on %s", id) : EXIT_OK;
	if (!found && theirs)
		printf("discarded the refused edit of %s\n", id);
	else if (!found)
		printf("the refused edit of %s goes up again at the next sync\n", id);
	free(err);
	return rc;
}

int cmd_resolve(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("resolve", argc, argv, 2, 2);
	if (rc)
		return rc;
	if (strcmp(argv[1], "mine") && strcmp(argv[1], "theirs"))
		return cli_usage("resolve", "say mine (this cache's version) or theirs (the "
				 "endpoint's), not '%s'", argv[1]);
	if ((rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct pick p = { .theirs = !strcmp(argv[1], "theirs") };
	struct cache_doc d;
	char *err = NULL;
	if (cache_get(cli->cache, argv[0], &d, &err) > 0)
		p.stored = d.body;
	if (!p.stored || conflict_get(cli->cache, argv[0], choose, &p, &err) || !p.found) {
		rc = err ? cli_fail(err) : settle_refused(cli, argv[0], p.theirs);
	} else if (conflict_resolve(cli->cache, argv[0], p.chosen, &err)) {
		rc = cli_fail(err);
	} else {
		struct cache_doc now;
		bool dirty = cache_get(cli->cache, argv[0], &now, NULL) > 0 && now.dirty;
		cache_doc_free(&now);
		printf("resolved %s with %s version%s\n", argv[0], p.theirs ? "the endpoint's"
		       : "this cache's", dirty ? "; it goes up at the next sync" : "");
	}
	cache_doc_free(&d);
	cJSON_Delete(p.chosen);
	free(err);
	return rc;
}
