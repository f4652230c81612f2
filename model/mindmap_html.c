/*
 * The rich text of a map's nodes and notes as plain text (see
 * mindmap_internal.h). FreeMind writes notes as XHTML, one <p> per
 * paragraph and an empty <p> for a blank line; Freeplane as XHTML too, or
 * as plain text in a <text> element.
 */
#include "mindmap_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const hidden[] = { "head", "style", "script", "title", NULL };
static const char *const blocks[] = {
	"html", "body", "p", "div", "pre", "blockquote", "hr", "ul", "ol", "li", "dl", "dt",
	"dd", "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", NULL };

static bool one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return true;
	return false;
}

static void end_line(struct mm_text *t)
{
	if (t->words)
		buf_add(&t->b, "\n", 1);
	t->words = t->space = false;
}

void mm_text_start(struct mm_text *t, const char *element)
{
	if (t->skip || (!t->plain && one_of(element, hidden))) {
		t->skip++;
		return;
	}
	if (t->plain) {
		t->pre += !strcmp(element, "text");
		return;
	}
	if (!strcasecmp(element, "br")) {
		buf_add(&t->b, "\n", 1);
		t->words = t->space = false;
		return;
	}
	if (!one_of(element, blocks))
		return;
	end_line(t);
	t->pre += !strcasecmp(element, "pre");
	t->para = strcasecmp(element, "p") ? 0 : t->b.len + 1;
}

void mm_text_end(struct mm_text *t, const char *element)
{
	if (t->skip) {
		t->skip--;
		return;
	}
	if (t->plain) {
		t->pre -= t->pre && !strcmp(element, "text");
		return;
	}
	if (!one_of(element, blocks))
		return;
	/* An empty paragraph is how FreeMind writes a blank line. */
	if (!strcasecmp(element, "p") && t->para == t->b.len + 1 && !t->words)
		buf_add(&t->b, "\n", 1);
	t->para = 0;
	end_line(t);
	t->pre -= t->pre && !strcasecmp(element, "pre");
}

void mm_text_chars(struct mm_text *t, const char *s, size_t n)
{
	if (t->skip || (t->plain && !t->pre))
		return;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (t->pre) {
			if (ch != '\r')
				buf_add(&t->b, &ch, 1);
			t->words = ch != '\n' && ch != '\r';
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			t->space = true;
		} else {
			if (t->space && t->words)
				buf_add(&t->b, " ", 1);
			buf_add(&t->b, &ch, 1);
			t->space = false;
			t->words = true;
		}
	}
}

char *mm_text_take(struct mm_text *t, bool one_line)
{
	char *raw = buf_take(&t->b);
	*t = (struct mm_text){ 0 };
	/* Control characters become U+FFFD, tabs spaces, and newlines too in one line. */
	char *s = text_sanitize(raw, !one_line);
	free(raw);
	size_t n = 0;
	for (const char *p = s + strspn(s, " \n"); *p; p++)
		if (!(one_line && *p == ' ' && s[n - 1] == ' '))
			s[n++] = *p;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		n--;
	s[n] = '\0';
	return s;
}
