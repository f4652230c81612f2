/*
 * What the subcommands share: failing with one clear line, options, opening
 * the cache, and writing untrusted text safely.
 */
#include "cli.h"
#include "record.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const char *msg)
{
	char *safe = text_sanitize(msg, false);
	fprintf(stderr, "noron: %s\n", safe);
	free(safe);
	return EXIT_FAIL;
}

int cli_failf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = str_vprintf(fmt, ap);
	va_end(ap);
	cli_fail(msg);
	free(msg);
	return EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = str_vprintf(fmt, ap);
	va_end(ap);
	cli_fail(msg);
	free(msg);
	for (const struct command *c = commands; cmd && c->name; c++)
		if (!strcmp(c->name, cmd))
			fprintf(stderr, "usage: noron %s %s\n", c->name, c->args);
	if (!cmd)
		fputs("usage: noron [--db PATH] COMMAND [ARGS]; see noron --help\n", stderr);
	return EXIT_USAGE;
}

int cli_open(struct cli *cli, unsigned flags)
{
	char *err = NULL;
	char *path = cli->db_path ? xstrdup(cli->db_path) : config_default_db();
	int rc = cache_open(path, flags, &cli->cache, &err);
	free(path);
	if (rc) {
		cli_fail(err);
		free(err);
		return EXIT_FAIL;
	}
	char *author = config_author(&cli->cfg);
	cache_set_author(cli->cache, author);
	free(author);
	return EXIT_OK;
}

static void remove_arg(int *argc, char **argv, int i, int n)
{
	memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) * sizeof *argv);
	*argc -= n;
}

bool opt_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], flag)) {
			remove_arg(argc, argv, i, 1);
			return true;
		}
	}
	return false;
}

int opt_value(int *argc, char **argv, const char *flag, const char **value)
{
	size_t n = strlen(flag);
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strncmp(argv[i], flag, n) && argv[i][n] == '=') {
			*value = argv[i] + n + 1;
			remove_arg(argc, argv, i, 1);
			return 1;
		}
		if (strcmp(argv[i], flag))
			continue;
		if (i + 1 >= *argc)
			return -1;
		*value = argv[i + 1];
		remove_arg(argc, argv, i, 2);
		return 1;
	}
	return 0;
}

int opt_done(const char *cmd, int argc, char **argv, int min_args, int max_args)
{
	int args = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			args += argc - i - 1;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9'))
			return cli_usage(cmd, "unknown option '%s'", argv[i]);
		args++;
	}
	if (args < min_args)
		return cli_usage(cmd, "missing argument");
	if (max_args >= 0 && args > max_args)
		return cli_usage(cmd, "too many arguments");
	return EXIT_OK;
}

void out_text(const char *s, bool keep_newlines)
{
	char *safe = text_sanitize(s, keep_newlines);
	fputs(safe, stdout);
	free(safe);
}

void out_cell(const char *s, int cols)
{
	char *safe = text_sanitize(s, false);
	char *cell = text_fit(safe, cols, true);
	fputs(cell, stdout);
	free(cell);
	free(safe);
}

char *cli_ref_label(struct cli *cli, const char *id)
{
	bool deleted;
	char *label = cache_label(cli->cache, id, &deleted);
	return label ? label : xstrdup(id);
}

char *cli_field_display(struct cli *cli, const cJSON *doc, const struct field_def *f)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name);
	if (f->kind == FIELD_REF && cJSON_IsString(v))
		return cli_ref_label(cli, v->valuestring);
	if (f->kind != FIELD_REFLIST || !cJSON_IsArray(v))
		return record_field_text(doc, f);
	struct buf b = { 0 };
	const cJSON *item;
	cJSON_ArrayForEach(item, v) {
		char *label = cJSON_IsString(item) ? cli_ref_label(cli, item->valuestring) : NULL;
		buf_printf(&b, "%s%s", b.len ? ", " : "", label ? label : "?");
		free(label);
	}
	return buf_take(&b);
}
