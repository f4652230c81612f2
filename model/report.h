/*
 * The report for the directors and for people without a terminal (noron
 * report, R in the interface): where every library stands, each library's
 * most pressing topics, projects that want help, skills open to staff
 * exchange, the coming events and the proposals waiting for a decision.
 * As one self-contained HTML page (readable on a phone, printable on A4
 * landscape) or as Markdown tables for a wiki page or a mail.
 */
#ifndef NORON_REPORT_H
#define NORON_REPORT_H

#include <stdio.h>

#include "cache.h"

enum report_format { REPORT_HTML, REPORT_MD };

struct report_opts {
	enum report_format format;
	/* The report from this library's point of view (its code or id):
	 * its column first, and where others could help it and it them. */
	const char *institution;
};

/* Reads "html" or "md"; -1 for anything else. */
int report_format_parse(const char *name);

/* Writes the report to out. An unknown institution is an error that names
 * it and lists the codes there are; nothing is written then. */
int report_write(struct cache *c, FILE *out, const struct report_opts *o, char **err);

/* The same into the file at path ("-": standard output), all or nothing:
 * the file appears only once the whole report is in it. */
int report_save(struct cache *c, const char *path, const struct report_opts *o, char **err);

/* Where the interface writes the day's report: dir/noron-report-YYYY-MM-DD.html. */
char *report_default_path(const char *dir);

#endif
