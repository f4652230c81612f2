/*
 * iCalendar export (see ical.h): one VEVENT at a time, folded on character
 * boundaries.
 */
#include "ical.h"
#include "ical_internal.h"
#include "dates.h"
#include "record.h"
#include "util.h"
#include <libical/ical.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FOLD_OCTETS 75		/* RFC 5545 3.1: lines of at most 75 octets */
#define EXPORT_WINDOW 200	/* events read from the cache at a time */

const char *ical_str_of(const cJSON *doc, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* --- Writing lines ------------------------------------------------------- */

/* Writes one content line folded at FOLD_OCTETS octets, never inside a
 * UTF-8 character (RFC 5545 3.1 asks for that; some readers choke on it). */
static void put_folded(FILE *out, const char *s, size_t len)
{
	size_t room = FOLD_OCTETS;
	while (len > room) {
		size_t n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		if (n == 0)	/* not UTF-8 after all: cut where the octets say */
			n = room;
		fwrite(s, 1, n, out);
		fputs("\r\n ", out);
		s += n;
		len -= n;
		room = FOLD_OCTETS - 1;	/* the leading space counts */
	}
	fwrite(s, 1, len, out);
	fputs("\r\n", out);
}

/* Writes libical's text of a property folded anew. libical 3.0.16 never
 * splits a character, but when a line ends right at its fold it writes
 * "\r\r\n \n": a stray CR. Records hold no CR (validation refuses it), so
 * every CR is dropped and every newline before a space or tab unfolded. */
static void put_refolded(FILE *out, const char *text)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) {
			p++;
		} else if (*p == '\n') {
			put_folded(out, b.s, b.len);
			b.len = 0;
		} else {
			buf_add(&b, p, 1);
		}
	}
	if (b.len)
		put_folded(out, b.s, b.len);
	free(b.s);
}

/* --- Export ---------------------------------------------------------------- */

struct export_ctx {
	struct cache *c;
	FILE *out;
	long from, to;		/* day numbers; LONG_MIN, LONG_MAX when open */
	long seen;
	struct icaltimetype now;
};

/* A stored date or UTC date-time as libical's time. */
static struct icaltimetype ical_time(const char *when)
{
	struct icaltimetype t = icaltime_null_time();
	sscanf(when, "%4d-%2d-%2d", &t.year, &t.month, &t.day);
	t.is_date = strlen(when) == 10;
	if (!t.is_date) {
		sscanf(when + 11, "%2d:%2d:%2d", &t.hour, &t.minute, &t.second);
		t.zone = icaltimezone_get_utc_timezone();
	}
	return t;
}

/* Days since 1970 of t's day, by H. Hinnant's days_from_civil: libical's
 * icaltime_as_timet() gives up on years before 1902. */
