/*
 * Labels of the records others refer to, kept while the cache is unchanged.
 * A list of skills shows the same few institutions, people and areas on
 * every row; reading and parsing each of them again for every row cost more
 * than the rows themselves.
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
		c->labels[i] = (struct cache_label_slot){ 0 };
	}
}

void cache_labels_free(struct cache *c)
{
	forget_labels(c);
}

char *cache_label(struct cache *c, const char *id, bool *deleted)
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
			*deleted = false;
			return NULL;	/* not kept: it may be added */
		}
		free(s->id);
		free(s->label);
		*s = (struct cache_label_slot){ .id = xstrdup(id), .label = record_label(d.body),
						.deleted = d.deleted };
		cache_doc_free(&d);
	}
	*deleted = s->deleted;
	return xstrdup(s->label);
}
