/*
 * The colour theme: each role has a colour pair and, for monochrome
 * terminals and NO_COLOR, attributes alone. State is never shown by colour
 * alone: glyphs and text carry it too.
 */
#ifndef NORON_THEME_H
#define NORON_THEME_H

#include <stdbool.h>

#include "curses_wide.h"

enum role {
	ROLE_NORMAL,
	ROLE_TAB,
	ROLE_TAB_ACTIVE,
	ROLE_HEADER,
	ROLE_SELECTED,
	ROLE_STATUS,
	ROLE_ERROR,
	ROLE_DIM,
	ROLE_TITLE,
	ROLE_TODAY,
	ROLE_MARKED,
	ROLE_LEVEL_NONE,
	ROLE_LEVEL_PLANNED,
	ROLE_LEVEL_STARTED,
	ROLE_LEVEL_OPERATIONAL,
	ROLE_LEVEL_ADVANCED,
	/* Event kinds, in the order of the kind field's choices (model/fields.c),
	 * then a day of several kinds. Their letters carry them without colour. */
	ROLE_KIND_MEETING,
	ROLE_KIND_CONFERENCE,
	ROLE_KIND_WORKSHOP,
	ROLE_KIND_VISIT,
	ROLE_KIND_DEADLINE,
	ROLE_KIND_SEVERAL,
	ROLE_COUNT
};

/* Plain attributes as int, to mix with theme_attr() without sign warnings. */
#define ATTR_PLAIN ((int)A_NORMAL)
#define ATTR_BOLD ((int)A_BOLD)

/* Sets up colour pairs unless NO_COLOR is set or the terminal has none. */
void theme_init(void);
/* The curses attributes of a role. */
int theme_attr(enum role r);
bool theme_has_color(void);

#endif