static long day_number(struct icaltimetype t)
{
	int y = t.year - (t.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
	long doy = (153L * (t.month + (t.month > 2 ? -3 : 9)) + 2) / 5 + t.day - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The day number of the local day a stored date or date-time is on. */
static long local_day_number(const char *when)
{
	char *day = when_local_day(when);
	long n = day_number(ical_time(day));
	free(day);
	return n;
}

/* True when the event overlaps the range of local days, as the calendar
 * shows it (cache_events_between): for a yearly one, any occurrence (a 29
 * February occurs in leap years only, as RRULE:FREQ=YEARLY has it). */
static bool in_range(const struct export_ctx *x, const cJSON *doc)
{
	const char *end = ical_str_of(doc, "end"), *repeat = ical_str_of(doc, "repeat");
	char *day = when_local_day(ical_str_of(doc, "start"));
	struct icaltimetype t = ical_time(day);
	free(day);
	long first = day_number(t), span = end ? local_day_number(end) - first : 0;
	span = span > 0 ? span : 0;
	if (!repeat || strcmp(repeat, "yearly"))
		return first < x->to && first + span >= x->from;
	/* Jump to the year before the range starts (or before a long event reaches it). */
	long skip = x->from == LONG_MIN ? 0 : (x->from - span - first) / 366 - 1;
	for (t.year += skip > 0 ? (int)skip : 0; t.year <= 9999; t.year++) {
		if (t.month == 2 && t.day == 29 && !icaltime_is_leap_year(t.year))
			continue;
		long f = day_number(t);
		if (f >= x->to)
			return false;
		if (f + span >= x->from)
			return true;
	}
	return false;
}

/* DTEND is exclusive, noron's end is the last day (or the moment it ends):
 * a day-long end becomes the next midnight, as a date for all-day events. */
static void add_times(icalcomponent *ev, const cJSON *doc)
{
	const char *start = ical_str_of(doc, "start"), *end = ical_str_of(doc, "end");
	struct icaltimetype s = ical_time(start);
	icalcomponent_add_property(ev, icalproperty_new_dtstart(s));
	if (!end && !s.is_date)
		return;
	struct icaltimetype e = ical_time(end ? end : start);
	if (s.is_date || e.is_date) {
		e.is_date = 1;
		icaltime_adjust(&e, 1, 0, 0, 0);
		e.is_date = s.is_date;
		e.hour = e.minute = e.second = 0;
		e.zone = s.is_date ? NULL : icaltimezone_get_utc_timezone();
	}
	icalcomponent_add_property(ev, icalproperty_new_dtend(e));
}

static void add_text(icalcomponent *ev, icalproperty *(*make)(const char *), const char *v)
{
	if (v && *v)
		icalcomponent_add_property(ev, make(v));
}

/* A time stamp as noron keeps them: YYYY-MM-DDTHH:MM:SSZ. */
static bool stored_utc(const char *s)
{
	char *n = strlen(s) == 20 && s[10] == 'T' ? when_normalize(s, NULL) : NULL;
	bool ok = n && !strcmp(n, s);
	free(n);
	return ok;
}

static icalcomponent *vevent_of(const cJSON *doc, struct icaltimetype now)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	const char *uid = ical_str_of(doc, "uid");
	char *own = uid ? NULL : str_printf("%s@noron", record_id(doc));
	icalcomponent_add_property(ev, icalproperty_new_uid(uid ? uid : own));
	free(own);
	/* The last change: a re-export of an unchanged event is the same event. */
	const char *changed = ical_str_of(doc, "updated_at");
	changed = changed && stored_utc(changed) ? changed : ical_str_of(doc, "created_at");
	changed = changed && stored_utc(changed) ? changed : NULL;
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(changed ? ical_time(changed)
								  : now));
	if (changed)
		icalcomponent_add_property(ev, icalproperty_new_lastmodified(ical_time(changed)));
	add_text(ev, icalproperty_new_summary, ical_str_of(doc, "title"));
	add_times(ev, doc);
	const char *repeat = ical_str_of(doc, "repeat");
	if (repeat && !strcmp(repeat, "yearly")) {
		struct icalrecurrencetype r;
		icalrecurrencetype_clear(&r);
		r.freq = ICAL_YEARLY_RECURRENCE;
		icalcomponent_add_property(ev, icalproperty_new_rrule(r));
	}
	add_text(ev, icalproperty_new_location, ical_str_of(doc, "location"));
	add_text(ev, icalproperty_new_url, ical_str_of(doc, "url"));
	add_text(ev, icalproperty_new_description, ical_str_of(doc, "description"));
	return ev;
}

/* One value of a multi-valued TEXT property, escaped by RFC 5545 3.3.11. */
static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			buf_add(b, "\\", 1);
		buf_add(b, *s == '\n' ? "\\n" : s, *s == '\n' ? 2 : 1);
	}
}

/* CATEGORIES: the kind, then the areas' titles. Written here, not by
 * libical: 3.0.16 escapes no comma in CATEGORIES, so "Web, archives"
 * would come back as two categories. */
