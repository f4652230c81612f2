/*
 * Records as editable text (see record_text.h).
 */
#include "record_text.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const struct field_def *body_field(const struct type_def *t)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].kind == FIELD_LONGTEXT)
			return &t->fields[i];
	return NULL;
}

static void comment_lines(struct buf *b, const char *text)
{
	char *copy = xstrdup(text), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		buf_printf(b, "# %s\n", l);
	free(copy);
}

char *record_to_text(const cJSON *doc, const char *note)
{
	const struct type_def *t = record_type(doc);
	const struct field_def *body = body_field(t);
	struct buf b = { 0 };
	if (note)
		comment_lines(&b, note);
	buf_printf(&b, "# %s %s. One 'field: value' per line; an empty value clears the field.\n"
		   "# %s%s%sSave and quit to apply; quit without saving to cancel.\n",
		   t->name, record_id(doc), body ? "The " : "", body ? body->name : "",
		   body ? " is the text after the first blank line. " : "");
	for (size_t i = 0; i < t->nfields; i++) {
		const struct field_def *f = &t->fields[i];
		if (f == body)
			continue;
		char *v = record_field_text(doc, f);
		buf_printf(&b, "%s: %s\n", f->name, v);
		free(v);
	}
	if (body) {
		char *v = record_field_text(doc, body);
		buf_printf(&b, "\n%s%s", v, *v ? "\n" : "");
		free(v);
	}
	return buf_take(&b);
}

static char *trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Reads one `field: value` line into doc. */
static int header_line(cJSON *doc, char *line, int n, char **seen, char **err)
{
	char *colon = strchr(line, ':');
	if (!colon)
		return err_set(err, "line %d: expected 'field: value'", n);
	*colon = '\0';
	char *name = trim_end(line), *value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	const struct type_def *t = record_type(doc);
	const struct field_def *f = field_find(t, name);
	if (!f || f->kind == FIELD_LONGTEXT)
		return err_set(err, "line %d: %s '%s'", n, f ? "the long text goes in the body, not"
			       : "unknown field", name);
	if (seen[f - t->fields])
		return err_set(err, "line %d: field '%s' appears twice", n, name);
	seen[f - t->fields] = name;
	if (record_set(doc, name, trim_end(value), err)) {
		char *inner = *err;
		*err = NULL;
		err_set(err, "line %d: %s", n, inner);
		free(inner);
		return -1;
	}
	return 0;
}

/* Fields left out of the header are emptied, as if their line were blank. */
static int clear_missing(cJSON *doc, char **seen, const struct field_def *body, char **err)
{
	const struct type_def *t = record_type(doc);
	for (size_t i = 0; i < t->nfields; i++)
		if (!seen[i] && &t->fields[i] != body && record_set(doc, t->fields[i].name, "", err))
			return -1;
	return 0;
}

static int apply_text(cJSON *doc, char *text, char **err)
{
	const struct type_def *t = record_type(doc);
	const struct field_def *body = body_field(t);
	char **seen = calloc(t->nfields, sizeof *seen);
	char *p = text;
	int n = 0, rc = 0;
	while (*p && !rc) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		n++;
		char *line = p;
		p = nl ? nl + 1 : p + strlen(p);
		if (!*trim_end(line))
			break;	/* the body follows */
		if (*line != '#')
			rc = header_line(doc, line, n, seen, err);
	}
	if (!rc)
		rc = clear_missing(doc, seen, body, err);
	if (!rc && body)
		rc = record_set(doc, body->name, trim_end(p), err);
	else if (!rc && *trim_end(p))
		rc = err_set(err, "a %s has no long text: remove the text after the blank line",
			     t->name);
	free(seen);
	return rc;
}

cJSON *record_from_text(const cJSON *doc, const char *text, char **err)
{
	cJSON *copy = cJSON_Duplicate(doc, 1);
	char *work = xstrdup(text);
	int rc = apply_text(copy, work, err);
	free(work);
	if (rc) {
		cJSON_Delete(copy);
		return NULL;
	}
	return copy;
}
