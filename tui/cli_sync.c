/*
 * noron sync: one round with the endpoint, from the command line or cron.
 * A progress line on a terminal, nothing else on success otherwise but one
 * line when conflicts or refused edits wait for a person (exit 3); with
 * --progress, machine-readable lines for the full-screen interface.
 */
#include "cli.h"
#include "sync.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct progress_out {
	bool terminal;		/* a human watches stderr */
	bool machine;		/* the full-screen interface reads stdout */
};

static void on_progress(void *ctx, const char *stage, long done)
{
	struct progress_out *p = ctx;
	if (p->machine) {
		printf("%s %ld\n", stage, done);
		fflush(stdout);
	}
	if (p->terminal)
		fprintf(stderr, "\rnoron: %s %ld   ", stage, done);
}

static void report(const struct sync_report *r, bool terminal, bool machine)
{
	if (machine)
		printf("done %ld %ld %ld %ld\n", r->pulled, r->pushed, r->conflicts, r->refused);
	if (!terminal)
		return;
	fprintf(stderr, "\r");
	fprintf(stdout, "synced: %ld pulled, %ld pushed, %ld merged", r->pulled, r->pushed,
		r->merged);
	if (r->conflicts)
		fprintf(stdout, ", %ld conflict%s left (noron conflicts, then noron resolve ID "
			"mine|theirs, or C in the full-screen interface)", r->conflicts,
			r->conflicts == 1 ? "" : "s");
	if (r->refused)
		fprintf(stdout, ", %ld edit%s refused by the endpoint (noron status lists %s with "
			"its reasons)", r->refused, r->refused == 1 ? "" : "s",
			r->refused == 1 ? "it" : "them");
	if (r->restored)
		fputs(", the endpoint's database was put back from a backup: everything was "
		      "pulled again and what it lacked pushed", stdout);
	else if (r->reset)
		fputs(", the endpoint's database was new: everything was pushed again", stdout);
	putchar('\n');
}

/* Without a terminal (cron) the one line saying what waits for a person. */
static void needs_person(const struct sync_report *r)
{
	fputs("noron: synced, but ", stderr);
	if (r->conflicts)
		fprintf(stderr, "%ld conflict%s left", r->conflicts,
			r->conflicts == 1 ? " is" : "s are");
	if (r->conflicts && r->refused)
		fputs(" and ", stderr);
	if (r->refused)
		fprintf(stderr, "the endpoint refused %ld edit%s", r->refused,
			r->refused == 1 ? "" : "s");
	fprintf(stderr, ": noron status shows %s%s\n", r->conflicts + r->refused == 1 ? "it"
		: "them", r->conflicts ? ", noron conflicts the fields both sides changed" : "");
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct sync_opts o = { 0 };
	o.create = opt_flag(&argc, argv, "--create");
	o.verbose = opt_flag(&argc, argv, "--verbose");
	bool machine = opt_flag(&argc, argv, "--progress");
	if (opt_value(&argc, argv, "--url", &o.url) < 0)
		return cli_usage("sync", "--url needs the database's URL");
	int rc = opt_done("sync", argc, argv, 0, 0);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	struct progress_out p = { .terminal = !machine && isatty(STDERR_FILENO),
				  .machine = machine };
	o.progress = on_progress;
	o.ctx = &p;
	struct sync_report r;
	char *err = NULL;
	if (sync_run(cli->cache, &cli->cfg, &o, &r, &err)) {
		if (p.terminal)
			fputc('\n', stderr);
		if (machine)
			printf("error %s\n", err);
		rc = cli_fail(err);
	} else {
		bool summary = p.terminal || isatty(STDOUT_FILENO);
		report(&r, summary, machine);
		rc = r.conflicts || r.refused ? EXIT_CONFLICTS : EXIT_OK;
		if (rc && !summary && !machine)
			needs_person(&r);
	}
	free(err);
	return rc;
}
