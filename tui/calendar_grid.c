/*
 * The Calendar's month grid (weeks from Monday, ISO week numbers, each day
 * marked with the letter and colour of its events' kind, '+' for several
 * kinds) and its week view (each day's events, an event of several days on
 * each of them), with the date arithmetic they share (see calendar.h).
 */
#include "calendar.h"
#include "dates.h"
#include "record.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MONTH_EVENTS_MAX 2000	/* occurrences read for one month */
#define WEEK_ROWS_MAX 100	/* occurrences kept for the week view */
#define KIND_OTHER 31		/* the bit of a kind the field does not list */

/* --- Dates ----------------------------------------------------------------- */

int calendar_days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : d[m - 1];
}

/* The date (y, m, d + n) as a struct tm, at noon UTC. */
static struct tm date_tm(int y, int m, int d, int n)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + n, .tm_hour = 12 };
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm;
}

/* 0 for Monday ... 6 for Sunday. */
static int weekday(int y, int m, int d)
{
	return (date_tm(y, m, d, 0).tm_wday + 6) % 7;
}

int calendar_iso_week(int y, int m, int d)
{
	struct tm tm = date_tm(y, m, d, 0);
	char s[8];
	strftime(s, sizeof s, "%V", &tm);
	return atoi(s);
}

void calendar_today(int *y, int *m, int *d)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
}

