/*
 * The area tree in and out of a cache as a FreeMind or Freeplane mind map
 * (.mm), read and written with expat.
 *
 * Import: every node of the map becomes an area under its parent's area;
 * the root node is the cooperation itself, not an area. A node's TEXT (or
 * its rich text) is the title, its order among its siblings the position,
 * its note and details (HTML as plain text) the description; a node
 * without a note leaves the area's description as it is. The node's ID is
 * kept in the area's map_id, so that importing the map again updates its
 * areas: a node is found by its ID first, then by its title under the same
 * parent among the areas no map has claimed yet (the seed's areas, the
 * first time the charter's map comes in). Areas the map does not hold are
 * left as they are. The file is read whole and refused, naming the line,
 * when it is broken or declares entities (no DTD is ever read); then the
 * import is one transaction and one undo step.
 *
 * Export: a FreeMind 1.0 map of the area tree with, on each node, where
 * each library stands as an attribute per institution code and a warning
 * icon where it is one of a library's most pressing topics.
 */
#ifndef NORON_MINDMAP_H
#define NORON_MINDMAP_H

#include <stdio.h>

#include "cache.h"

struct mindmap_stats {
	long added, updated, unchanged;
	long elsewhere;		/* areas of the cache the map does not hold */
};

/* Imports the map in text; name is the file's name for messages. */
int mindmap_import(struct cache *c, const char *text, const char *name,
		   struct mindmap_stats *st, char **err);

/* Writes the live areas as one map, in tree order. */
int mindmap_export(struct cache *c, FILE *out, char **err);

#endif
