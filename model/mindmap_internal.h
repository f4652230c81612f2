/*
 * What the mind map import's parts share: the map as parsed (every node,
 * in document order, with its parent), and the rich text of notes made
 * plain.
 */
#ifndef NORON_MINDMAP_INTERNAL_H
#define NORON_MINDMAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Area levels a map may hold under its root; the cache's tree goes no deeper. */
#define MM_MAX_LEVELS 64

struct mm_node {
	char *id;		/* the ID attribute, or NULL */
	char *title;		/* TEXT, else the rich text of the node, as one line */
	char *note;		/* notes and details as plain text, or NULL */
	int parent;		/* index of the parent node; -1 for a root */
	int position;		/* among its siblings, from 1 */
	long line;
};

struct mm_map {
	struct mm_node *nodes;	/* parents before their children */
	size_t n, cap;
};

/* Parses the map; on failure *err is "name: line N: why". */
/* strcmp for tsearch. */
int mm_cmp_text(const void *a, const void *b);

int mm_parse(const char *text, const char *name, struct mm_map *m, char **err);
void mm_free(struct mm_map *m);

/* HTML (or Freeplane's plain text) made plain, fed element by element:
 * tags go, block elements end lines, runs of white space become one space
 * outside <pre>; the parser has decoded entities already. */
struct mm_text {
	struct buf b;
	int skip;		/* depth inside head, style, script or title */
	int pre;		/* depth inside pre, or Freeplane's <text> */
	bool plain;		/* Freeplane's CONTENT-TYPE="plain/...": only <text> counts */
	bool space;		/* a space is due before the next word */
	bool words;		/* the current line has text */
	size_t para;		/* where the last <p> began */
};

void mm_text_start(struct mm_text *t, const char *element);
void mm_text_end(struct mm_text *t, const char *element);
void mm_text_chars(struct mm_text *t, const char *s, size_t n);
/* The text, trimmed, without control characters; one line when one_line. */
char *mm_text_take(struct mm_text *t, bool one_line);

#endif
