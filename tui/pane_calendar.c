/*
 * Calendar: a month grid (weeks from Monday, ISO week numbers) with the
 * days that have events marked, and the agenda from the selected day on.
 * t today, < > months, arrows or hjkl move by day and week, Enter lists the
 * day's events, a adds an event on the selected day.
 */
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

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : d[m - 1];
}

/* 0 for Monday ... 6 for Sunday. */
static int weekday(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return (tm.tm_wday + 6) % 7;
}

static int iso_week(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	char s[8];
	strftime(s, sizeof s, "%V", &tm);
	return atoi(s);
}

/* A stored start in the user's time zone: dates stay dates, UTC date-times
 * become local "YYYY-MM-DD HH:MM". */
static char *local_time(const char *s)
{
	struct tm tm = { 0 };
	if (strlen(s) <= 10 || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return xstrdup(s);
	time_t t = timegm(&tm);
	struct tm local;
	localtime_r(&t, &local);
	char out[32];
	strftime(out, sizeof out, "%Y-%m-%d %H:%M", &local);
	return xstrdup(out);
}

static void today(int *y, int *m, int *d)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
}

static void calendar_open(struct pane *p)
{
	struct calendar *c = calloc(1, sizeof *c);
	today(&c->year, &c->month, &c->day);
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
	if (c->day > days_in(c->year, c->month))
		c->day = days_in(c->year, c->month);
	c->agenda_cursor = c->agenda_top = 0;
}

/* What a month holds: per day, how many events and the first one's kind. */
struct month {
	int count[32];
	char kind[32];		/* M C W V D: meeting, conference, workshop, visit, deadline */
};

/* Days from one YYYY-MM-DD to another (the first ten characters of each). */
static long days_between(const char *a, const char *b)
{
	struct tm x = { .tm_hour = 12 }, y = { .tm_hour = 12 };
	if (!strptime(a, "%Y-%m-%d", &x) || !strptime(b, "%Y-%m-%d", &y))
		return 0;
	return (long)(timegm(&y) - timegm(&x)) / 86400;
}

static int note_day(void *ctx, const struct cache_row *row)
{
	struct month *m = ctx;
	int day = row->occurs && strlen(row->occurs) >= 10 ? atoi(row->occurs + 8) : 0;
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(row->body, "kind");
	const cJSON *start = cJSON_GetObjectItemCaseSensitive(row->body, "start");
	const cJSON *end = cJSON_GetObjectItemCaseSensitive(row->body, "end");
	long span = cJSON_IsString(start) && cJSON_IsString(end)
		? days_between(start->valuestring, end->valuestring) : 0;
	/* Every day an event lasts is marked, up to the month's end. */
	for (long d = day; d >= 1 && d <= 31 && d <= day + (span > 0 ? span : 0); d++)
		if (!m->count[d]++)
			m->kind[d] = cJSON_IsString(kind) ? (char)(kind->valuestring[0] - 32) : '*';
	return 0;
}

static void read_month(struct ui *ui, int y, int mo, struct month *m)
{
	*m = (struct month){ 0 };
	char *from = str_printf("%04d-%02d-01", y, mo);
	char *to = mo == 12 ? str_printf("%04d-01-01", y + 1) : str_printf("%04d-%02d-01", y, mo + 1);
	cache_events_between(ui->cache, from, to, 2000, note_day, m, NULL);
	free(from);
	free(to);
}

static void draw_day(struct pane *p, const struct month *m, int d, int y, int x)
{
	struct calendar *c = p->state;
	int ty, tm, td;
	today(&ty, &tm, &td);
	int n = m->count[d];
	bool is_today = ty == c->year && tm == c->month && td == d, sel = d == c->day;
	char *cell = str_printf("%2d%c", d, n ? m->kind[d] : ' ');
	int attr = sel ? theme_attr(ROLE_SELECTED) | ATTR_BOLD : is_today ? theme_attr(ROLE_TODAY)
		: n ? theme_attr(ROLE_MARKED) : ATTR_PLAIN;
	draw_text(y, x, 3, cell, attr);
	if (sel)
		c->sel_y = y, c->sel_x = x;
	free(cell);
}

