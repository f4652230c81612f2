/*
 * Subcommands that edit: add, set, delete, undo. Each is one transaction
 * of the cache; a refused edit changes nothing.
 */
#include "cli.h"
#include "record.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Applies FIELD=VALUE arguments to doc. */
static int apply_fields(cJSON *doc, int argc, char **argv, const char *cmd)
{
	char *err = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			continue;
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i])
			return cli_usage(cmd, "'%s' is not FIELD=VALUE", argv[i]);
		char *name = str_printf("%.*s", (int)(eq - argv[i]), argv[i]);
		bool twice = false;
		for (int j = 0; j < i; j++)
			twice |= !strncmp(argv[j], argv[i], (size_t)(eq - argv[i]) + 1);
		int rc = twice ? err_set(&err, "field '%s' is given twice", name)
			: record_meta_member(name)
			? err_set(&err, "field '%s' is kept by noron and cannot be set", name)
			: record_set(doc, name, eq + 1, &err);
		free(name);
		if (rc) {
			rc = cli_fail(err);
			free(err);
			return rc;
		}
	}
	return EXIT_OK;
}

static int save(struct cli *cli, cJSON *doc, const char *kind, int *changed)
{
	char *err = NULL;
	int rc = cache_save(cli->cache, doc, kind, &err);
	size_t idlen = strlen(record_id(doc));
	if (rc < 0 && !strcmp(kind, HIST_ADD) && !strncmp(err, record_id(doc), idlen)) {
		/* the new record's id means nothing to the user yet */
		char *named = str_printf("new %s%s", record_type(doc)->name, err + idlen);
		free(err);
		err = named;
	}
	if (rc < 0) {
		rc = cli_fail(err);
		free(err);
		return rc;
	}
	*changed = rc;
	return EXIT_OK;
}

int cmd_add(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("add", argc, argv, 1, -1);
	const struct type_def *t = rc ? NULL : cli_type_arg(argv[0]);
	if (!t)
		return rc ? rc : EXIT_USAGE;
	cJSON *doc = record_new(t);
	rc = apply_fields(doc, argc - 1, argv + 1, "add");
	if (!rc)
		record_derive_id(doc);
	if (!rc)
		rc = cli_open(cli, CACHE_CREATE | CACHE_SEED);
	if (!rc && cache_ref_exists(cli->cache, record_id(doc), t->name))
		rc = cli_failf("%s already exists: change it with 'noron set %s ...'",
			       record_id(doc), record_id(doc));
	int changed;
	if (!rc && !(rc = save(cli, doc, HIST_ADD, &changed)))
		puts(record_id(doc));
	cJSON_Delete(doc);
	return rc;
}

int cmd_set(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("set", argc, argv, 2, -1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct cache_doc d;
	char *err = NULL;
	int found = cache_get(cli->cache, argv[0], &d, &err);
	if (found <= 0 || d.deleted) {
		rc = found < 0 ? cli_fail(err) : cli_failf("no record %s", argv[0]);
		free(err);
		cache_doc_free(&d);
		return rc;
	}
	int changed = 0;
	rc = apply_fields(d.body, argc - 1, argv + 1, "set");
	if (!rc)
		rc = save(cli, d.body, HIST_EDIT, &changed);
	if (!rc)
		printf("%s %s\n", changed ? "changed" : "nothing to change in", argv[0]);
	cache_doc_free(&d);
	return rc;
}

int cmd_delete(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("delete", argc, argv, 1, 1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	char *err = NULL;
	if (cache_delete(cli->cache, argv[0], &err)) {
		rc = cli_fail(err);
		free(err);
		return rc;
	}
	printf("deleted %s (undo with 'noron undo')\n", argv[0]);
	return EXIT_OK;
}

int cmd_undo(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("undo", argc, argv, 0, 0);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	char *err = NULL, *what = NULL;
	int done = cache_undo(cli->cache, &what, &err);
	if (done < 0)
		rc = cli_fail(err);
	else if (!done)
		puts("nothing to undo");
	else
		out_text(what, false), putchar('\n');
	free(err);
	free(what);
	return rc;
}
