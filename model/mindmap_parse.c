/*
 * Reading a mind map with expat (see mindmap_internal.h). Only the <node>
 * elements of the <map> and their <richcontent> count; styles, icons,
 * attributes, hooks and anything else are passed over.
 *
 * A map needs no DTD and no entity of its own, and those are how a file
 * makes a parser read other files (&xxe; declared as file:///etc/passwd)
 * or expand a few lines into gigabytes ("billion laughs"): a DOCTYPE with
 * declarations or an outside DTD, an entity declaration, an external
 * entity and an entity no one declared all stop the parser.
 */
#include "mindmap_internal.h"

#include <expat.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum rich { RICH_NONE, RICH_TITLE, RICH_NOTE };

struct parse {
	XML_Parser p;
	struct mm_map *m;
	int open[MM_MAX_LEVELS + 1];	/* the <node>s open, the root first */
	int kids[MM_MAX_LEVELS + 1];	/* children each has so far */
	int depth;			/* how many are open */
	int other;			/* depth inside elements passed over */
	bool in_map;
	enum rich rich;			/* inside a <richcontent> of a node */
	int rich_depth;			/* elements open inside it */
	struct mm_text text;
	void *ids;			/* the node IDs met (tsearch) */
	char *why;			/* why the parser was stopped */
	long why_line;
};

