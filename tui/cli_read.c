/*
 * Subcommands that read: list, show, search, history, status, help TYPE.
 * Human output is sanitised and aligned by display columns; --json output is
 * one JSON document (noron(1) documents its shape).
 */
#include "cli.h"
#include "dates.h"
#include "record.h"
#include "replica.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 500	/* records fetched per query */

const struct type_def *cli_type_arg(const char *name)
{
	const struct type_def *t = type_find(name);
	if (!t)
		for (size_t i = 0; i < record_type_count; i++)
			if (!strcmp(record_types[i]->plural, name))
				t = record_types[i];
	if (!t) {
		struct buf b = { 0 };
		for (size_t i = 0; i < record_type_count; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", record_types[i]->name);
		cli_usage(NULL, "unknown type '%s' (types: %s)", name, b.s);
		free(b.s);
	}
	return t;
}

struct list_ctx {
	struct cli *cli;
	const struct type_def *t;
	bool json;
	long n;
};

static void print_json_item(struct list_ctx *lc, const cJSON *item)
{
	char *s = cJSON_PrintUnformatted(item), *safe = json_safe(s);
	printf("%s\n  %s", lc->n++ ? "," : "", safe);
	free(safe);
	free(s);
}

static void print_json(const cJSON *item)
{
	char *s = cJSON_Print(item), *safe = json_safe(s);
	puts(safe);
	free(safe);
	free(s);
}

static void print_header(const struct type_def *t)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].flags & FL_LIST) {
			out_cell(t->fields[i].head ? t->fields[i].head : t->fields[i].name,
				 t->fields[i].width);
			fputs("  ", stdout);
		}
	puts("id");
}

