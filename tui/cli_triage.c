/*
 * noron triage ID ACTION: the Proposals pane's decisions for scripts. Each
 * needs the config's institution, as in the pane (which asks for it).
 *   accept | decline [--reason TEXT] | defer | review | vote +1|-1|0
 *   | schedule --start DATE [--end DATE] [--location TEXT]
 */
#include "cli.h"
#include "triage.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vote_value(const char *s, int *out)
{
	if (!strcmp(s, "+1") || !strcmp(s, "1") || !strcmp(s, "+"))
		*out = 1;
	else if (!strcmp(s, "-1") || !strcmp(s, "-"))
		*out = -1;
	else if (!strcmp(s, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Reads the options of an action; EXIT_OK or a usage error. */
static int triage_options(int *argc, char **argv, struct triage *t)
{
	if (opt_value(argc, argv, "--reason", &t->reason) < 0
	    || opt_value(argc, argv, "--start", &t->start) < 0
	    || opt_value(argc, argv, "--end", &t->end) < 0
	    || opt_value(argc, argv, "--location", &t->location) < 0)
		return cli_usage("triage", "an option lacks its value");
	int rc = opt_done("triage", *argc, argv, 2, t->act == TRIAGE_VOTE ? 3 : 2);
	if (rc)
		return rc;
	if (t->reason && t->act != TRIAGE_DECLINE)
		return cli_usage("triage", "--reason goes with decline only");
	if ((t->start || t->end || t->location) && t->act != TRIAGE_SCHEDULE)
		return cli_usage("triage", "--start, --end and --location go with schedule only");
	if (t->act == TRIAGE_VOTE && (*argc < 3 || vote_value(argv[2], &t->vote)))
		return cli_usage("triage", "a vote is +1, -1 or 0");
	if (t->act == TRIAGE_SCHEDULE && !t->start)
		return cli_usage("triage", "schedule needs --start DATE");
	return EXIT_OK;
}

/* Votes and decisions are an institution's: without one, nothing is done
 * (a script cannot be asked), and the message says where to set it. */
static int no_institution(const struct config *cfg)
{
	char *path = cfg->path ? xstrdup(cfg->path) : config_path();
	int rc = cli_failf("triage needs your institution: add 'institution = CODE' to %s "
			   "(e.g. institution = kb-se)", path);
	free(path);
	return rc;
}

int cmd_triage(struct cli *cli, int argc, char **argv)
{
	struct triage t = { 0 };
	int act = argc >= 2 ? triage_act_parse(argv[1]) : -1;
	if (argc >= 2 && act < 0)
		return cli_usage("triage", "unknown action '%s' (accept, decline, defer, review, "
				 "vote, schedule)", argv[1]);
	t.act = act < 0 ? TRIAGE_ACCEPT : (enum triage_act)act;
	int rc = triage_options(&argc, argv, &t);
	if (!rc && (!cli->cfg.institution || !*cli->cfg.institution))
		rc = no_institution(&cli->cfg);
	if (rc || (rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	char *inst = str_printf("institution:%s", cli->cfg.institution);
	t.institution = inst;
	char *err = NULL;
	const char *ids[] = { argv[0] };
	if (!cache_ref_exists(cli->cache, inst, "institution"))	/* as the pane refuses it */
		rc = cli_failf("no institution %s in this cache: the config's institution must "
			       "be the code of one", inst);
	else if (triage_apply(cli->cache, ids, 1, &t, &err))
		rc = cli_fail(err);
	else
		printf("%s: %s\n", argv[0], argv[1]);
	free(err);
	free(inst);
	return rc;
}
