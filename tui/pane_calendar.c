/*
 * Calendar: a month grid (weeks from Monday, ISO week numbers) with the
 * days that have events marked by kind, and the agenda from the selected
 * day on (calendar_grid.c draws the grid and the week view). t today, < >
 * months, [ ] years, arrows or hjkl move by day and week, w the week view,
 * Enter lists the day's events, a adds an event on the selected day, x
 * exports what is shown. Times are the user's local times.
 */
#include "calendar.h"
#include "dates.h"
#include "files.h"
#include "form.h"
#include "helper.h"
#include "ical.h"
#include "listpane.h"
#include "panes.h"
#include "prompt.h"
#include "record.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void calendar_open(struct pane *p)
{
	struct calendar *c = calloc(1, sizeof *c);
	calendar_today(&c->year, &c->month, &c->day);
	p->state = c;
}

static void forget_agenda(struct calendar *c)
{
	for (int i = 0; i < c->agenda_n; i++)
		free(c->agenda_ids[i]);
	c->agenda_n = 0;
}

static void calendar_close(struct pane *p)
{
	forget_agenda(p->state);
	free(p->state);
}

/* Moves the selected day by n days (across months and years). */
static void move_days(struct calendar *c, int n)
{
	struct tm tm = { .tm_year = c->year - 1900, .tm_mon = c->month - 1,
			 .tm_mday = c->day + n, .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	c->year = tm.tm_year + 1900, c->month = tm.tm_mon + 1, c->day = tm.tm_mday;
	c->agenda_cursor = c->agenda_top = 0;
}

static void move_months(struct calendar *c, int n)
{
	int m = c->year * 12 + (c->month - 1) + n;
	c->year = m / 12, c->month = m % 12 + 1;
	if (c->day > calendar_days_in(c->year, c->month))
		c->day = calendar_days_in(c->year, c->month);
	c->agenda_cursor = c->agenda_top = 0;
}

struct agenda_ctx {
	struct pane *p;
	struct rect r;
	int row;
};

static int agenda_row(void *ctx, const struct cache_row *row)
{
	struct agenda_ctx *ac = ctx;
	struct calendar *c = ac->p->state;
	if (c->agenda_n < AGENDA_MAX)
		c->agenda_ids[c->agenda_n++] = xstrdup(row->id);
	int index = c->agenda_n - 1;
	if (index < c->agenda_top || ac->row >= ac->r.h)
		return 0;
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(row->body, "kind");
	const cJSON *repeat = cJSON_GetObjectItemCaseSensitive(row->body, "repeat");
	const char *kind_text = cJSON_IsString(kind) ? kind->valuestring : "";
	bool yearly = cJSON_IsString(repeat) && !strcmp(repeat->valuestring, "yearly");
	char *label = record_label(row->body);
	char *when = when_local(row->occurs ? row->occurs : "", false);
	char *line = str_printf("%-16s  %-10s %s%s", when, kind_text, label,
				yearly ? " (yearly)" : "");
	free(when);
	bool sel = c->in_agenda && index == c->agenda_cursor;
	int y = ac->r.y + ac->row;
	draw_text(y, ac->r.x, ac->r.w, line, sel ? theme_attr(ROLE_SELECTED) : ATTR_PLAIN);
	if (!sel && ac->r.w > 18)	/* the kind in its colour */
		draw_text(y, ac->r.x + 18, ac->r.w - 18 < 10 ? ac->r.w - 18 : 10, kind_text,
			  theme_attr(calendar_kind_role(kind_text)));
	if (sel)
		c->sel_y = y, c->sel_x = ac->r.x;
	ac->row++;
	free(line);
	free(label);
	return 0;
}

static void draw_agenda(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	char *head = str_printf("Agenda from %04d-%02d-%02d", c->year, c->month, c->day);
	draw_text(r.y, r.x, r.w, head, theme_attr(ROLE_HEADER));
	free(head);
	forget_agenda(c);
	r.y++, r.h--;
	if (c->agenda_cursor < c->agenda_top)
		c->agenda_top = c->agenda_cursor;
	if (c->agenda_cursor >= c->agenda_top + r.h)
		c->agenda_top = c->agenda_cursor - r.h + 1;
	/* A month ahead, which fills the agenda of a busy calendar at once, then
	 * a year ahead if it does not: far enough for every yearly event to show
	 * once. (A year of a busy calendar is thousands of events to sort.) */
	long want = c->agenda_top + r.h;
	char *from = calendar_day_after(c->year, c->month, c->day, 0);
	char *month = calendar_day_after(c->year, c->month, c->day, 31);
	char *year = str_printf("%04d%s", c->year + 1, from + 4);
	for (int pass = 0; pass < 2 && c->agenda_n < want; pass++) {
		struct agenda_ctx ac = { .p = p, .r = r };
		forget_agenda(c);
		cache_events_between(p->ui->cache, from, pass ? year : month, want, agenda_row, &ac,
				     NULL);
	}
	free(from);
	free(month);
	free(year);
	if (!c->agenda_n)
		draw_text(r.y, r.x, r.w, "no events from this day on (a adds one)", theme_attr(ROLE_DIM));
	if (c->in_agenda)
		move(c->sel_y, c->sel_x);	/* the cursor on the selected event */
}

static void calendar_draw(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	bool side = r.w >= 72;
	struct rect month = { .y = r.y + 1, .x = r.x + 1, .h = 10, .w = 32 };
	struct rect agenda = side ? (struct rect){ .y = r.y + 1, .x = r.x + 36, .h = r.h - 1,
						   .w = r.w - 37 }
		: (struct rect){ .y = r.y + 12, .x = r.x + 1, .h = r.h - 12, .w = r.w - 2 };
	if (c->week) {
		month.h = agenda.h, month.w = side ? 34 : r.w - 2;
		draw_agenda(p, agenda);
		calendar_draw_week(p, side ? month : (struct rect){ .y = r.y + 1, .x = r.x + 1,
							   .h = 11, .w = r.w - 2 });
	} else if (c->in_agenda) {	/* the agenda's cursor is drawn last */
		calendar_draw_month(p, month);
		draw_agenda(p, agenda);
	} else {
		draw_agenda(p, agenda);
		calendar_draw_month(p, month);
	}
}

static int write_ics(struct pane *p, const char *path, const char *from, const char *to,
		     char **err)
{
#ifdef NORON_SLIM	/* iCalendar is noron-io's (helper.h) */
	const char *args[] = { "--db", cache_path(p->ui->cache), "export", "--format", "ics",
			       "--from", from, "--to", to, "-o", path, NULL };
	return helper_run(args, err);
#else
	struct ical_range range = { .from = from, .to = to };
	struct atomic_file af;
	if (atomic_open(&af, path, err) || ical_export(p->ui->cache, af.fp, &range, err)
	    || atomic_commit(&af, err)) {
		if (af.fp)
			atomic_abort(&af);
		return -1;
	}
	return 0;
#endif
}

/* x: the month (or week) shown, as an iCalendar file in the home folder. */
static void export_shown(struct pane *p)
{
	struct calendar *c = p->state;
	int y = c->year, m = c->month, d = 1;
	if (c->week)
		calendar_week_start(c, &y, &m, &d);
	char *from = calendar_day_after(y, m, d, 0);
	char *to = c->week ? calendar_day_after(y, m, d, 7)
		: calendar_day_after(y, m, 1, calendar_days_in(y, m));
	const char *home = getenv("HOME");
	char *path = c->week ? str_printf("%s/noron-%s-week.ics", home ? home : ".", from)
		: str_printf("%s/noron-%04d-%02d.ics", home ? home : ".", y, m);
	char *err = NULL;
	if (write_ics(p, path, from, to, &err)) {
		ui_message(p->ui, true, "%s", err);
	} else {
		ui_message(p->ui, false, "exported %s to %s .. %s as %s", c->week ? "the week"
			   : "the month", from, to, path);
	}
	free(err), free(path), free(from), free(to);
}

static cJSON *calendar_current(struct pane *p)
{
	struct calendar *c = p->state;
	if (!c->in_agenda || c->agenda_cursor >= c->agenda_n)
		return NULL;
	struct cache_doc d;
	cJSON *doc = NULL;
	if (cache_get(p->ui->cache, c->agenda_ids[c->agenda_cursor], &d, NULL) > 0 && !d.deleted) {
		doc = d.body;
		d.body = NULL;
	}
	cache_doc_free(&d);
	return doc;
}

static bool agenda_action(struct pane *p, enum action a)
{
	struct calendar *c = p->state;
	switch (a) {
	case ACT_DOWN: c->agenda_cursor += c->agenda_cursor + 1 < c->agenda_n; return true;
	case ACT_UP: c->agenda_cursor -= c->agenda_cursor > 0; return true;
	case ACT_BACK: case ACT_LEFT: c->in_agenda = false; return true;
	case ACT_OPEN: {
		cJSON *doc = calendar_current(p);
		if (doc)
			listpane_open_record(p->ui, doc, NULL, p);
		cJSON_Delete(doc);
		return true;
	}
	default:
		return false;
	}
}

/* Enter on a day: the focus to its events in the agenda, or a word that it
 * has none (the agenda would show a later day's). */
static void open_day(struct pane *p)
{
	struct calendar *c = p->state;
	if (!calendar_day_read(p->ui, c->year, c->month, c->day).count) {
		ui_message(p->ui, false, "no events on %04d-%02d-%02d", c->year, c->month, c->day);
		return;
	}
	c->in_agenda = true;
	c->agenda_cursor = 0;
}

static bool calendar_action(struct pane *p, enum action a)
{
	struct calendar *c = p->state;
	if (c->in_agenda && agenda_action(p, a))
		return true;
	switch (a) {
	case ACT_LEFT: move_days(c, -1); return true;
	case ACT_RIGHT: move_days(c, 1); return true;
	case ACT_UP: move_days(c, -7); return true;
	case ACT_DOWN: move_days(c, 7); return true;
	case ACT_PREV_MONTH: case ACT_PAGE_UP: move_months(c, -1); return true;
	case ACT_NEXT_MONTH: case ACT_PAGE_DOWN: move_months(c, 1); return true;
	case ACT_WEEK_VIEW: c->week = !c->week; return true;
	case ACT_EXPORT: export_shown(p); return true;
	case ACT_PREV_YEAR: move_months(c, -12); return true;
	case ACT_NEXT_YEAR: move_months(c, 12); return true;
	case ACT_TODAY:
		calendar_today(&c->year, &c->month, &c->day);
		c->in_agenda = false;
		return true;
	case ACT_OPEN: open_day(p); return true;
	default:
		return false;
	}
}

static cJSON *calendar_new_record(struct pane *p)
{
	struct calendar *c = p->state;
	cJSON *doc = record_new(type_find("event"));
	char *day = str_printf("%04d-%02d-%02d", c->year, c->month, c->day);
	record_set(doc, "start", day, NULL);
	free(day);
	return doc;
}

static bool calendar_select(struct pane *p, const char *id)
{
	struct calendar *c = p->state;
	const struct type_def *t = type_of_id(id);
	struct cache_doc d;
	if (!t || strcmp(t->name, "event") || cache_get(p->ui->cache, id, &d, NULL) <= 0)
		return false;
	const cJSON *start = cJSON_GetObjectItemCaseSensitive(d.body, "start");
	char *local = cJSON_IsString(start) ? when_local_day(start->valuestring) : NULL;
	int y, m, day;
	bool ok = local && sscanf(local, "%d-%d-%d", &y, &m, &day) == 3;
	free(local);
	if (ok) {
		c->year = y, c->month = m, c->day = day;
		c->in_agenda = true;
		c->agenda_cursor = 0;
	}
	cache_doc_free(&d);
	return ok;
}

static char *calendar_summary(struct pane *p)
{
	struct calendar *c = p->state;
	struct calendar_day day = calendar_day_read(p->ui, c->year, c->month, c->day);
	char *kinds = calendar_day_kinds(day);
	char *s = str_printf("%04d-%02d-%02d (week %d): %d event%s%s%s%s", c->year, c->month,
			     c->day, calendar_iso_week(c->year, c->month, c->day), day.count,
			     day.count == 1 ? "" : "s", *kinds ? " (" : "", kinds,
			     *kinds ? ")" : "");
	free(kinds);
	return s;
}

const struct pane_ops pane_calendar_ops = {
	.name = "Calendar",
	.open = calendar_open,
	.close = calendar_close,
	.draw = calendar_draw,
	.action = calendar_action,
	.current = calendar_current,
	.new_record = calendar_new_record,
	.select = calendar_select,
	.summary = calendar_summary,
};
