/*
 * The theme table (see theme.h).
 */
#include "theme.h"
#include "curses_wide.h"

#include <stdlib.h>

struct theme_entry {
	short fg, bg;
	int color_attr;		/* added to the colour pair */
	int mono_attr;		/* used alone without colours */
};

static const struct theme_entry theme[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_TAB] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[ROLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_HEADER] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_STATUS] = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[ROLE_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_DIM] = { COLOR_BLUE, -1, A_NORMAL, A_DIM },
	[ROLE_TITLE] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_TODAY] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_MARKED] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[ROLE_LEVEL_NONE] = { COLOR_RED, -1, A_NORMAL, A_DIM },
	[ROLE_LEVEL_PLANNED] = { COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL },
	[ROLE_LEVEL_STARTED] = { COLOR_YELLOW, -1, A_NORMAL, A_NORMAL },
	[ROLE_LEVEL_OPERATIONAL] = { COLOR_GREEN, -1, A_NORMAL, A_BOLD },
	[ROLE_LEVEL_ADVANCED] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_MEETING] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_CONFERENCE] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_WORKSHOP] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_VISIT] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_DEADLINE] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[ROLE_KIND_SEVERAL] = { -1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
};

static bool colors_on;

void theme_init(void)
{
	const char *no_color = getenv("NO_COLOR");
	colors_on = has_colors() && !(no_color && *no_color);
	if (!colors_on)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < ROLE_COUNT; r++)
		init_pair((short)r, theme[r].fg, theme[r].bg);
}

bool theme_has_color(void)
{
	return colors_on;
}

int theme_attr(enum role r)
{
	if (!colors_on)
		return theme[r].mono_attr;
	return r == ROLE_NORMAL ? ATTR_PLAIN : (int)COLOR_PAIR(r) | theme[r].color_attr;
}