static void stop(struct parse *x, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void stop(struct parse *x, const char *fmt, ...)
{
	if (x->why)
		return;
	va_list ap;
	va_start(ap, fmt);
	x->why = str_vprintf(fmt, ap);
	va_end(ap);
	x->why_line = (long)XML_GetCurrentLineNumber(x->p);
	XML_StopParser(x->p, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (!strcmp(atts[0], name))
			return atts[1];
	return NULL;
}

int mm_cmp_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Keeps the node's ID, refusing one that an earlier node has. */
static void take_id(struct parse *x, struct mm_node *nd, const char *id)
{
	nd->id = xstrdup(id);
	const char *const *found = tsearch(nd->id, &x->ids, mm_cmp_text);
	if (!found)
		abort();	/* out of memory, as xmalloc would */
	if (*found == nd->id)
		return;
	for (size_t i = 0; i < x->m->n && !x->why; i++)
		if (x->m->nodes[i].id && !strcmp(x->m->nodes[i].id, id))
			stop(x, "the ID '%s' is on two nodes (the other is on line %ld)", id,
			     x->m->nodes[i].line);
}

static void start_node(struct parse *x, const XML_Char **atts)
{
	struct mm_map *m = x->m;
	if (x->depth > MM_MAX_LEVELS)
		return stop(x, "nodes nested more than %d levels under the root", MM_MAX_LEVELS);
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->nodes = xrealloc(m->nodes, m->cap * sizeof *m->nodes);
	}
	struct mm_node *nd = &m->nodes[m->n];
	*nd = (struct mm_node){ .parent = x->depth ? x->open[x->depth - 1] : -1,
				.position = x->depth ? ++x->kids[x->depth - 1] : 0,
				.line = (long)XML_GetCurrentLineNumber(x->p) };
	const char *id = attr(atts, "ID"), *text = attr(atts, "TEXT");
	if (text) {
		mm_text_chars(&x->text, text, strlen(text));
		nd->title = mm_text_take(&x->text, true);
	}
	x->open[x->depth] = (int)m->n++;
	x->kids[x->depth++] = 0;
	if (id && *id)
		take_id(x, nd, id);
}

static void start_rich(struct parse *x, const XML_Char **atts)
{
	const char *type = attr(atts, "TYPE"), *content = attr(atts, "CONTENT-TYPE");
	if (type && !strcmp(type, "NODE"))
		x->rich = RICH_TITLE;
	else if (type && (!strcmp(type, "NOTE") || !strcmp(type, "DETAILS")))
		x->rich = RICH_NOTE;
	else
		x->other++;
	x->rich_depth = 0;
	x->text = (struct mm_text){ .plain = content && !strncmp(content, "plain/", 6) };
}

/* Details and note join, in the order they come, with a blank line between. */
static void end_rich(struct parse *x)
{
	struct mm_node *nd = &x->m->nodes[x->open[x->depth - 1]];
	char *s = mm_text_take(&x->text, x->rich == RICH_TITLE);
	if (x->rich == RICH_TITLE && (!nd->title || !*nd->title)) {
		free(nd->title);
		nd->title = s;
	} else if (x->rich == RICH_NOTE && *s && nd->note) {
		char *both = str_printf("%s\n\n%s", nd->note, s);
		free(nd->note);
		free(s);
		nd->note = both;
	} else if (x->rich == RICH_NOTE && *s) {
		nd->note = s;
	} else {
		free(s);
	}
	x->rich = RICH_NONE;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct parse *x = ud;
	if (x->why)
		return;
	if (x->rich) {
		x->rich_depth++;
		mm_text_start(&x->text, name);
	} else if (x->other) {
		x->other++;
	} else if (!x->in_map) {
		if (strcmp(name, "map"))
			return stop(x, "not a FreeMind or Freeplane map: it begins with <%s>, "
				    "not <map>", name);
		x->in_map = true;
	} else if (!strcmp(name, "node")) {
		start_node(x, atts);
	} else if (x->depth && !strcmp(name, "richcontent")) {
		start_rich(x, atts);
	} else {
		x->other++;
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct parse *x = ud;
	if (x->why)
		return;
	if (x->rich && x->rich_depth) {
		x->rich_depth--;
		mm_text_end(&x->text, name);
	} else if (x->rich) {
		end_rich(x);
	} else if (x->other) {
		x->other--;
	} else if (!strcmp(name, "node")) {
		x->depth--;
	}
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
	struct parse *x = ud;
	if (x->rich && !x->why)
		mm_text_chars(&x->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	(void)name, (void)pubid;
	if (has_internal_subset || sysid)
		stop(ud, "a DOCTYPE with declarations or an outside DTD: a map has none, "
		     "and noron reads no DTD");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_parameter_entity,
			      const XML_Char *value, int value_length, const XML_Char *base,
			      const XML_Char *sysid, const XML_Char *pubid,
			      const XML_Char *notation)
{
	(void)is_parameter_entity, (void)value, (void)value_length, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	stop(ud, "an entity declaration (%s): noron expands no entities of a file's own", name);
}

static int XMLCALL on_external(XML_Parser p, const XML_Char *context, const XML_Char *base,
			       const XML_Char *sysid, const XML_Char *pubid)
{
	(void)context, (void)base, (void)sysid, (void)pubid;
	stop(XML_GetUserData(p), "an external entity: noron reads no other file");
	return XML_STATUS_ERROR;
}

static void XMLCALL on_skipped(void *ud, const XML_Char *name, int is_parameter_entity)
{
	(void)is_parameter_entity;
	stop(ud, "the entity &%s; is not declared", name);
}

static void no_free(void *p)
{
	(void)p;
}

static XML_Parser new_parser(struct parse *x)
{
	XML_Parser p = XML_ParserCreate(NULL);
	if (!p)
		abort();	/* out of memory, as xmalloc would */
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_chars);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetEntityDeclHandler(p, on_entity);
	XML_SetExternalEntityRefHandler(p, on_external);
	XML_SetSkippedEntityHandler(p, on_skipped);
	XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
	return p;
}

int mm_parse(const char *text, const char *name, struct mm_map *m, char **err)
{
	*m = (struct mm_map){ 0 };
	struct parse x = { .m = m };
	x.p = new_parser(&x);
	size_t len = strlen(text);
	int rc = 0;
	if (len > INT_MAX) {
		rc = err_set(err, "%s: too large for a mind map", name);
	} else if (XML_Parse(x.p, text, (int)len, XML_TRUE) != XML_STATUS_OK || x.why) {
		long line = x.why ? x.why_line : (long)XML_GetCurrentLineNumber(x.p);
		char *why = text_sanitize(x.why ? x.why : XML_ErrorString(XML_GetErrorCode(x.p)),
					  false);
		rc = err_set(err, "%s: line %ld: %s", name, line, why);
		free(why);
	}
	tdestroy(x.ids, no_free);
	free(x.why);
	free(x.text.b.s);
	XML_ParserFree(x.p);
	if (rc)
		mm_free(m);
	return rc;
}

void mm_free(struct mm_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->nodes[i].id);
		free(m->nodes[i].title);
		free(m->nodes[i].note);
	}
	free(m->nodes);
	*m = (struct mm_map){ 0 };
}