static char *categories_of(struct cache *c, const cJSON *doc)
{
	struct buf b = { 0 };
	buf_puts(&b, "CATEGORIES:");
	add_escaped(&b, ical_str_of(doc, "kind"));
	const cJSON *area;
	cJSON_ArrayForEach(area, cJSON_GetObjectItemCaseSensitive(doc, "areas")) {
		struct cache_doc a = { 0 };
		if (cJSON_IsString(area) && cache_get(c, area->valuestring, &a, NULL) > 0
		    && !a.deleted && ical_str_of(a.body, "title")) {
			buf_add(&b, ",", 1);
			add_escaped(&b, ical_str_of(a.body, "title"));
		}
		cache_doc_free(&a);
	}
	return buf_take(&b);
}

/* Prints a VEVENT property by property, so that each is folded anew. */
static void put_vevent(FILE *out, icalcomponent *ev, const char *categories)
{
	fputs("BEGIN:VEVENT\r\n", out);
	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY)) {
		char *s = icalproperty_as_ical_string_r(p);
		put_refolded(out, s);
		icalmemory_free_buffer(s);
	}
	put_folded(out, categories, strlen(categories));
	fputs("END:VEVENT\r\n", out);
}

static int export_row(void *ctx, const struct cache_row *row)
{
	struct export_ctx *x = ctx;
	x->seen++;
	if (!ical_str_of(row->body, "start") || !in_range(x, row->body))
		return 0;
	icalcomponent *ev = vevent_of(row->body, x->now);
	char *categories = categories_of(x->c, row->body);
	put_vevent(x->out, ev, categories);
	free(categories);
	icalcomponent_free(ev);
	return ferror(x->out) ? -1 : 0;
}

static int range_of(const struct ical_range *r, struct export_ctx *x, char **err)
{
	const struct field_def *kind = field_find(type_find("event"), "kind");
	const char *bad = r->from && !date_valid(r->from) ? r->from
		: r->to && !date_valid(r->to) ? r->to : NULL;
	if (bad)
		return err_set(err, "'%s' is not a date (YYYY-MM-DD)", bad);
	if (r->kind && enum_index(kind, r->kind) < 0)
		return err_set(err, "'%s' is not an event kind (meeting, conference, workshop, "
			       "visit, deadline)", r->kind);
	x->from = r->from ? day_number(ical_time(r->from)) : LONG_MIN;
	x->to = r->to ? day_number(ical_time(r->to)) : LONG_MAX;
	return 0;
}

static int export_events(struct export_ctx *x, const struct ical_range *r, char **err)
{
	struct cache_query q = { .type = type_find("event") };
	if (r->kind)
		q.match[0].field = "kind", q.match[0].value = r->kind;
	for (long offset = 0;; offset += EXPORT_WINDOW) {
		x->seen = 0;
		if (cache_query_rows(x->c, &q, offset, EXPORT_WINDOW, export_row, x, err))
			return err && *err ? -1 : err_set(err, "writing the calendar failed");
		if (x->seen < EXPORT_WINDOW)
			return 0;
	}
}

int ical_export(struct cache *c, FILE *out, const struct ical_range *r, char **err)
{
	static const struct ical_range all = { 0 };
	struct export_ctx x = { .c = c, .out = out,
		.now = icaltime_current_time_with_zone(icaltimezone_get_utc_timezone()) };
	if (range_of(r ? r : &all, &x, err))
		return -1;
	/* One read transaction: the calendar is one consistent picture. */
	if (sqlite3_exec(cache_db(c), "BEGIN", NULL, NULL, NULL))
		return cache_fail(c, "reading events", err);
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//NORON//noron//EN\r\n"
	      "CALSCALE:GREGORIAN\r\n", out);
	int rc = export_events(&x, r ? r : &all, err);
	sqlite3_exec(cache_db(c), "COMMIT", NULL, NULL, NULL);
	fputs("END:VCALENDAR\r\n", out);
	if (!rc && (fflush(out) || ferror(out)))
		rc = err_set(err, "writing the calendar failed");
	return rc;
}
