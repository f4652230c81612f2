/*
 * Subcommands that move whole caches: init, export, import.
 */
#include "cli.h"
#include "exchange.h"
#include "files.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IMPORT_MAX ((size_t)512 << 20)

/* True when path names the cache file or one of its WAL files. */
static bool same_file(const char *path, const char *cache)
{
	struct stat a, b;
	if (stat(path, &a))
		return false;
	for (int i = 0; i < 3; i++) {
		char *f = str_printf("%s%s", cache, (const char *[]){ "", "-wal", "-shm" }[i]);
		bool same = !stat(f, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		free(f);
		if (same)
			return true;
	}
	return false;
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
	bool empty = opt_flag(&argc, argv, "--empty");
	int rc = opt_done("init", argc, argv, 0, 0);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_NEW | (empty ? 0 : CACHE_SEED))))
		return rc;
	struct cache_status s;
	char *err = NULL;
	if (cache_status(cli->cache, &s, &err)) {
		rc = cli_fail(err);
		free(err);
		return rc;
	}
	printf("created ");
	out_text(cache_path(cli->cache), false);
	printf(" with %ld records\n", s.records);
	cache_status_free(&s);
	return EXIT_OK;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	const char *format = "json", *out = "-";
	if (opt_value(&argc, argv, "--format", &format) < 0 || opt_value(&argc, argv, "-o", &out) < 0)
		return cli_usage("export", "--format and -o need a value");
	int rc = opt_done("export", argc, argv, 0, 0);
	if (rc)
		return rc;
	if (strcmp(format, "json"))
		return cli_usage("export", "unknown format '%s' (formats: json)", format);
	if ((rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	if (same_file(out, cache_path(cli->cache)))
		return cli_failf("%s is the cache itself: export to another file", out);
	struct atomic_file af;
	char *err = NULL;
	if (atomic_open(&af, out, &err) || export_json(cli->cache, af.fp, &err)
	    || atomic_commit(&af, &err)) {
		if (af.fp)
			atomic_abort(&af);
		rc = cli_fail(err);
	}
	free(err);
	return rc;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
	int rc = opt_done("import", argc, argv, 1, 1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	const char *path = argv[0];
	size_t len;
	char *err = NULL;
	char *text = file_read_all(path, IMPORT_MAX, &len, &err);
	struct import_stats st;
	if (text && strlen(text) != len)
		err_set(&err, "%s: not a JSON export (it holds NUL bytes)", path);
	if (!text || strlen(text) != len || import_json(cli->cache, text, path, &st, &err)) {
		rc = cli_fail(err);
	} else {
		printf("imported ");
		out_text(path, false);
		printf(": %ld added, %ld updated, %ld unchanged", st.added, st.updated,
		       st.unchanged);
		if (st.kept)
			printf(", %ld kept (this cache's edit is newer)", st.kept);
		putchar('\n');
	}
	free(text);
	free(err);
	return rc;
}