static void draw_month(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	static const char *const names[] = { "January", "February", "March", "April", "May",
		"June", "July", "August", "September", "October", "November", "December" };
	char *title = str_printf("%s %d", names[c->month - 1], c->year);
	draw_text(r.y, r.x + 4, 28, title, theme_attr(ROLE_TITLE));
	free(title);
	draw_text(r.y + 1, r.x, 32, " Wk Mo  Tu  We  Th  Fr  Sa  Su", theme_attr(ROLE_HEADER));
	int first = weekday(c->year, c->month, 1), days = days_in(c->year, c->month);
	struct month m;
	read_month(p->ui, c->year, c->month, &m);
	for (int d = 1, row = 0; d <= days; row++) {
		int y = r.y + 2 + row;
		char *wk = str_printf("%3d", iso_week(c->year, c->month, d));
		draw_text(y, r.x, 3, wk, theme_attr(ROLE_DIM));
		free(wk);
		for (int col = row == 0 ? first : 0; col < 7 && d <= days; col++, d++)
			draw_day(p, &m, d, y, r.x + 4 + col * 4);
	}
	draw_text(r.y + 9, r.x, 32, "M C W V D: meeting, conference,", theme_attr(ROLE_DIM));
	draw_text(r.y + 10, r.x, 32, "workshop, visit, deadline", theme_attr(ROLE_DIM));
	if (!c->in_agenda)
		move(c->sel_y, c->sel_x);	/* the cursor on the selected day */
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
	bool yearly = cJSON_IsString(repeat) && !strcmp(repeat->valuestring, "yearly");
	char *label = record_label(row->body);
	char *when = local_time(row->occurs ? row->occurs : "");
	char *line = str_printf("%-16s  %-10s %s%s", when, cJSON_IsString(kind) ? kind->valuestring
				: "", label, yearly ? " (yearly)" : "");
	free(when);
	bool sel = c->in_agenda && index == c->agenda_cursor;
	draw_text(ac->r.y + ac->row, ac->r.x, ac->r.w, line,
		  sel ? theme_attr(ROLE_SELECTED) : ATTR_PLAIN);
	if (sel)
		c->sel_y = ac->r.y + ac->row, c->sel_x = ac->r.x;
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
	struct agenda_ctx ac = { .p = p, .r = r };
	/* A year ahead: far enough for every yearly event to show once. */
	char *from = str_printf("%04d-%02d-%02d", c->year, c->month, c->day);
	char *to = str_printf("%04d-%02d-%02d", c->year + 1, c->month, c->day);
	cache_events_between(p->ui->cache, from, to, c->agenda_top + r.h, agenda_row, &ac, NULL);
	free(from);
	free(to);
	if (!c->agenda_n)
		draw_text(r.y, r.x, r.w, "no events from this day on (a adds one)", theme_attr(ROLE_DIM));
	if (c->in_agenda)
		move(c->sel_y, c->sel_x);	/* the cursor on the selected event */
}

/* The first day (Monday) of the selected week, as y/m/d. */
static void week_start(const struct calendar *c, int *y, int *m, int *d)
{
	struct tm tm = { .tm_year = c->year - 1900, .tm_mon = c->month - 1,
			 .tm_mday = c->day - weekday(c->year, c->month, c->day), .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
}

static char *day_after(int y, int m, int d, int n)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + n, .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return str_printf("%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

struct week_ctx {
	struct pane *p;
	struct rect r;
	int row;
	char day[11];
};

static int week_row(void *ctx, const struct cache_row *row)
{
	struct week_ctx *w = ctx;
	if (w->row >= w->r.h || !row->occurs)
		return 0;
	char *label = record_label(row->body);
	char *when = local_time(row->occurs);
	bool new_day = strncmp(w->day, row->occurs, 10);
	snprintf(w->day, sizeof w->day, "%.10s", row->occurs);
	char *line = str_printf("%-10s %s  %s", new_day ? w->day : "",
				strlen(when) > 10 ? when + 11 : "all day", label);
	draw_text(w->r.y + w->row++, w->r.x, w->r.w, line, ATTR_PLAIN);
	free(line), free(when), free(label);
	return 0;
}

static void draw_week(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	int y, m, d;
	week_start(c, &y, &m, &d);
	char *from = day_after(y, m, d, 0), *to = day_after(y, m, d, 7);
	char *head = str_printf("Week %d: %s to %.10s", iso_week(y, m, d), from, to);
	draw_text(r.y, r.x, r.w, head, theme_attr(ROLE_TITLE));
	struct week_ctx w = { .p = p, .r = { .y = r.y + 1, .x = r.x, .h = r.h - 1, .w = r.w } };
	cache_events_between(p->ui->cache, from, to, r.h, week_row, &w, NULL);
	if (!w.row)
		draw_text(r.y + 1, r.x, r.w, "no events this week", theme_attr(ROLE_DIM));
	move(r.y, r.x);
	free(head), free(from), free(to);
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
		draw_week(p, side ? month : (struct rect){ .y = r.y + 1, .x = r.x + 1,
							   .h = 11, .w = r.w - 2 });
	} else if (c->in_agenda) {	/* the agenda's cursor is drawn last */
		draw_month(p, month);
		draw_agenda(p, agenda);
	} else {
		draw_agenda(p, agenda);
		draw_month(p, month);
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
		week_start(c, &y, &m, &d);
	char *from = day_after(y, m, d, 0);
	char *to = c->week ? day_after(y, m, d, 7) : m == 12 ? str_printf("%04d-01-01", y + 1)
		: str_printf("%04d-%02d-01", y, m + 1);
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
	case ACT_TODAY: today(&c->year, &c->month, &c->day); c->in_agenda = false; return true;
	case ACT_OPEN:
		c->in_agenda = true;
		c->agenda_cursor = 0;
		return true;
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
	int y, m, day;
	bool ok = cJSON_IsString(start) && sscanf(start->valuestring, "%d-%d-%d", &y, &m, &day) == 3;
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
	struct month m;
	read_month(p->ui, c->year, c->month, &m);
	int n = m.count[c->day];
	return str_printf("%04d-%02d-%02d (week %d): %d event%s", c->year, c->month, c->day,
			  iso_week(c->year, c->month, c->day), n, n == 1 ? "" : "s");
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
