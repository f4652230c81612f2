/*
 * The key table (see keys.h). A key listed twice for different panes does
 * different things there; the first entry that applies wins.
 */
#include "keys.h"
#include "curses_wide.h"

#define CTRL(c) ((c) & 0x1f)
#define AREAS IN(1)
#define SKILLS IN(2)
#define CALENDAR IN(4)
#define PROPOSALS IN(5)
#define PEOPLE IN(6)
#define LISTS (IN_ALL & ~CALENDAR)	/* the panes that list records (not the month) */

const struct keydef keydefs[] = {
	{ '?', ACT_HELP, IN_ALL, "?", "this help" },
	{ 'q', ACT_QUIT, IN_ALL, "q", "quit" },
	{ CTRL('c'), ACT_QUIT, IN_ALL, "^C", "quit" },
	{ CTRL('l'), ACT_REDRAW, IN_ALL, "^L", "redraw the screen" },
	{ '1', ACT_PANE_1, IN_ALL, "1", "Areas: where every library stands" },
	{ '2', ACT_PANE_2, IN_ALL, "2", "Skills: who can help" },
	{ '3', ACT_PANE_3, IN_ALL, "3", "Projects" },
	{ '4', ACT_PANE_4, IN_ALL, "4", "Calendar" },
	{ '5', ACT_PANE_5, IN_ALL, "5", "Proposals" },
	{ '6', ACT_PANE_6, IN_ALL, "6", "People: institutions, people, funds" },
	{ '\t', ACT_NEXT_PANE, IN_ALL, "Tab", "next pane" },
	{ KEY_BTAB, ACT_PREV_PANE, IN_ALL, "S-Tab", "previous pane" },
	{ 't', ACT_TODAY, CALENDAR, "t", "today" },
	{ '<', ACT_PREV_MONTH, CALENDAR, "<", "previous month" },
	{ '>', ACT_NEXT_MONTH, CALENDAR, ">", "next month" },
	{ '[', ACT_PREV_YEAR, CALENDAR, "[", "previous year" },
	{ ']', ACT_NEXT_YEAR, CALENDAR, "]", "next year" },
	{ 'w', ACT_WEEK_VIEW, CALENDAR, "w", "week view on or off" },
	{ 'x', ACT_EXPORT, CALENDAR, "x", "export the month (or week) shown as iCalendar" },
	{ 'j', ACT_DOWN, IN_ALL, "j Down", "next row (Calendar: next week)" },
	{ KEY_DOWN, ACT_DOWN, IN_ALL, NULL, NULL },
	{ 'k', ACT_UP, IN_ALL, "k Up", "previous row (Calendar: previous week)" },
	{ KEY_UP, ACT_UP, IN_ALL, NULL, NULL },
	{ 'h', ACT_LEFT, AREAS | CALENDAR | PEOPLE, "h Left",
	  "previous column (Calendar: day; People: list)" },
	{ KEY_LEFT, ACT_LEFT, AREAS | CALENDAR | PEOPLE, NULL, NULL },
	{ 'l', ACT_RIGHT, AREAS | CALENDAR | PEOPLE, "l Right",
	  "next column (Calendar: day; People: list)" },
	{ KEY_RIGHT, ACT_RIGHT, AREAS | CALENDAR | PEOPLE, NULL, NULL },
	{ 'g', ACT_TOP, LISTS, "g Home", "first row" },
	{ KEY_HOME, ACT_TOP, LISTS, NULL, NULL },
	{ 'G', ACT_BOTTOM, LISTS, "G End", "last row" },
	{ KEY_END, ACT_BOTTOM, LISTS, NULL, NULL },
	{ KEY_NPAGE, ACT_PAGE_DOWN, LISTS, "PgDn", "next page" },
	{ KEY_PPAGE, ACT_PAGE_UP, LISTS, "PgUp", "previous page" },
	{ KEY_NPAGE, ACT_NEXT_MONTH, CALENDAR, "PgDn", "next month" },
	{ KEY_PPAGE, ACT_PREV_MONTH, CALENDAR, "PgUp", "previous month" },
	{ CTRL('d'), ACT_HALF_DOWN, LISTS, "^D", "half a page down" },
	{ CTRL('u'), ACT_HALF_UP, LISTS, "^U", "half a page up" },
	{ ' ', ACT_TOGGLE, AREAS, "Space", "expand or collapse the area" },
	{ ' ', ACT_MARK, PROPOSALS, "Space", "mark the proposal (actions apply to all marked)" },
	{ '*', ACT_MARK_ALL, PROPOSALS, "*", "mark every proposal shown" },
	{ '+', ACT_VOTE_UP, PROPOSALS, "+", "vote +1 for your institution" },
	{ '-', ACT_VOTE_DOWN, PROPOSALS, "-", "vote -1 for your institution" },
	{ '0', ACT_VOTE_ZERO, PROPOSALS, "0", "vote 0 for your institution" },
	{ 'A', ACT_ACCEPT, PROPOSALS, "A", "accept" },
	{ 'X', ACT_DECLINE, PROPOSALS, "X", "decline (asks for a reason)" },
	{ 'L', ACT_DEFER, PROPOSALS, "L", "defer (later)" },
	{ 'R', ACT_REVIEW, PROPOSALS, "R", "back to review" },
	{ 's', ACT_SCHEDULE, PROPOSALS, "s", "schedule: a workshop in the calendar" },
	{ 'f', ACT_STATUS_FILTER, PROPOSALS, "f", "show: to triage, all, accepted, ..." },
	{ 'o', ACT_SORT, PROPOSALS, "o", "sort by age, total vote or area" },
	{ '\n', ACT_OPEN, IN_ALL, "Enter",
	  "open (Areas: expand, or edit the cell; Calendar: the day's events)" },
	{ KEY_ENTER, ACT_OPEN, IN_ALL, NULL, NULL },
	{ '\r', ACT_OPEN, IN_ALL, NULL, NULL },
	{ 27, ACT_BACK, LISTS, "Esc", "clear the filter, close" },
	{ 27, ACT_BACK, CALENDAR, "Esc", "leave the day's events (back to the month)" },
	{ 'J', ACT_DETAIL_DOWN, LISTS, "J", "scroll the detail down" },
	{ 'K', ACT_DETAIL_UP, LISTS, "K", "scroll the detail up" },
	{ '/', ACT_FILTER, LISTS, "/", "filter the list as you type" },
	{ 'n', ACT_NEXT_MATCH, LISTS, "n", "next match" },
	{ 'N', ACT_PREV_MATCH, LISTS, "N", "previous match" },
	{ '\\', ACT_SEARCH, IN_ALL, "\\", "search every record and jump to one" },
	{ ':', ACT_COMMAND, IN_ALL, ":", "command (:search TEXT, :quit, :help)" },
	{ 'w', ACT_WHO_CAN_HELP, SKILLS, "w", "who can help with ... (a topic: skills that match)" },
	{ 'f', ACT_NARROW, SKILLS, "f", "narrow by kind, level, institution, area or exchange" },
	{ 'a', ACT_ADD, IN_ALL, "a", "add a record (a form)" },
	{ 'e', ACT_EDIT, IN_ALL, "e", "edit the record (a form)" },
	{ 'E', ACT_EDIT_TEXT, IN_ALL, "E", "edit the whole record in $EDITOR" },
	{ 'D', ACT_DELETE, IN_ALL, "D", "delete the record (asks first)" },
	{ 'u', ACT_UNDO, IN_ALL, "u", "undo the last edit" },
	{ 'H', ACT_HISTORY, IN_ALL, "H", "history of the record" },
	{ 'S', ACT_SYNC, IN_ALL, "S", "sync with the endpoint now (in the background)" },
	{ 'C', ACT_CONFLICTS, IN_ALL, "C", "conflicts and edits the endpoint refused" },
	{ 'R', ACT_REPORT, IN_ALL & ~PROPOSALS, "R",
	  "write the report for the directors (a web page in your home folder)" },
	{ 0, ACT_NONE, 0, NULL, NULL },
};

enum action keys_action(int key, int pane)
{
	for (const struct keydef *k = keydefs; k->act != ACT_NONE; k++)
		if (k->key == key && (k->panes & IN(pane)))
			return k->act;
	return ACT_NONE;
}