char *calendar_day_after(int y, int m, int d, int n)
{
	struct tm tm = date_tm(y, m, d, n);
	return str_printf("%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void calendar_week_start(const struct calendar *c, int *y, int *m, int *d)
{
	struct tm tm = date_tm(c->year, c->month, c->day, -weekday(c->year, c->month, c->day));
	*y = tm.tm_year + 1900, *m = tm.tm_mon + 1, *d = tm.tm_mday;
}

/* Days since 1970-01-01 of a YYYY-MM-DD; LONG_MIN when it is none. */
static long day_number(const char *ymd)
{
	struct tm tm = { .tm_hour = 12 };
	if (!strptime(ymd, "%Y-%m-%d", &tm))
		return LONG_MIN;
	return (long)(timegm(&tm) / 86400);
}

/* The local days an occurrence lasts, first to last. */
static void occurrence_days(const struct cache_row *row, long *first, long *last)
{
	char *a = when_local_day(row->occurs ? row->occurs : "");
	char *b = when_local_day(row->occurs_until ? row->occurs_until : "");
	*first = day_number(a);
	*last = day_number(b);
	if (*last < *first)
		*last = *first;
	free(a);
	free(b);
}

/* --- Kinds ----------------------------------------------------------------- */

static const struct field_def *kind_field(void)
{
	return field_find(type_find("event"), "kind");
}

enum role calendar_kind_role(const char *kind)
{
	int i = kind ? enum_index(kind_field(), kind) : -1;
	return i >= 0 && ROLE_KIND_MEETING + i < ROLE_KIND_SEVERAL
		? (enum role)(ROLE_KIND_MEETING + i) : ROLE_MARKED;
}

char calendar_kind_letter(const char *kind)
{
	return kind && enum_index(kind_field(), kind) >= 0
		? (char)toupper((unsigned char)kind[0]) : '*';
}

static const char *kind_of(const cJSON *doc)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(doc, "kind");
	return cJSON_IsString(kind) ? kind->valuestring : NULL;
}

static int kind_bit(const char *kind)
{
	int i = kind ? enum_index(kind_field(), kind) : -1;
	return i >= 0 && i < KIND_OTHER ? i : KIND_OTHER;
}

/* The only kind of a day with events of one kind; NULL for several or an
 * unknown one. */
static const char *only_kind(struct calendar_day day)
{
	const struct field_def *f = kind_field();
	for (int i = 0; f->choices[i] && i < KIND_OTHER; i++)
		if (day.kinds == 1u << i)
			return f->choices[i];
	return NULL;
}

static bool several_kinds(struct calendar_day day)
{
	return day.kinds & (day.kinds - 1);
}

char *calendar_day_kinds(struct calendar_day day)
{
	const struct field_def *f = kind_field();
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	for (int i = 0; f->choices[i] && i < KIND_OTHER; i++)
		if (day.kinds & 1u << i)
			buf_printf(&b, "%s%s", b.len ? ", " : "", f->choices[i]);
	if (day.kinds & 1u << KIND_OTHER)
		buf_printf(&b, "%sother", b.len ? ", " : "");
	return buf_take(&b);
}

/* --- Days of events ---------------------------------------------------------- */

/* The days from first on, n of them, each with its events. */
struct days {
	long first;
	int n;
	struct calendar_day *day;
};

static int note_days(void *ctx, const struct cache_row *row)
{
	struct days *ds = ctx;
	long a, b;
	occurrence_days(row, &a, &b);
	unsigned bit = 1u << kind_bit(kind_of(row->body));
	for (long d = a > ds->first ? a : ds->first; d <= b && d < ds->first + ds->n; d++) {
		ds->day[d - ds->first].count++;
		ds->day[d - ds->first].kinds |= bit;
	}
	return 0;
}

/* Fills day[0 .. n-1] for the n days from (y, m, d). */
static void read_days(struct ui *ui, int y, int m, int d, int n, struct calendar_day *day)
{
	char *from = calendar_day_after(y, m, d, 0), *to = calendar_day_after(y, m, d, n);
	struct days ds = { .first = day_number(from), .n = n, .day = day };
	memset(day, 0, (size_t)n * sizeof *day);
	cache_events_between(ui->cache, from, to, MONTH_EVENTS_MAX, note_days, &ds, NULL);
	free(from);
	free(to);
}

struct calendar_day calendar_day_read(struct ui *ui, int y, int m, int d)
{
	struct calendar_day day;
	read_days(ui, y, m, d, 1, &day);
	return day;
}

/* --- The month grid ---------------------------------------------------------- */

static void draw_day(struct pane *p, struct calendar_day day, int d, int y, int x)
{
	struct calendar *c = p->state;
	int ty, tm, td;
	calendar_today(&ty, &tm, &td);
	bool is_today = ty == c->year && tm == c->month && td == d, sel = d == c->day;
	const char *kind = only_kind(day);
	char mark = !day.count ? ' ' : several_kinds(day) ? '+' : calendar_kind_letter(kind);
	enum role role = several_kinds(day) ? ROLE_KIND_SEVERAL : calendar_kind_role(kind);
	char *cell = str_printf("%2d%c", d, mark);
	int attr = sel ? theme_attr(ROLE_SELECTED) | ATTR_BOLD : is_today ? theme_attr(ROLE_TODAY)
		: day.count ? theme_attr(role) : ATTR_PLAIN;
	draw_text(y, x, 3, cell, attr);
	if (sel)
		c->sel_y = y, c->sel_x = x;
	free(cell);
}

/* The legend: each kind's letter and name in its colour, then '+', on the
 * first of the rows that has room. */
static void draw_legend(struct rect r)
{
	const struct field_def *f = kind_field();
	int n = 0, used[2] = { 0, 0 };
	while (f->choices[n])
		n++;
	for (int i = 0; i <= n; i++) {
		const char *name = i < n ? f->choices[i] : NULL;
		char *item = name ? str_printf("%c %s", calendar_kind_letter(name), name)
			: xstrdup("+ mixed");
		int w = (int)strlen(item);
		for (int row = 0; row < 2; row++) {
			int at = used[row] ? used[row] + 2 : 0;
			if (at + w <= r.w) {
				draw_text(r.y + row, r.x + at, w, item, theme_attr(name
					  ? calendar_kind_role(name) : ROLE_KIND_SEVERAL));
				used[row] = at + w;
				break;
			}
		}
		free(item);
	}
}

void calendar_draw_month(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	static const char *const names[] = { "January", "February", "March", "April", "May",
		"June", "July", "August", "September", "October", "November", "December" };
	char *title = str_printf("%s %d", names[c->month - 1], c->year);
	draw_text(r.y, r.x + 4, 28, title, theme_attr(ROLE_TITLE));
	free(title);
	draw_text(r.y + 1, r.x, 32, " Wk Mo  Tu  We  Th  Fr  Sa  Su", theme_attr(ROLE_HEADER));
	int first = weekday(c->year, c->month, 1), days = calendar_days_in(c->year, c->month);
	struct calendar_day day[31];
	read_days(p->ui, c->year, c->month, 1, days, day);
	for (int d = 1, row = 0; d <= days; row++) {
		int y = r.y + 2 + row;
		char *wk = str_printf("%3d", calendar_iso_week(c->year, c->month, d));
		draw_text(y, r.x, 3, wk, theme_attr(ROLE_DIM));
		free(wk);
		for (int col = row == 0 ? first : 0; col < 7 && d <= days; col++, d++)
			draw_day(p, day[d - 1], d, y, r.x + 4 + col * 4);
	}
	draw_legend((struct rect){ .y = r.y + 9, .x = r.x, .h = 2, .w = 32 });
	if (!c->in_agenda)
		move(c->sel_y, c->sel_x);	/* the cursor on the selected day */
}

/* --- The week view ----------------------------------------------------------- */

struct week_rows {
	struct cache_row row[WEEK_ROWS_MAX];
	int n;
};

static int keep_row(void *ctx, const struct cache_row *row)
{
	struct week_rows *w = ctx;
	if (w->n < WEEK_ROWS_MAX)
		cache_row_copy(&w->row[w->n++], row);
	return 0;
}

/* One event on one day of the week: the day (on its first line), the local
 * time it starts ("all day", or "cont." on the days after its first), the
 * kind's letter in its colour, the title. */
static void draw_week_line(const struct cache_row *row, const char *day, bool later,
			   int y, struct rect r)
{
	char *when = when_local(row->occurs, false);
	const char *time = later ? "cont." : strlen(when) > 10 ? when + 11 : "all day";
	char *label = record_label(row->body);
	const char *kind = kind_of(row->body);
	char letter[2] = { calendar_kind_letter(kind), 0 };
	char *line = str_printf("%-10s %-7s %s %s", day, time, letter, label);
	draw_text(y, r.x, r.w, line, ATTR_PLAIN);
	if (r.w > 19)
		draw_text(y, r.x + 19, 1, letter, theme_attr(calendar_kind_role(kind)));
	free(line), free(label), free(when);
}

void calendar_draw_week(struct pane *p, struct rect r)
{
	struct calendar *c = p->state;
	int y, m, d;
	calendar_week_start(c, &y, &m, &d);
	char *from = calendar_day_after(y, m, d, 0), *to = calendar_day_after(y, m, d, 7);
	char *sunday = calendar_day_after(y, m, d, 6);
	char *head = str_printf("Week %d: %s to %s", calendar_iso_week(y, m, d), from, sunday);
	draw_text(r.y, r.x, r.w, head, theme_attr(ROLE_TITLE));
	struct week_rows *w = xmalloc(sizeof *w);
	w->n = 0;
	cache_events_between(p->ui->cache, from, to, WEEK_ROWS_MAX, keep_row, w, NULL);
	long monday = day_number(from);
	int line = 0;
	for (int i = 0; i < 7 && line < r.h - 1; i++) {
		char *day = calendar_day_after(y, m, d, i);
		bool first = true;
		for (int k = 0; k < w->n && line < r.h - 1; k++) {
			long a, b;
			occurrence_days(&w->row[k], &a, &b);
			if (a > monday + i || b < monday + i)
				continue;
			draw_week_line(&w->row[k], first ? day : "", a < monday + i,
				       r.y + 1 + line++, r);
			first = false;
		}
		free(day);
	}
	if (!line)
		draw_text(r.y + 1, r.x, r.w, "no events this week", theme_attr(ROLE_DIM));
	for (int k = 0; k < w->n; k++)
		cache_row_clear(&w->row[k]);
	free(w);
	move(r.y, r.x);
	free(head), free(from), free(to), free(sunday);
}
