/*
 * Subcommands that move whole caches: init, export, import (JSON, iCalendar
 * and mind maps).
 */
#include "cli.h"
#include "exchange.h"
#include "dates.h"
#include "files.h"
#include "helper.h"
#include "ical.h"
#include "mindmap.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define IMPORT_MAX ((size_t)512 << 20)

bool cli_same_file(const char *path, const char *cache)
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

/* The --from/--to/--kind of an iCalendar export, checked. */
static int ics_range(int *argc, char **argv, struct ical_range *r)
{
	if (opt_value(argc, argv, "--from", &r->from) < 0 || opt_value(argc, argv, "--to", &r->to) < 0
	    || opt_value(argc, argv, "--kind", &r->kind) < 0)
		return cli_usage("export", "--from, --to and --kind need a value");
	const char *bad = r->from && !date_valid(r->from) ? r->from
		: r->to && !date_valid(r->to) ? r->to : NULL;
	if (bad)
		return cli_usage("export", "'%s' is not a date (YYYY-MM-DD) for --from or --to", bad);
	const struct field_def *kind = field_find(type_find("event"), "kind");
	if (r->kind && enum_index(kind, r->kind) < 0)
		return cli_usage("export", "no event kind '%s' (meeting, conference, workshop, "
				 "visit, deadline)", r->kind);
	return EXIT_OK;
}

static int write_export(struct cache *c, FILE *fp, const char *format,
			const struct ical_range *r, char **err)
{
	if (!strcmp(format, "mm"))
		return mindmap_export(c, fp, err);
#ifndef NORON_SLIM	/* noron hands iCalendar to noron-io (helper.h) */
	if (!strcmp(format, "ics"))
		return ical_export(c, fp, r, err);
#endif
	(void)r;
	return export_json(c, fp, err);
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	const char *format = "json", *out = "-";
	struct ical_range range = { 0 };
	if (opt_value(&argc, argv, "--format", &format) < 0 || opt_value(&argc, argv, "-o", &out) < 0)
		return cli_usage("export", "--format and -o need a value");
	int rc = ics_range(&argc, argv, &range);
	if (!rc)
		rc = opt_done("export", argc, argv, 0, 0);
	if (rc)
		return rc;
	bool ics = !strcmp(format, "ics");
	if (!ics && strcmp(format, "json") && strcmp(format, "mm"))
		return cli_usage("export", "unknown format '%s' (formats: json, ics, mm)", format);
	if (!ics && (range.from || range.to || range.kind))
		return cli_usage("export", "--from, --to and --kind go with --format ics");
#ifdef NORON_SLIM
	if (ics)
		return helper_exec(cli);
#endif
	if ((rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	if (cli_same_file(out, cache_path(cli->cache)))
		return cli_failf("%s is the cache itself: export to another file", out);
	struct atomic_file af;
	char *err = NULL;
	if (atomic_open(&af, out, &err) || write_export(cli->cache, af.fp, format, &range, &err)
	    || atomic_commit(&af, &err)) {
		if (af.fp)
			atomic_abort(&af);
		rc = cli_fail(err);
	}
	free(err);
	return rc;
}

/* Where a file's text begins, after a byte-order mark and white space. */
static const char *text_begins(const char *text)
{
	if (!strncmp(text, "\xEF\xBB\xBF", 3))	/* a byte-order mark */
		text += 3;
	return text + strspn(text, " \n\r\t");
}

/* An iCalendar file by its name or by its first line. */
static bool is_ical(const char *path, const char *text)
{
	size_t n = strlen(path);
	text = text_begins(text);
	return (n > 4 && !strcasecmp(path + n - 4, ".ics")) || !strncasecmp(text, "BEGIN:VCALENDAR", 15);
}

/* A mind map by its name, or by its first element (after an XML declaration). */
static bool is_mindmap(const char *path, const char *text)
{
	size_t n = strlen(path);
	text = text_begins(text);
	if (!strncmp(text, "<?xml", 5) && strstr(text, "?>"))
		text = text_begins(strstr(text, "?>") + 2);
	return (n > 3 && !strcasecmp(path + n - 3, ".mm"))
		|| (!strncmp(text, "<map", 4) && text[4] && strchr(" \t\r\n/>", text[4]));
}

/* The start of the line an import prints. */
static void say_imported(const char *path, long added, long updated, long unchanged)
{
	printf("imported ");
	out_text(path, false);
	printf(": %ld added, %ld updated, %ld unchanged", added, updated, unchanged);
}

static int import_mm(struct cli *cli, const char *text, const char *path)
{
	struct mindmap_stats st;
	char *err = NULL;
	int rc = EXIT_OK;
	if (mindmap_import(cli->cache, text, path, &st, &err)) {
		rc = cli_fail(err);
	} else {
		say_imported(path, st.added, st.updated, st.unchanged);
		printf("; %ld %s of the cache %s not in the map (left as %s)\n", st.elsewhere,
		       st.elsewhere == 1 ? "area" : "areas", st.elsewhere == 1 ? "is" : "are",
		       st.elsewhere == 1 ? "it is" : "they are");
	}
	free(err);
	return rc;
}

static int import_ics(struct cli *cli, const char *text, const char *path)
{
#ifdef NORON_SLIM
	(void)text, (void)path;
	return helper_exec(cli);
#endif
	struct ical_stats st;
	char *err = NULL;
	int rc = EXIT_OK;
	if (ical_import(cli->cache, text, path, &st, &err)) {
		rc = cli_fail(err);
	} else {
		say_imported(path, st.added, st.updated, st.unchanged);
		if (st.skipped)
			printf(", %ld skipped (not events, or changes to one occurrence)", st.skipped);
		if (st.first_only)
			printf("; %ld recurrence %s noron cannot keep: imported as %s first occurrence",
			       st.first_only, st.first_only == 1 ? "rule" : "rules",
			       st.first_only == 1 ? "its" : "their");
		putchar('\n');
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
		err_set(&err, "%s holds NUL bytes: neither a JSON export, an iCalendar file nor "
			"a mind map", path);
	if (text && strlen(text) == len && is_ical(path, text))
		rc = import_ics(cli, text, path);
	else if (text && strlen(text) == len && is_mindmap(path, text))
		rc = import_mm(cli, text, path);
	else if (!text || strlen(text) != len || import_json(cli->cache, text, path, &st, &err)) {
		rc = cli_fail(err);
	} else {
		say_imported(path, st.added, st.updated, st.unchanged);
		if (st.kept)
			printf(", %ld kept (this cache's edit is newer)", st.kept);
		putchar('\n');
	}
	free(text);
	free(err);
	return rc;
}
