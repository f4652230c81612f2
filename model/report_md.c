/*
 * The report as Markdown tables, for a wiki page or a mail. Record text is
 * cleaned and escaped so that no record can make markup, a link or an HTML
 * tag: characters that mean something in Markdown get a backslash (and so
 * does a "(" after "]", which would start a link's address), and < > &
 * become entities.
 */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

static void put(FILE *out, const char *text)
{
	char *clean = report_clean(text ? text : "");
	for (const char *p = clean; *p; p++) {
		if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '&')
			fputs("&amp;", out);
		else if (strchr("\\|*_[]`~#!", *p) || (*p == '(' && p > clean && p[-1] == ']'))
			fprintf(out, "\\%c", *p);
		else
			fputc(*p, out);
	}
	free(clean);
}

static void table(FILE *out, const struct report_table *t)
{
	if (t->caption) {
		fputs("### ", out);
		put(out, t->caption);
		fputs("\n\n", out);
	}
	if (!t->nrows) {
		fputs("_", out);
		put(out, t->empty);
		fputs("_\n\n", out);
		return;
	}
	fputs("|", out);
	for (int i = 0; i < t->ncols; i++) {
		fputs(" ", out);
		put(out, t->heads[i]);
		fputs(" |", out);
	}
	fputs("\n|", out);
	for (int i = 0; i < t->ncols; i++)
		fputs(" --- |", out);
	fputs("\n", out);
	for (long r = 0; r < t->nrows; r++) {
		fputs("|", out);
		for (int i = 0; i < t->ncols; i++) {
			const struct report_cell *c = &t->cells[r * t->ncols + i];
			fputs(" ", out);
			for (int d = 0; d < c->depth; d++)	/* no-break spaces indent subareas */
				fputs("\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0", out);
			put(out, c->text);
			fputs(" |", out);
		}
		fputs("\n", out);
	}
	if (t->more)
		fprintf(out, "\n… and %ld more.\n", t->more);
	fputs("\n", out);
}

void report_md(const struct report *r, FILE *out)
{
	fputs("# ", out);
	put(out, r->title);
	fputs("\n\n", out);
	put(out, r->made);
	fputs(". ", out);
	put(out, r->sync);
	fputs("\n\n", out);
	for (int i = 0; i < r->nsections; i++) {
		const struct report_section *s = &r->sections[i];
		fputs("## ", out);
		put(out, s->title);
		fputs("\n\n", out);
		if (s->intro) {
			put(out, s->intro);
			fputs("\n\n", out);
		}
		for (int j = 0; j < s->ntables; j++)
			table(out, &s->tables[j]);
	}
}
