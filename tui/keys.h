/*
 * Keys map to named actions in one table; the help screen is generated from
 * that same table, so what `?` shows is what the keys do.
 */
#ifndef NORON_KEYS_H
#define NORON_KEYS_H

#include <stdbool.h>

enum action {
	ACT_NONE,
	ACT_QUIT, ACT_HELP, ACT_REDRAW,
	ACT_PANE_1, ACT_PANE_2, ACT_PANE_3, ACT_PANE_4, ACT_PANE_5, ACT_PANE_6,
	ACT_NEXT_PANE, ACT_PREV_PANE,
	ACT_DOWN, ACT_UP, ACT_LEFT, ACT_RIGHT, ACT_TOP, ACT_BOTTOM,
	ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_HALF_DOWN, ACT_HALF_UP,
	ACT_OPEN, ACT_BACK, ACT_TOGGLE,
	ACT_FILTER, ACT_NEXT_MATCH, ACT_PREV_MATCH, ACT_SEARCH, ACT_COMMAND,
	ACT_ADD, ACT_EDIT, ACT_EDIT_TEXT, ACT_DELETE, ACT_UNDO, ACT_HISTORY,
	ACT_DETAIL_DOWN, ACT_DETAIL_UP,
	ACT_TODAY, ACT_PREV_MONTH, ACT_NEXT_MONTH, ACT_PREV_YEAR, ACT_NEXT_YEAR,
	ACT_WEEK_VIEW, ACT_EXPORT,
	ACT_WHO_CAN_HELP, ACT_NARROW,
	ACT_SYNC, ACT_CONFLICTS, ACT_REPORT,
	ACT_VOTE_UP, ACT_VOTE_DOWN, ACT_VOTE_ZERO, ACT_ACCEPT, ACT_DECLINE, ACT_DEFER,
	ACT_REVIEW, ACT_SCHEDULE, ACT_MARK, ACT_MARK_ALL, ACT_STATUS_FILTER, ACT_SORT,
	ACT_COUNT
};

/* Which panes a key works in (bits of the pane numbers 1-6). */
#define IN_ALL 0x7e
#define IN(n) (1u << (n))

struct keydef {
	int key;		/* a curses key code or character */
	enum action act;
	unsigned panes;
	const char *label;	/* how help shows the key */
	const char *help;
};

extern const struct keydef keydefs[];

/* The action of key in pane (1-6), or ACT_NONE. */
enum action keys_action(int key, int pane);

#endif
