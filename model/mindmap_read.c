/*
 * Mind map import (see mindmap.h): the parsed map's nodes are matched with
 * the cache's areas, then stored in document order, so that a node's
 * parent is always in the cache before it.
 */
#include "mindmap.h"
#include "mindmap_internal.h"
#include "cache_internal.h"
#include "record.h"

#include <stdlib.h>
#include <string.h>

/* A live area of the cache before the import. */
struct area {
	char *id;
	cJSON *body;
	const char *map_id, *title, *parent;	/* members of body, or NULL */
	bool claimed;		/* a node of the map is this area */
};

struct import {
	struct cache *c;
	const char *name;
	const struct mm_map *m;
	struct area *areas;
	size_t nareas;
	struct area **match;	/* the area of each node, when it has one already */
	char **ids;		/* the id of each node's area (NULL for a root) */
	struct mindmap_stats *st;
	struct store_opts o;
};

static const char *member(const cJSON *doc, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, name));
}

static int load_areas(struct import *x, char **err)
{
	sqlite3_stmt *st = cache_prepare(x->c, "SELECT id, body FROM docs WHERE type = 'area'"
					 " AND deleted = 0 ORDER BY id", err);
	if (!st)
		return -1;
	size_t cap = 0;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *body = cJSON_Parse((const char *)sqlite3_column_text(st, 1));
		if (!body)
			continue;
		if (x->nareas == cap) {
			cap = cap ? 2 * cap : 64;
			x->areas = xrealloc(x->areas, cap * sizeof *x->areas);
		}
		x->areas[x->nareas++] = (struct area){
			.id = xstrdup((const char *)sqlite3_column_text(st, 0)), .body = body,
			.map_id = member(body, "map_id"), .title = member(body, "title"),
			.parent = member(body, "parent") };
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : cache_fail(x->c, "reading the areas", err);
}

/* A node is the area that has its ID, when one has. */
static void match_ids(struct import *x)
{
	for (size_t i = 0; i < x->m->n; i++) {
		const char *id = x->m->nodes[i].id;
		for (size_t k = 0; id && k < x->nareas && !x->match[i]; k++) {
			struct area *a = &x->areas[k];
			if (a->map_id && !a->claimed && !strcmp(a->map_id, id)) {
				a->claimed = true;
				x->match[i] = a;
			}
		}
	}
}

static bool same_parent(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : !a && !b;
}

/* Else an area no map has claimed, with the same title (but for case)
 * under the same parent: the first import of a map of areas the cache has. */
static struct area *by_title(struct import *x, const char *parent, const char *title)
{
	for (size_t k = 0; k < x->nareas; k++) {
		struct area *a = &x->areas[k];
		if (!a->claimed && !a->map_id && a->title && same_parent(a->parent, parent)
		    && text_same_fold(a->title, title))
			return a;
	}
	return NULL;
}

/* A new area's id follows from the node's ID, so that caches that import
 * one map give its areas the same ids and a sync does not double them. */
static char *new_id(struct import *x, const struct mm_node *nd)
{
	if (!nd->id)
		return id_new("area");
	char *digest = text_digest(nd->id);
	char *id = str_printf("area:mm-%s", digest);
	free(digest);
	if (cache_ref_exists(x->c, id, "area")) {	/* taken by another area */
		free(id);
		id = id_new("area");
	}
	return id;
}

static void put(cJSON *doc, const char *name, cJSON *value)
{
	if (cJSON_GetObjectItemCaseSensitive(doc, name))
		cJSON_ReplaceItemInObjectCaseSensitive(doc, name, value);
	else
		cJSON_AddItemToObject(doc, name, value);
}

static const char *title_of(const struct mm_node *nd)
{
	return nd->title && *nd->title ? nd->title : "(untitled)";
}

/* The area as the node has it: title, parent, position, and the description
 * and map_id when the node has them. */
static cJSON *area_of(const struct mm_node *nd, const struct area *a, const char *id,
		      const char *parent)
{
	cJSON *doc = a ? cJSON_Duplicate(a->body, 1) : cJSON_CreateObject();
	if (!a) {
		cJSON_AddStringToObject(doc, "_id", id);
		cJSON_AddStringToObject(doc, "type", "area");
	}
	put(doc, "title", cJSON_CreateString(title_of(nd)));
	if (parent)
		put(doc, "parent", cJSON_CreateString(parent));
	else
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "parent");
	put(doc, "position", cJSON_CreateNumber(nd->position));
	if (nd->note)
		put(doc, "description", cJSON_CreateString(nd->note));
	if (nd->id)
		put(doc, "map_id", cJSON_CreateString(nd->id));
	return doc;
}

static int store_node(struct import *x, size_t i, char **err)
{
	const struct mm_node *nd = &x->m->nodes[i];
	const char *parent = x->ids[nd->parent];	/* NULL under the root */
	struct area *a = x->match[i] ? x->match[i] : by_title(x, parent, title_of(nd));
	if (a)
		a->claimed = true;
	x->ids[i] = a ? xstrdup(a->id) : new_id(x, nd);
	cJSON *doc = area_of(nd, a, x->ids[i], parent);
	int rc = a && record_same_content(a->body, doc) ? 0 : cache_store(x->c, doc, &x->o, err);
	cJSON_Delete(doc);
	if (rc < 0) {
		char *inner = *err;
		*err = NULL;
		err_set(err, "%s: line %ld: %s", x->name, nd->line, inner);
		free(inner);
		return -1;
	}
	if (rc == 0)
		x->st->unchanged++;
	else if (a)
		x->st->updated++;
	else
		x->st->added++;
	return 0;
}

static int import_map(struct import *x, char **err)
{
	if (load_areas(x, err))
		return -1;
	match_ids(x);
	for (size_t i = 0; i < x->m->n; i++)
		if (x->m->nodes[i].parent >= 0 && store_node(x, i, err))
			return -1;
	for (size_t k = 0; k < x->nareas; k++)
		x->st->elsewhere += !x->areas[k].claimed;
	return 0;
}

int mindmap_import(struct cache *c, const char *text, const char *name,
		   struct mindmap_stats *st, char **err)
{
	*st = (struct mindmap_stats){ 0 };
	struct mm_map m;
	if (mm_parse(text, name, &m, err))
		return -1;
	struct import x = { .c = c, .name = name, .m = &m, .st = st,
			    .match = calloc(m.n + 1, sizeof *x.match),
			    .ids = calloc(m.n + 1, sizeof *x.ids),
			    .o = { .kind = HIST_IMPORT } };
	if (!x.match || !x.ids)
		abort();	/* out of memory, as xmalloc would */
	int rc = cache_begin(c, err);
	if (!rc && import_map(&x, err)) {
		cache_rollback(c);
		*st = (struct mindmap_stats){ 0 };
		rc = -1;
	} else if (!rc) {
		rc = cache_commit(c, err);
	}
	for (size_t i = 0; i < m.n; i++)
		free(x.ids[i]);
	for (size_t k = 0; k < x.nareas; k++) {
		free(x.areas[k].id);
		cJSON_Delete(x.areas[k].body);
	}
	free(x.areas);
	free(x.match);
	free(x.ids);
	mm_free(&m);
	return rc;
}