static int list_row(void *ctx, const struct cache_row *row)
{
	struct list_ctx *lc = ctx;
	if (lc->json) {
		print_json_item(lc, row->body);
		return 0;
	}
	for (size_t i = 0; i < lc->t->nfields; i++) {
		const struct field_def *f = &lc->t->fields[i];
		if (!(f->flags & FL_LIST))
			continue;
		char *v = f->flags & FL_BRIEF ? cache_brief_text(lc->cli->cache, row->body, f)
			: cli_field_display(lc->cli, row->body, f);
		char *cell = f->flags & FL_TITLE && row->depth
			? str_printf("%*s%s", row->depth * 2, "", v) : xstrdup(v);
		out_cell(cell, f->width);
		fputs("  ", stdout);
		free(cell);
		free(v);
	}
	out_text(row->id, false);
	puts(row->dirty ? "  *" : "");
	lc->n++;
	return 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	const char *filter = NULL;
	bool json = opt_flag(&argc, argv, "--json");
	if (opt_value(&argc, argv, "--filter", &filter) < 0)
		return cli_usage("list", "--filter needs a text");
	int rc = opt_done("list", argc, argv, 1, 1);
	const struct type_def *t = rc ? NULL : cli_type_arg(argv[0]);
	if (!t)
		return rc ? rc : EXIT_USAGE;
	if ((rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct list_ctx lc = { .cli = cli, .t = t, .json = json };
	if (json)
		printf("{\"type\": \"%s\", \"records\": [", t->name);
	else
		print_header(t);
	char *err = NULL;
	long off = 0, before;
	do {
		before = lc.n;
		rc = cache_list(cli->cache, t, filter, off, WINDOW, list_row, &lc, &err) ? -1 : 0;
		off += WINDOW;
	} while (!rc && lc.n - before == WINDOW);
	if (json)
		puts("\n]}");
	if (rc)
		rc = cli_fail(err);
	free(err);
	return rc;
}

static void show_field(struct cli *cli, const cJSON *doc, const struct field_def *f)
{
	if (!cJSON_GetObjectItemCaseSensitive(doc, f->name))
		return;
	char *v = cli_field_display(cli, doc, f);
	char *local = f->kind == FIELD_WHEN ? when_local(v, true) : NULL;
	if (local && strcmp(local, v)) {	/* a date-time: local time, then as stored */
		char *both = str_printf("%s (%s)", local, v);
		free(v);
		v = both;
	}
	free(local);
	printf("%-13s ", f->name);
	char *safe = text_sanitize(v, true);
	for (char *p = safe; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			fputs("              ", stdout);
	}
	putchar('\n');
	free(safe);
	free(v);
}

static void show_meta(const cJSON *doc, const char *name, const char *label)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	if (!cJSON_IsString(v))
		return;
	printf("%-13s ", label);
	out_text(v->valuestring, false);
	putchar('\n');
}

static void show_record(struct cli *cli, const struct cache_doc *d)
{
	const struct type_def *t = record_type(d->body);
	if (!t) {	/* from a newer noron, through the endpoint: kept as it came */
		out_text(record_id(d->body) ? record_id(d->body) : "?", false);
		puts("  (a type this version of noron does not know; kept unchanged)");
		char *s = cJSON_Print(d->body), *safe = json_safe(s);
		out_text(safe, true);
		putchar('\n');
		free(safe), free(s);
		return;
	}
	out_text(record_id(d->body), false);
	printf("  (%s%s%s)\n", t->name, d->deleted ? ", deleted" : "",
	       d->dirty ? ", unsynced" : d->rev ? ", synced" : "");
	for (size_t i = 0; i < t->nfields; i++)
		show_field(cli, d->body, &t->fields[i]);
	show_meta(d->body, "created_at", "created");
	show_meta(d->body, "updated_at", "updated");
	show_meta(d->body, "updated_by", "updated by");
	if (d->rejected) {
		printf("%-13s ", "rejected");
		out_text(d->rejected, false);
		putchar('\n');
	}
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	bool json = opt_flag(&argc, argv, "--json");
	int rc = opt_done("show", argc, argv, 1, 1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct cache_doc d;
	char *err = NULL;
	int found = cache_get(cli->cache, argv[0], &d, &err);
	if (found <= 0) {
		rc = found < 0 ? cli_fail(err) : cli_failf("no record %s", argv[0]);
	} else if (json) {
		if (d.deleted)	/* a tombstone says so, as CouchDB's do */
			cJSON_AddBoolToObject(d.body, "_deleted", 1);
		print_json(d.body);
	} else {
		show_record(cli, &d);
	}
	cache_doc_free(&d);
	free(err);
	return rc;
}

static int search_row(void *ctx, const struct cache_row *row)
{
	struct list_ctx *lc = ctx;
	const struct type_def *t = record_type(row->body);
	if (lc->json) {
		print_json_item(lc, row->body);
		return 0;
	}
	out_cell(t ? t->name : "?", 11);
	fputs("  ", stdout);
	char *label = record_label(row->body);
	out_cell(label, 44);
	free(label);
	fputs("  ", stdout);
	out_text(row->id, false);
	putchar('\n');
	lc->n++;
	return 0;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	bool json = opt_flag(&argc, argv, "--json");
	int rc = opt_done("search", argc, argv, 1, -1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct buf q = { 0 };
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--"))
			buf_printf(&q, "%s%s", q.len ? " " : "", argv[i]);
	struct list_ctx lc = { .cli = cli, .json = json };
	char *err = NULL;
	if (json)
		fputs("{\"results\": [", stdout);
	if (cache_search(cli->cache, q.s ? q.s : "", 0, -1, search_row, &lc, &err))
		rc = cli_fail(err);
	if (json)
		puts("\n]}");
	free(err);
	free(q.s);
	return rc;
}

static int history_row(void *ctx, const struct cache_hist *h)
{
	struct list_ctx *lc = ctx;
	if (lc->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)h->seq);
		cJSON_AddStringToObject(o, "kind", h->kind);
		cJSON_AddStringToObject(o, "at", h->at);
		cJSON_AddStringToObject(o, "by", h->by ? h->by : "");
		cJSON_AddBoolToObject(o, "undone", h->undone);
		cJSON_AddItemToObject(o, "before", h->before ? cJSON_Duplicate(h->before, 1)
				      : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "after", h->after ? cJSON_Duplicate(h->after, 1)
				      : cJSON_CreateNull());
		print_json_item(lc, o);
		cJSON_Delete(o);
		return 0;
	}
	char *fields = record_changed_fields(h->before, h->after);
	printf("%s  %-7s ", h->at, h->kind);
	out_cell(h->by ? h->by : "", 18);
	printf("  %s", h->undone ? "(undone) " : "");
	out_text(fields, false);
	putchar('\n');
	free(fields);
	lc->n++;
	return 0;
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
	bool json = opt_flag(&argc, argv, "--json");
	int rc = opt_done("history", argc, argv, 1, 1);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct cache_doc d;
	char *err = NULL;
	int found = cache_get(cli->cache, argv[0], &d, &err);
	cache_doc_free(&d);
	if (found <= 0) {
		rc = found < 0 ? cli_fail(err) : cli_failf("no record %s", argv[0]);
		free(err);
		return rc;
	}
	struct list_ctx lc = { .cli = cli, .json = json };
	if (json)
		fputs("{\"history\": [", stdout);
	if (cache_history(cli->cache, argv[0], history_row, &lc, &err))
		rc = cli_fail(err);
	if (json)
		puts("\n]}");
	else if (!lc.n)
		puts("no local changes (the record came with the seed or the sync)");
	free(err);
	return rc;
}

static int print_rejected(void *ctx, const char *id, const char *reason)
{
	(void)ctx;
	printf("refused         ");
	out_text(id, false);
	fputs(": ", stdout);
	out_text(reason, false);
	putchar('\n');
	return 0;
}

static void status_json(const struct cache_status *s, const char *path)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "cache", path);
	cJSON_AddNumberToObject(o, "records", (double)s->records);
	cJSON_AddNumberToObject(o, "unsynced", (double)s->unsynced);
	cJSON_AddNumberToObject(o, "conflicts", (double)s->conflicts);
	cJSON_AddNumberToObject(o, "rejected", (double)s->rejected);
	cJSON_AddItemToObject(o, "last_sync", s->last_sync ? cJSON_CreateString(s->last_sync)
			      : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "last_error", s->last_error ? cJSON_CreateString(s->last_error)
			      : cJSON_CreateNull());
	print_json(o);
	cJSON_Delete(o);
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	bool json = opt_flag(&argc, argv, "--json");
	int rc = opt_done("status", argc, argv, 0, 0);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct cache_status s;
	char *err = NULL;
	if (cache_status(cli->cache, &s, &err)) {
		rc = cli_fail(err);
		free(err);
		return rc;
	}
	if (json) {
		status_json(&s, cache_path(cli->cache));
	} else {
		printf("cache           ");
		out_text(cache_path(cli->cache), false);
		printf("\nrecords         %ld\nunsynced edits  %ld\nconflicts       %ld\n"
		       "rejected edits  %ld\nlast sync       ", s.records, s.unsynced,
		       s.conflicts, s.rejected);
		out_text(s.last_sync ? s.last_sync : "never", false);
		putchar('\n');
		if (s.last_error) {
			printf("last error      ");
			out_text(s.last_error, false);
			putchar('\n');
		}
		replica_rejected_list(cli->cache, print_rejected, NULL, NULL);
	}
	cache_status_free(&s);
	return EXIT_OK;
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	int rc = opt_done("help", argc, argv, 1, 1);
	const struct type_def *t = rc ? NULL : cli_type_arg(argv[0]);
	if (!t)
		return rc ? rc : EXIT_USAGE;
	printf("%s: %s\n\n", t->name, t->help);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		struct buf b = { 0 };
		buf_printf(&b, "  %-13s %-18s %-9s", f->name, field_kind_name(f->kind),
			   f->flags & FL_REQUIRED ? "required" : "");
		if (f->ref)
			buf_printf(&b, " %s id", f->ref);
		for (int c = 0; f->choices && f->choices[c]; c++)
			buf_printf(&b, "%s%s", c ? "/" : " ", f->choices[c]);
		if (f->help)
			buf_printf(&b, "%s%s", f->ref || f->choices ? "; " : " ", f->help);
		while (b.len && b.s[b.len - 1] == ' ')
			b.s[--b.len] = '\0';
		puts(b.s);
		free(b.s);
	}
	return EXIT_OK;
}
