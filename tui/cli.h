/*
 * The command line (DESIGN.md section 7): one function per subcommand, the
 * options they share, and the output helpers that keep terminal text safe.
 */
#ifndef NORON_CLI_H
#define NORON_CLI_H

#include <stdbool.h>

#include "cache.h"
#include "settings.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* one clear line on stderr */
	EXIT_USAGE = 2,
	EXIT_CONFLICTS = 3,
};

struct cli {
	char **argv;		/* as noron was started, for helper_exec() */
	const char *db_path;
	struct config cfg;
	struct cache *cache;
};

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct command commands[];

/* Prints "noron: msg" on stderr and returns EXIT_FAIL (or EXIT_USAGE). */
int cli_fail(const char *msg);
int cli_failf(const char *fmt, ...);
int cli_usage(const char *cmd, const char *fmt, ...);

/* The type a command-line word names (singular or plural); NULL after a
 * usage message when none. */
const struct type_def *cli_type_arg(const char *name);

/* Opens the cache (creating and seeding it on first use). */
int cli_open(struct cli *cli, unsigned flags);

/* Takes `flag` out of argv; true if it was there. */
bool opt_flag(int *argc, char **argv, const char *flag);
/* Takes `flag VALUE` or `flag=VALUE` out of argv. -1: flag without value. */
int opt_value(int *argc, char **argv, const char *flag, const char **value);
/* Refuses options left over; returns EXIT_OK or EXIT_USAGE. */
int opt_done(const char *cmd, int argc, char **argv, int min_args, int max_args);

/* True when path names the cache file or one of its WAL files. */
bool cli_same_file(const char *path, const char *cache);

/* Writes untrusted text to stdout with control characters made harmless. */
void out_text(const char *s, bool keep_newlines);
/* Writes a cell cut or padded to cols display columns. */
void out_cell(const char *s, int cols);
/* A readable name for a referenced record (its label), or the id. */
char *cli_ref_label(struct cli *cli, const char *id);
/* A field's value for people: references by their labels. */
char *cli_field_display(struct cli *cli, const cJSON *doc, const struct field_def *f);

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_add(struct cli *cli, int argc, char **argv);
int cmd_set(struct cli *cli, int argc, char **argv);
int cmd_delete(struct cli *cli, int argc, char **argv);
int cmd_undo(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_endpoint(struct cli *cli, int argc, char **argv);
int cmd_conflicts(struct cli *cli, int argc, char **argv);
int cmd_resolve(struct cli *cli, int argc, char **argv);
int cmd_triage(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);

#endif
