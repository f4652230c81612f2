/*
 * The Calendar pane's parts: pane_calendar.c is the pane (the agenda, the
 * keys, the export); calendar_grid.c draws the month grid and the week view
 * and does the calendar's arithmetic. Days are the user's local days: an
 * event is on every local day from its start to its end (model/query.c).
 */
#ifndef NORON_CALENDAR_H
#define NORON_CALENDAR_H

#include "theme.h"
#include "ui.h"

#define AGENDA_MAX 200

struct calendar {
	int year, month, day;		/* the selected day */
	int agenda_cursor, agenda_top;
	char *agenda_ids[AGENDA_MAX];	/* the agenda as last drawn */
	int agenda_n;
	bool in_agenda;			/* Enter moved the focus to the day's events */
	bool week;			/* the week view instead of the month grid */
	int sel_y, sel_x;		/* where the selected day was drawn */
};

/* Dates. */
int calendar_days_in(int year, int month);
int calendar_iso_week(int year, int month, int day);
void calendar_today(int *year, int *month, int *day);
/* YYYY-MM-DD of n days after the date. */
char *calendar_day_after(int year, int month, int day, int n);
/* The Monday of the selected day's week. */
void calendar_week_start(const struct calendar *c, int *year, int *month, int *day);

/* An event kind's role and letter ("M" for meeting), from the kind field's
 * choices; an unknown kind gets ROLE_MARKED and '*'. */
enum role calendar_kind_role(const char *kind);
char calendar_kind_letter(const char *kind);

/* What a day holds: how many events, and which kinds (a bit per choice of
 * the kind field, in its order). */
struct calendar_day {
	int count;
	unsigned kinds;
};

/* The events on the day (y, m, d), read from the cache. */
struct calendar_day calendar_day_read(struct ui *ui, int y, int m, int d);
/* Its kinds as text ("meeting, visit"). */
char *calendar_day_kinds(struct calendar_day day);

/* The month grid and the week view of the selected day. */
void calendar_draw_month(struct pane *p, struct rect r);
void calendar_draw_week(struct pane *p, struct rect r);

#endif
