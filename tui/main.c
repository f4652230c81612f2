/*
 * noron's entry point: global options, the subcommand table, and usage.
 */
#include "config.h"	/* autoconf: PACKAGE_STRING */
#include "cli.h"
#include "settings.h"
#include "ui.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct command commands[] = {
	{ .name = "init", .args = "[--empty]", .run = cmd_init,
	  .help = "create the cache, seeded with the charter's content unless --empty" },
	{ .name = "list", .args = "TYPE [--json] [--filter TEXT]", .run = cmd_list,
	  .help = "list the records of a type, in its order (areas as a tree)" },
	{ .name = "show", .args = "ID [--json]", .run = cmd_show,
	  .help = "show one record" },
	{ .name = "add", .args = "TYPE FIELD=VALUE...", .run = cmd_add,
	  .help = "add a record and print its id" },
	{ .name = "set", .args = "ID FIELD=VALUE...", .run = cmd_set,
	  .help = "change fields of a record (FIELD= empties one)" },
	{ .name = "delete", .args = "ID", .run = cmd_delete,
	  .help = "delete a record (kept as a tombstone for the sync)" },
	{ .name = "undo", .args = "", .run = cmd_undo,
	  .help = "undo the last local edit" },
	{ .name = "history", .args = "ID [--json]", .run = cmd_history,
	  .help = "the changes made to a record, newest first" },
	{ .name = "search", .args = "TEXT [--json]", .run = cmd_search,
	  .help = "full-text search over every record" },
	{ .name = "status", .args = "[--json]", .run = cmd_status,
	  .help = "unsynced edits, conflicts, rejected edits, last sync" },
	{ .name = "sync", .args = "[--url URL] [--create] [--verbose]", .run = cmd_sync,
	  .help = "one round with the endpoint: exit 0 synced, 3 conflicts or refused edits "
	  "left, 1 failed" },
	{ .name = "endpoint", .args = "setup|check|design [--url URL]", .run = cmd_endpoint,
	  .help = "the shared database: set it up (its administrator, once), check it, or "
	  "print its validation" },
	{ .name = "conflicts", .args = "[--json]", .run = cmd_conflicts,
	  .help = "the conflicts a sync left, with the fields both sides changed" },
	{ .name = "resolve", .args = "ID mine|theirs", .run = cmd_resolve,
	  .help = "settle a conflict or a refused edit with this cache's or the endpoint's "
	  "version" },
	{ .name = "triage", .args = "ID accept|decline [--reason TEXT]|defer|review|vote N|"
	  "schedule --start DATE [--end DATE] [--location TEXT]", .run = cmd_triage,
	  .help = "decide on a workshop proposal, or vote for your institution" },
	{ .name = "export", .args = "[--format json|ics|mm] [-o FILE] [--from DATE] [--to DATE] "
	  "[--kind KIND]", .run = cmd_export,
	  .help = "every record as JSON, the events as iCalendar, or the areas as a mind map" },
	{ .name = "report", .args = "[--format html|md] [-o FILE] [--institution CODE]",
	  .run = cmd_report,
	  .help = "where every library stands, as a web page or Markdown, for the directors" },
	{ .name = "import", .args = "FILE", .run = cmd_import,
	  .help = "a JSON export, an iCalendar file (.ics) or a FreeMind/Freeplane mind map "
	  "(.mm): all or nothing" },
	{ .name = "help", .args = "[TYPE]", .run = cmd_help,
	  .help = "this text, or the fields of a record type" },
	{ 0 },
};

