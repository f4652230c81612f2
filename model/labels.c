/*
 * Labels of the records others refer to, and their short names, kept while
 * the cache is unchanged. A list of skills shows the same few institutions,
 * people and areas on every row; reading and parsing each of them again for
 * every row cost more than the rows themselves.
 */
#include "cache_internal.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void forget_labels(struct cache *c)
{
	for (int i = 0; i < CACHE_LABELS; i++) {
		free(c->labels[i].id);
		free(c->labels[i].label);
		free(c->labels[i].short_label);
		c->labels[i] = (struct cache_label_slot){ 0 };
	}
}

void cache_labels_free(struct cache *c)
{
	forget_labels(c);
}

/* The slot that holds record id's names, read when not there; NULL when the
 * cache has no such record. */
static struct cache_label_slot *label_slot(struct cache *c, const char *id)
{
	long long state = cache_state(c);
	if (state != c->labels_state) {
		forget_labels(c);
		c->labels_state = state;
	}
	unsigned long h = 5381;
	for (const char *p = id; *p; p++)
		h = h * 33 + (unsigned char)*p;
	struct cache_label_slot *s = &c->labels[h % CACHE_LABELS];
	if (!s->id || strcmp(s->id, id)) {
		struct cache_doc d;
		if (cache_get(c, id, &d, NULL) <= 0) {
			cache_doc_free(&d);
			return NULL;	/* not kept: it may be added */
		}
		free(s->id);
		free(s->label);
		free(s->short_label);
		*s = (struct cache_label_slot){ .id = xstrdup(id), .label = record_label(d.body),
						.short_label = record_short_label(d.body),
						.deleted = d.deleted };
		cache_doc_free(&d);
	}
	return s;
}

char *cache_label(struct cache *c, const char *id, bool *deleted)
{
	struct cache_label_slot *s = label_slot(c, id);
	*deleted = s && s->deleted;
	return s ? xstrdup(s->label) : NULL;
}

char *cache_short_label(struct cache *c, const char *id, bool *deleted)
{
	struct cache_label_slot *s = label_slot(c, id);
	*deleted = s && s->deleted;
	return s ? xstrdup(s->short_label ? s->short_label : s->label) : NULL;
}

static void add_brief(struct cache *c, struct buf *b, const cJSON *id)
{
	bool deleted;
	char *s = cJSON_IsString(id) ? cache_short_label(c, id->valuestring, &deleted) : NULL;
	buf_printf(b, "%s%s", b->len ? " " : "", s && !deleted ? s : "?");
	free(s);
}

char *cache_brief_text(struct cache *c, const cJSON *doc, const struct field_def *f)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, f->name), *item;
	struct buf b = { 0 };
	if (cJSON_IsString(v))
		add_brief(c, &b, v);
	else if (cJSON_IsArray(v))
		cJSON_ArrayForEach(item, v)
			add_brief(c, &b, item);
	return buf_take(&b);
}
