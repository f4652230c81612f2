/*
 * noron endpoint: the shared database set up the way noron needs it (by its
 * administrator, once), checked, and the design document that setup
 * installs, printed for review. What is fine goes to stdout, one line per
 * problem to stderr.
 */
#include "cli.h"
#include "endpoint.h"
#include "util.h"
#include "validate_js.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void say(void *ctx, bool problem, const char *line)
{
	(void)ctx;
	fflush(stdout);	/* the lines in the order they were found */
	if (problem) {
		cli_fail(line);
		return;
	}
	out_text(line, false);
	putchar('\n');
	fflush(stdout);
}

static int print_design(void)
{
	cJSON *d = validate_design_doc();
	char *s = cJSON_Print(d);
	puts(s);
	free(s);
	cJSON_Delete(d);
	return EXIT_OK;
}

int cmd_endpoint(struct cli *cli, int argc, char **argv)
{
	const char *url = NULL;
	bool verbose = opt_flag(&argc, argv, "--verbose");
	if (opt_value(&argc, argv, "--url", &url) < 0)
		return cli_usage("endpoint", "--url needs the database's URL");
	int rc = opt_done("endpoint", argc, argv, 1, 1);
	if (rc)
		return rc;
	if (!strcmp(argv[0], "design"))
		return print_design();
	bool setup = !strcmp(argv[0], "setup");
	if (!setup && strcmp(argv[0], "check"))
		return cli_usage("endpoint", "say setup, check or design, not '%s'", argv[0]);
	struct endpoint_out out = { .say = say };
	char *err = NULL;
	if (setup ? endpoint_setup(&cli->cfg, url, verbose, &out, &err)
	    : endpoint_check(&cli->cfg, url, verbose, &out, &err))
		rc = cli_fail(err);
	else
		rc = out.problems ? EXIT_FAIL : EXIT_OK;
	free(err);
	return rc;
}