static void usage(FILE *out)
{
	fputs("usage: noron [--db PATH] [COMMAND [ARGS]]\n\n"
	      "A knowledge base of the Nordic national libraries' IT cooperation.\n"
	      "Without a command, noron opens its full-screen interface (? lists the keys).\n\n",
	      out);
	for (const struct command *c = commands; c->name; c++) {
		char *left = NULL;
		if (asprintf(&left, "%s %s", c->name, c->args) < 0)
			return;
		fprintf(out, "  %-40s %s\n", left, c->help);
		free(left);
	}
	fputs("\nTypes: ", out);
	for (size_t i = 0; i < record_type_count; i++)
		fprintf(out, "%s%s", i ? ", " : "", record_types[i]->name);
	fputs(".\nCache: --db PATH, else $NORON_DB, else $XDG_DATA_HOME/noron/cache.db.\n"
	      "Also: noron --version; noron COMMAND --help. See noron(1) for more.\n", out);
}

/* Takes the global options that come before the command. */
static int global_options(struct cli *cli, int *argc, char ***argv)
{
	while (*argc > 0 && (*argv)[0][0] == '-') {
		const char *a = (*argv)[0];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(EXIT_OK);
		} else if (!strcmp(a, "--version")) {
			puts(PACKAGE_STRING);
			exit(EXIT_OK);
		} else if (!strcmp(a, "--db") && *argc > 1) {
			cli->db_path = (*argv)[1];
			(*argc)--, (*argv)++;
		} else if (!strncmp(a, "--db=", 5)) {
			cli->db_path = a + 5;
		} else if (!strcmp(a, "--db")) {
			return cli_usage(NULL, "--db needs the path of a cache");
		} else {
			return cli_usage(NULL, "unknown option '%s'", a);
		}
		(*argc)--, (*argv)++;
		if (cli->db_path && !*cli->db_path)
			return cli_usage(NULL, "--db needs the path of a cache, not an empty text");
	}
	return EXIT_OK;
}

/* noron without a command: the full-screen interface. */
static int run_screen(struct cli *cli)
{
	char *err = NULL;
	int rc = config_load(&cli->cfg, NULL, &err) ? cli_fail(err) : EXIT_OK;
	free(err);
	if (!rc && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		rc = cli_fail("the full-screen interface needs a terminal; see noron --help "
			      "for the commands");
	if (!rc && !(rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		rc = ui_run(cli->cache, &cli->cfg);
	cache_close(cli->cache);
	config_free(&cli->cfg);
	/* The terminal hung up: noron ends as a hangup ends a program, at once
	 * and without exit handlers, everything saved and freed by now. (A
	 * sanitizer's leak scan at exit could spin after a hangup.) */
	if (rc == 128 + SIGHUP) {
		signal(SIGHUP, SIG_DFL);
		raise(SIGHUP);
	}
	return rc;
}

static int run(struct cli *cli, int argc, char **argv)
{
	int rc = global_options(cli, &argc, &argv);
	if (rc)
		return rc;
	if (argc == 0)
		return run_screen(cli);
	const struct command *cmd = commands;
	while (cmd->name && strcmp(cmd->name, argv[0]))
		cmd++;
	if (!cmd->name)
		return cli_usage(NULL, "unknown command '%s'", argv[0]);
	if (!strcmp(cmd->name, "help") && argc == 1) {
		usage(stdout);
		return EXIT_OK;
	}
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: noron %s %s\n\n%s.\nSee noron(1) for more.\n", cmd->name,
			       cmd->args, cmd->help);
			return EXIT_OK;
		}
	char *err = NULL;
	if (cmd->run != cmd_help && config_load(&cli->cfg, NULL, &err)) {
		rc = cli_fail(err);
		free(err);
		return rc;
	}
	rc = cmd->run(cli, argc - 1, argv + 1);
	cache_close(cli->cache);
	config_free(&cli->cfg);
	return rc;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	/* The commands take their options out of argv: noron-io gets a copy. */
	char **whole = calloc(argc + 1, sizeof *whole);
	if (!whole)
		return EXIT_FAIL;
	memcpy(whole, argv, argc * sizeof *whole);
	struct cli cli = { .argv = whole };
	int rc = run(&cli, argc - 1, argv + 1);
	free(whole);
	return rc;
}
