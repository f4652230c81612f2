/*
 * noron report: where every library stands and what waits for a decision,
 * as an HTML page or Markdown, for people who do not use a terminal.
 */
#include "cli.h"
#include "report.h"

#include <stdlib.h>

int cmd_report(struct cli *cli, int argc, char **argv)
{
	const char *format = "html", *out = "-";
	struct report_opts o = { 0 };
	if (opt_value(&argc, argv, "--format", &format) < 0 || opt_value(&argc, argv, "-o", &out) < 0
	    || opt_value(&argc, argv, "--institution", &o.institution) < 0)
		return cli_usage("report", "--format, -o and --institution need a value");
	int rc = opt_done("report", argc, argv, 0, 0);
	if (rc)
		return rc;
	int f = report_format_parse(format);
	if (f < 0)
		return cli_usage("report", "unknown format '%s' (formats: html, md)", format);
	o.format = (enum report_format)f;
	if ((rc = cli_open(cli, CACHE_CREATE | CACHE_SEED)))
		return rc;
	if (cli_same_file(out, cache_path(cli->cache)))
		return cli_failf("%s is the cache itself: write the report to another file", out);
	char *err = NULL;
	if (report_save(cli->cache, out, &o, &err))
		rc = cli_fail(err);
	free(err);
	return rc;
}
