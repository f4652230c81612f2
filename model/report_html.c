/*
 * The report as one self-contained HTML page: inline CSS, no scripts, no
 * external resources. On a phone the lists stack their rows and the matrix
 * scrolls sideways in its own box; printed, it fits A4 landscape. Every
 * text from the records is cleaned and escaped; record URLs stay text.
 */
#include "report_internal.h"

#include <stdlib.h>

static const char style[] =
	":root{color-scheme:light}\n"
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"color:#1b1b1b;background:#fff;margin:0 auto;max-width:84rem;padding:.8rem}\n"
	"h1{font-size:1.45rem;margin:.3rem 0}\n"
	"h2{font-size:1.2rem;margin:1.8rem 0 .4rem;border-bottom:2px solid #c9cdd8}\n"
	"h3{font-size:1rem;margin:1rem 0 .3rem}\n"
	"p{margin:.3rem 0}.meta{color:#454545}\n"
	"nav a{margin-right:.9rem;white-space:nowrap}\n"
	".scroll{overflow-x:auto;max-width:100%}\n"
	"table{border-collapse:collapse;margin:.3rem 0}\n"
	"th,td{border:1px solid #b9bdc9;padding:.22rem .45rem;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word}\n"
	".w{overflow-wrap:anywhere}.n{white-space:nowrap}\n"
	"thead th{background:#eceff5}\n"
	".matrix td,.matrix th{white-space:nowrap;overflow-wrap:normal}\n"
	".matrix td:first-child{position:sticky;left:0;background:#fff}\n"
	".d1{padding-left:1.4rem}.d2{padding-left:2.4rem}.d3{padding-left:3.4rem}"
	".d4{padding-left:4.4rem}\n"
	".l0{background:#f4d9d9}.l1{background:#efdcf4}.l2{background:#fbefbf}"
	".l3{background:#cdebc9}.l4{background:#276b2c;color:#fff;font-weight:bold}"
	".lx{color:#5a5a5a}\n"
	".more,.empty{font-style:italic;color:#454545}\n"
	"@media (max-width:40rem){table.list,table.list tbody,table.list tr,table.list td"
	"{display:block}table.list thead{display:none}"
	"table.list tr{border:1px solid #b9bdc9;margin:.5rem 0}"
	"table.list td{border:0;border-top:1px solid #e4e6ec}"
	"table.list td::before{content:attr(data-label) \": \";font-weight:bold}}\n"
	"@page{size:A4 landscape;margin:12mm}\n"
	"@media print{body{max-width:none;padding:0;font-size:9pt}nav{display:none}"
	".scroll{overflow:visible}thead{display:table-header-group}tr{break-inside:avoid}"
	"h2,h3{break-after:avoid}.matrix td:first-child{position:static}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Record text, cleaned and escaped for element content and attributes. */
static void put(FILE *out, const char *text)
{
	char *clean = report_clean(text ? text : "");
	for (const char *p = clean; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out);
		}
	}
	free(clean);
}

static void element(FILE *out, const char *tag, const char *attrs, const char *text)
{
	fprintf(out, "<%s%s>", tag, attrs);
	put(out, text);
	fprintf(out, "</%s>\n", tag);
}

/* How a cell's text may break: "w" anywhere when it has a word too long
 * for a narrow column (an address), "n" nowhere when it is one short word
 * (a date, a code: not at their hyphens), NULL between words. */
static const char *breaks(const char *text)
{
	size_t run = 0, len = 0;
	bool spaces = false;
	for (const char *p = text ? text : ""; *p; p++, len++) {
		spaces |= *p == ' ';
		if ((run = *p == ' ' ? 0 : run + 1) > 24)
			return "w";
	}
	return !spaces && len && len <= 16 ? "n" : NULL;
}

static void cell(FILE *out, const struct report_table *t, int col, const struct report_cell *c)
{
	fputs("<td", out);
	if (!t->wide) {
		fputs(" data-label=\"", out);
		put(out, t->heads[col]);
		fputs("\"", out);
	}
	if (c->level != REPORT_TEXT)
		fprintf(out, " class=\"l%c\"", c->level >= 0 && c->level < 10 ? '0' + c->level : 'x');
	else if (c->depth > 0)
		fprintf(out, " class=\"d%d\"", c->depth < 4 ? c->depth : 4);
	else if (breaks(c->text))
		fprintf(out, " class=\"%s\"", breaks(c->text));
	fputs(">", out);
	put(out, c->text);
	fputs("</td>", out);
}

static void table(FILE *out, const struct report_table *t)
{
	if (t->caption)
		element(out, "h3", "", t->caption);
	if (!t->nrows) {
		element(out, "p", " class=\"empty\"", t->empty);
		return;
	}
	fprintf(out, "<div class=\"scroll\"><table class=\"%s\">\n<thead><tr>",
		t->wide ? "matrix" : "list");
	for (int i = 0; i < t->ncols; i++) {
		fputs("<th scope=\"col\">", out);
		put(out, t->heads[i]);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (long r = 0; r < t->nrows; r++) {
		fputs("<tr>", out);
		for (int i = 0; i < t->ncols; i++)
			cell(out, t, i, &t->cells[r * t->ncols + i]);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	if (t->more)
		fprintf(out, "<p class=\"more\">… and %ld more.</p>\n", t->more);
}

void report_html(const struct report *r, FILE *out)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
	element(out, "title", "", r->title);
	fprintf(out, "<style>\n%s</style>\n</head>\n<body>\n<header>\n", style);
	element(out, "h1", "", r->title);
	element(out, "p", " class=\"meta\"", r->made);
	element(out, "p", " class=\"meta\"", r->sync);
	fputs("</header>\n<nav>", out);
	for (int i = 0; i < r->nsections; i++) {
		fprintf(out, "<a href=\"#%s\">", r->sections[i].id);
		put(out, r->sections[i].title);
		fputs("</a> ", out);
	}
	fputs("</nav>\n", out);
	for (int i = 0; i < r->nsections; i++) {
		const struct report_section *s = &r->sections[i];
		fprintf(out, "<section id=\"%s\">\n", s->id);
		element(out, "h2", "", s->title);
		if (s->intro)
			element(out, "p", "", s->intro);
		for (int j = 0; j < s->ntables; j++)
			table(out, &s->tables[j]);
		fputs("</section>\n", out);
	}
	fputs("</body>\n</html>\n", out);
}
