/*
 * Unit tests of iCalendar export and import (model/ical.c), each on a cache
 * file in its own temporary directory. Exports are read back with libical;
 * imports are inline .ics texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "tmp_cache.h"
#include "ical.h"
#include "record.h"
#include "util.h"

/* An event "event:<key>" with fields set from name/value pairs (NULL ends them), saved. */
static void add_event(struct fx *f, const char *key, ...)
{
	cJSON *doc = record_new(type_find("event"));
	char *id = str_printf("event:%s", key);
	cJSON_ReplaceItemInObject(doc, "_id", cJSON_CreateString(id));
	free(id);
	va_list ap;
	va_start(ap, key);
	fx_save_pairs(f, doc, ap);
	va_end(ap);
}

/* The export of range r (NULL: all) as a string. */
static char *export_text(struct fx *f, const struct ical_range *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (ical_export(f->c, out, r, &f->err))
		fail_msg("ical_export: %s", f->err);
	fclose(out);
	return text;
}

/* text with its folds (CRLF and a space) taken out. */
static char *unfold(const char *text)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	for (const char *p = text; *p; p++) {
		if (!strncmp(p, "\r\n ", 3))
			p += 2;
		else
			buf_add(&b, p, 1);
	}
	return buf_take(&b);
}

/* True when the unfolded text has the content line exactly. */
static bool has_line(const char *text, const char *line)
{
	char *u = unfold(text), *want = str_printf("\r\n%s\r\n", line);
	bool found = strstr(u, want) != NULL;
	free(u);
	free(want);
	return found;
}

#define assert_line(text, line) \
	do { if (!has_line(text, line)) fail_msg("no line '%s' in:\n%s", line, text); } while (0)

static int count_of(const char *text, const char *s)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, s)); p++)
		n++;
	return n;
}

/* Every physical line ends with CRLF, holds at most 75 octets, no CR and
 * only whole UTF-8 characters. */
static void assert_folded(const char *text)
{
	for (const char *p = text; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert_non_null(eol);
		char *line = str_printf("%.*s", (int)(eol - p), p);
		if (eol - p > 75 || strchr(line, '\r') || !text_is_clean(line, false))
			fail_msg("badly folded line (%d octets): '%s'", (int)(eol - p), line);
		free(line);
		p = eol + 2;
	}
}

/* The first VEVENT of an .ics text as libical reads it, checked for errors. */
static icalcomponent *parse_ics(const char *text, icalcomponent **root)
{
	*root = icalparser_parse_string(text);
	assert_non_null(*root);
	assert_null(icalcomponent_get_first_property(*root, ICAL_XLICERROR_PROPERTY));
	icalcomponent *ev = icalcomponent_get_first_component(*root, ICAL_VEVENT_COMPONENT);
	assert_non_null(ev);
	assert_null(icalcomponent_get_first_property(ev, ICAL_XLICERROR_PROPERTY));
	return ev;
}

static void import_ok(struct fx *f, const char *ics, struct ical_stats *st)
{
	if (ical_import(f->c, ics, "t.ics", st, &f->err))
		fail_msg("ical_import: %s", f->err);
}

static char *field_of(struct fx *f, const char *id, const char *name)
{
	struct cache_doc d;
	if (cache_get(f->c, id, &d, &f->err) != 1)
		fail_msg("no record %s", id);
	const cJSON *v = cJSON_GetObjectItem(d.body, name);
	char *s = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
	cache_doc_free(&d);
	return s;
}

#define assert_field(f, id, name, want) \
	do { char *got_ = field_of(f, id, name); const char *want_ = (want); \
	     if (want_ ? !got_ || strcmp(got_, want_) : got_ != NULL) \
		     fail_msg("%s %s: got '%s', want '%s'", id, name, got_ ? got_ : "(none)", \
			      want_ ? want_ : "(none)"); \
	     free(got_); } while (0)


#define ICS_HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//EN\r\n"
#define ICS_TAIL "END:VCALENDAR\r\n"
#define VEVENT(uid, rest) "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20120101T000000Z\r\n" \
	rest "END:VEVENT\r\n"

/* --- export ---------------------------------------------------------------- */

static void test_export_all_day(void **state)
{
	struct fx *f = *state;
	char *text = export_text(f, NULL);
	assert_int_equal(strncmp(text, "BEGIN:VCALENDAR\r\n", 17), 0);
	assert_line(text, "VERSION:2.0");
	assert_line(text, "PRODID:-//NORON//noron//EN");
	assert_int_equal(count_of(text, "BEGIN:VEVENT\r\n"), 5);
	assert_int_equal(count_of(text, "END:VEVENT\r\n"), 5);
	assert_non_null(strstr(text, "\r\nEND:VCALENDAR\r\n"));
	assert_line(text, "UID:event:2011-copenhagen@noron");
	/* 20-21 January, both days: DTEND is the day after the last */
	assert_line(text, "DTSTART;VALUE=DATE:20110120");
	assert_line(text, "DTEND;VALUE=DATE:20110122");
	/* no end: one day */
	assert_line(text, "DTSTART;VALUE=DATE:20110503");
	assert_line(text, "DTEND;VALUE=DATE:20110504");
	assert_non_null(strstr(text, "\r\nDTSTAMP:"));
	/* in start order */
	const char *order[] = { "2011-copenhagen@", "2011-stockholm@", "2011-noron-oslo@",
				"2011-visit-se-dk", "2012-it-managers" };
	for (int i = 1; i < 5; i++)
		assert_true(strstr(text, order[i - 1]) < strstr(text, order[i]));
	assert_folded(text);
	icalcomponent *root;
	icalcomponent *ev = parse_ics(text, &root);
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Meeting of the Nordic national libraries, Copenhagen");
	icalcomponent_free(root);
	free(text);
}

static void test_export_date_time(void **state)
{
	struct fx *f = *state;
	add_event(f, "dt", "title", "Video call", "kind", "meeting",
		  "start", "2012-05-03T10:00+02:00", "end", "2012-05-03T12:30+02:00", NULL);
	add_event(f, "open", "title", "Open end", "kind", "deadline",
		  "start", "2012-06-01T12:00:00Z", NULL);
	add_event(f, "mixed", "title", "Mixed", "kind", "visit",
		  "start", "2012-07-01T09:00:00Z", "end", "2012-07-02", NULL);
	struct ical_range r = { .from = "2012-05-01", .to = "2012-08-01" };
	char *text = export_text(f, &r);
	assert_int_equal(count_of(text, "BEGIN:VEVENT"), 3);
	assert_line(text, "DTSTART:20120503T080000Z");
	assert_line(text, "DTEND:20120503T103000Z");
	assert_line(text, "DTSTART:20120601T120000Z");
	assert_int_equal(count_of(text, "DTEND"), 2);	/* none for the open end */
	assert_line(text, "DTEND:20120703T000000Z");	/* the whole of 2 July */
	free(text);
}

/* The UIDs of an export, in order, joined by spaces. */
static char *uids_of(const char *text)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	for (const char *p = text; (p = strstr(p, "\r\nUID:"));) {
		p += 6;
		buf_printf(&b, "%s%.*s", b.len ? " " : "", (int)strcspn(p, "\r"), p);
	}
	return buf_take(&b);
}

static void assert_uids(struct fx *f, const struct ical_range *r, const char *want)
{
	char *text = export_text(f, r);
	char *got = uids_of(text);
	if (strcmp(got, want))
		fail_msg("range %s..%s kind %s: got '%s', want '%s'", r->from, r->to, r->kind, got,
			 want);
	free(got);
	free(text);
}

static void test_export_yearly_and_range(void **state)
{
	struct fx *f = *state;
	char *text = export_text(f, NULL);
	assert_line(text, "RRULE:FREQ=YEARLY");
	assert_int_equal(count_of(text, "RRULE"), 1);
	free(text);
	add_event(f, "leap", "title", "Leap day", "kind", "deadline", "start", "2012-02-29",
		  "repeat", "yearly", NULL);
	const char *yearly = "event:2012-it-managers-mo-i-rana@noron";
	assert_uids(f, &(struct ical_range){ .from = "2015-01-01", .to = "2016-01-01" },
		    yearly);
	assert_uids(f, &(struct ical_range){ .from = "2015-04-01", .to = "2015-04-02" }, yearly);
	assert_uids(f, &(struct ical_range){ .from = "2015-04-02", .to = "2016-01-01" }, "");
	assert_uids(f, &(struct ical_range){ .from = "2015-04-02", .to = "2016-04-01" },
		    "event:leap@noron");
	assert_uids(f, &(struct ical_range){ .from = "2015-04-02", .to = "2016-04-02" },
		    "event:leap@noron event:2012-it-managers-mo-i-rana@noron");
	assert_uids(f, &(struct ical_range){ .from = "2016-01-01", .to = "2016-03-01" },
		    "event:leap@noron");
	assert_uids(f, &(struct ical_range){ .to = "2012-01-01", .kind = "meeting" },
		    "event:2011-copenhagen@noron event:2011-stockholm@noron "
		    "event:2011-noron-oslo@noron");
	/* an event that began before the range and goes on into it */
	assert_uids(f, &(struct ical_range){ .from = "2011-01-21", .to = "2011-02-01" },
		    "event:2011-copenhagen@noron");
	/* before 1902, where libical's time_t conversion gives up */
	add_event(f, "old", "title", "Founded", "kind", "meeting", "start", "1811-10-08", NULL);
	assert_uids(f, &(struct ical_range){ .from = "1811-10-08", .to = "1811-10-09" },
		    "event:old@noron");
	assert_uids(f, &(struct ical_range){ .from = "1811-10-09", .to = "1900-01-01" }, "");
	assert_uids(f, &(struct ical_range){ .kind = "visit" },
		    "event:2011-visit-se-dk-web-harvesting@noron");
	assert_uids(f, &(struct ical_range){ .from = "2030-01-01", .kind = "visit" }, "");
	FILE *out = fopen("/dev/null", "w");
	assert_int_equal(ical_export(f->c, out, &(struct ical_range){ .from = "2011-13-01" },
				     &f->err), -1);
	assert_non_null(strstr(f->err, "2011-13-01"));
	assert_int_equal(ical_export(f->c, out, &(struct ical_range){ .kind = "party" },
				     &f->err), -1);
	assert_non_null(strstr(f->err, "party"));
	fclose(out);
}

/* Guards: the range is of local days, as the calendar shows them: at 23:30
 * UTC on 3 May an event is on 4 May in Helsinki. */
static void test_export_range_local_days(void **state)
{
	struct fx *f = *state;
	add_event(f, "late", "title", "Late call", "kind", "meeting",
		  "start", "2012-05-03T23:30:00Z", NULL);
	struct ical_range may3 = { .from = "2012-05-03", .to = "2012-05-04" };
	struct ical_range may4 = { .from = "2012-05-04", .to = "2012-05-05" };
	assert_uids(f, &may3, "event:late@noron");
	assert_uids(f, &may4, "");
	setenv("TZ", "Europe/Helsinki", 1);
	tzset();
	assert_uids(f, &may3, "");
	assert_uids(f, &may4, "event:late@noron");
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Guards: DTSTAMP and LAST-MODIFIED are the time the event last changed, not
 * the time of the export (RFC 5545 3.8.7.2), so two exports of an unchanged
 * event are the same and a calendar knows a newer revision. */
static void test_export_dtstamp_from_record(void **state)
{
	struct fx *f = *state;
	add_event(f, "stamp", "title", "Stamped", "kind", "meeting", "start", "2013-02-01", NULL);
	sqlite3_exec(cache_db(f->c), "UPDATE docs SET body = json_set(body, '$.updated_at',"
		     " '2013-01-02T03:04:05Z') WHERE id = 'event:stamp'", NULL, NULL, NULL);
	struct ical_range r = { .from = "2013-02-01", .to = "2013-02-02" };
	char *text = export_text(f, &r);
	assert_line(text, "DTSTAMP:20130102T030405Z");
	assert_line(text, "LAST-MODIFIED:20130102T030405Z");
	char *again = export_text(f, &r);
	assert_string_equal(text, again);
	free(again);
	free(text);
	sqlite3_exec(cache_db(f->c), "UPDATE docs SET body = json_set(body, '$.updated_at',"
		     " '2013-01-09T10:00:00Z') WHERE id = 'event:stamp'", NULL, NULL, NULL);
	text = export_text(f, &r);
	assert_line(text, "DTSTAMP:20130109T100000Z");
	assert_line(text, "LAST-MODIFIED:20130109T100000Z");
	free(text);
}

static void test_export_escaping(void **state)
{
	struct fx *f = *state;
	const char *desc = "Linje én\nLinje to; med, tegn \\ og \"sitat\"";
	add_event(f, "esc", "title", "Møte, plan; «nytt»", "kind", "meeting",
		  "start", "2013-01-10", "location", "Tromsø, Norge", "description", desc,
		  "url", "https://example.org/a?b=1&c=2;d", NULL);
	char *text = export_text(f, &(struct ical_range){ .from = "2013-01-01", .to = "2013-02-01" });
	assert_line(text, "SUMMARY:Møte\\, plan\\; «nytt»");
	assert_line(text, "LOCATION:Tromsø\\, Norge");
	assert_line(text, "DESCRIPTION:Linje én\\nLinje to\\; med\\, tegn \\\\ og \"sitat\"");
	assert_line(text, "URL:https://example.org/a?b=1&c=2;d");
	icalcomponent *root;
	icalcomponent *ev = parse_ics(text, &root);
	assert_string_equal(icalcomponent_get_summary(ev), "Møte, plan; «nytt»");
	assert_string_equal(icalcomponent_get_location(ev), "Tromsø, Norge");
	assert_string_equal(icalcomponent_get_description(ev), desc);
	icalcomponent_free(root);
	free(text);
}

static void test_export_folding(void **state)
{
	struct fx *f = *state;
	struct buf title = { 0 }, desc = { 0 };
	/* "a" and 36 "ø": libical 3.0.16 ends this line with a stray CR */
	buf_puts(&title, "a");
	for (int i = 0; i < 36; i++)
		buf_puts(&title, "ø");
	for (int i = 0; i < 12; i++)
		buf_puts(&desc, "Þórunn Ægisdóttir møtte Åsa i Tromsø; ");
	for (int i = 0; i < 40; i++)
		buf_puts(&desc, "北欧国立图书馆");
	buf_puts(&desc, "\n");
	for (int i = 0; i < 30; i++)
		buf_puts(&desc, "😀ø");
	add_event(f, "long", "title", title.s, "kind", "workshop", "start", "2014-02-02",
		  "location", "Mo i Rana, Nordland fylke, Noreg, ved Nasjonalbiblioteket si avdeling",
		  "description", desc.s, NULL);
	char *text = export_text(f, &(struct ical_range){ .from = "2014-02-01", .to = "2014-03-01" });
	assert_folded(text);
	assert_true(count_of(text, "\r\n ") > 20);
	icalcomponent *root;
	icalcomponent *ev = parse_ics(text, &root);
	assert_string_equal(icalcomponent_get_summary(ev), title.s);
	assert_string_equal(icalcomponent_get_description(ev), desc.s);
	icalcomponent_free(root);
	free(text);
	free(title.s);
	free(desc.s);
}

static void test_export_categories(void **state)
{
	struct fx *f = *state;
	cJSON *area = record_new(type_find("area"));
	cJSON_ReplaceItemInObject(area, "_id", cJSON_CreateString("area:web-archives"));
	assert_int_equal(record_set(area, "title", "Web, archives; \\more", &f->err), 0);
	assert_int_equal(cache_save(f->c, area, HIST_ADD, &f->err), 1);
	cJSON_Delete(area);
	add_event(f, "cat", "title", "Harvest", "kind", "workshop", "start", "2015-05-05",
		  "areas", "storage,web-archives,web-harvesting", NULL);
	char *text = export_text(f, &(struct ical_range){ .from = "2015-05-05", .to = "2015-05-06",
							  .kind = "workshop" });
	assert_line(text, "CATEGORIES:workshop,Storage,Web\\, archives\\; \\\\more,Web harvesting");
	free(text);
	text = export_text(f, &(struct ical_range){ .to = "2011-01-21" });
	assert_line(text, "CATEGORIES:meeting,Technical infrastructure,Digitization,"
		    "Digital preservation");
	free(text);
}

/* --- import ---------------------------------------------------------------- */

static const char conference_ics[] =
	ICS_HEAD
	"X-WR-CALNAME:iPRES 2012\r\n"
	VEVENT("ipres-2012-main@example.org",
	       "SUMMARY:iPRES 2012\\, main conference\r\n"
	       "DTSTART;VALUE=DATE:20121001\r\n"
	       "DTEND;VALUE=DATE:20121006\r\n"
	       "CATEGORIES:Conference,Preservation\r\n"
	       "LOCATION:Toronto\r\n"
	       "URL:https://ipres2012.example.org/\r\n"
	       "DESCRIPTION:Five days\\nof talks\r\n")
	VEVENT("ipres-2012-workshop@example.org",
	       "SUMMARY:Tutorial: emulation\r\n"
	       "DTSTART;TZID=Europe/Oslo:20121001T100000\r\n"
	       "DTEND;TZID=Europe/Oslo:20121001T113000\r\n"
	       "CATEGORIES:tutorial,WORKSHOP\r\n"
	       "URL:ftp://example.org/slides\r\n")
	VEVENT("ipres-2012-deadline@example.org",
	       "SUMMARY:Paper deadline\r\n"
	       "DTSTART:20120301T235959Z\r\n"
	       "RRULE:FREQ=YEARLY\r\n")
	VEVENT("ipres-2012-call@example.org",
	       "SUMMARY:Weekly call\r\n"
	       "DTSTART;TZID=Europe/Oslo:20120115T090000\r\n"
	       "DURATION:PT1H\r\n"
	       "RRULE:FREQ=WEEKLY;COUNT=10\r\n")
	"BEGIN:VTODO\r\nUID:todo-1\r\nSUMMARY:Book hotel\r\nEND:VTODO\r\n"
	ICS_TAIL;

static char *ics_id_of(struct fx *f, const char *uid)
{
	char *sql = str_printf("SELECT id FROM docs WHERE json_extract(body, '$.uid') = '%s'", uid);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(f->c), sql, -1, &st, NULL), SQLITE_OK);
	free(sql);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *id = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return id;
}

static void test_import_conference(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	import_ok(f, conference_ics, &st);
	assert_int_equal(st.added, 4);
	assert_int_equal(st.updated + st.unchanged, 0);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.first_only, 1);	/* the weekly call */
	char *main = ics_id_of(f, "ipres-2012-main@example.org");
	assert_int_equal(strncmp(main, "event:ics-", 10), 0);
	assert_int_equal(strlen(main), strlen("event:ics-") + 32);
	assert_field(f, main, "title", "iPRES 2012, main conference");
	assert_field(f, main, "kind", "conference");
	assert_field(f, main, "start", "2012-10-01");
	assert_field(f, main, "end", "2012-10-05");
	assert_field(f, main, "location", "Toronto");
	assert_field(f, main, "url", "https://ipres2012.example.org/");
	assert_field(f, main, "description", "Five days\nof talks");
	assert_field(f, main, "repeat", NULL);
	char *ws = ics_id_of(f, "ipres-2012-workshop@example.org");
	assert_field(f, ws, "kind", "workshop");
	/* Oslo in October is UTC+2 */
	assert_field(f, ws, "start", "2012-10-01T08:00:00Z");
	assert_field(f, ws, "end", "2012-10-01T09:30:00Z");
	assert_field(f, ws, "url", NULL);
	char *dl = ics_id_of(f, "ipres-2012-deadline@example.org");
	assert_field(f, dl, "kind", "meeting");
	assert_field(f, dl, "start", "2012-03-01T23:59:59Z");
	assert_field(f, dl, "end", NULL);
	assert_field(f, dl, "repeat", "yearly");
	char *call = ics_id_of(f, "ipres-2012-call@example.org");
	/* Oslo in January is UTC+1; a weekly rule keeps its first occurrence */
	assert_field(f, call, "start", "2012-01-15T08:00:00Z");
	assert_field(f, call, "end", "2012-01-15T09:00:00Z");
	assert_field(f, call, "repeat", NULL);
	free(main);
	free(ws);
	free(dl);
	free(call);
}

static void test_import_twice_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	import_ok(f, conference_ics, &st);
	long long docs = fx_number(f->c, "SELECT count(*) FROM docs");
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	import_ok(f, conference_ics, &st);
	assert_int_equal(st.added + st.updated, 0);
	assert_int_equal(st.unchanged, 4);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM docs"), docs);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM history"), hist);
	/* one batch: one undo takes the whole first import back */
	char *what = NULL;
	assert_int_equal(cache_undo(f->c, &what, &f->err), 1);
	free(what);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM docs WHERE id LIKE 'event:ics-%' "
			   "AND deleted = 0"), 0);
}

static void test_import_updates_by_uid(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	const char *one = ICS_HEAD VEVENT("x-1@example.org",
		"SUMMARY:Before\r\nDTSTART;VALUE=DATE:20130101\r\nLOCATION:Here\r\n") ICS_TAIL;
	const char *two = ICS_HEAD VEVENT("x-1@example.org",
		"SUMMARY:After\r\nDTSTART;VALUE=DATE:20130102\r\nCATEGORIES:visit\r\n") ICS_TAIL;
	import_ok(f, one, &st);
	char *id = ics_id_of(f, "x-1@example.org");
	import_ok(f, two, &st);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.added, 0);
	assert_field(f, id, "title", "After");
	assert_field(f, id, "start", "2013-01-02");
	assert_field(f, id, "kind", "visit");
	assert_field(f, id, "location", NULL);
	free(id);
	/* a noron UID updates the event it came from, host and areas kept */
	const char *own = ICS_HEAD VEVENT("event:2011-noron-oslo@noron",
		"SUMMARY:NORON meeting\\, Oslo (moved)\r\nDTSTART;VALUE=DATE:20110504\r\n") ICS_TAIL;
	import_ok(f, own, &st);
	assert_int_equal(st.updated, 1);
	assert_field(f, "event:2011-noron-oslo", "title", "NORON meeting, Oslo (moved)");
	assert_field(f, "event:2011-noron-oslo", "kind", "meeting");
	assert_field(f, "event:2011-noron-oslo", "host", "institution:nb-no");
	assert_field(f, "event:2011-noron-oslo", "uid", NULL);
	assert_field(f, "event:2011-noron-oslo", "location", NULL);
}

static void test_import_times(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	const char *ics = ICS_HEAD
		"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"
		"BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\n"
		"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
		"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
		"BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\n"
		"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
		"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
		"END:VTIMEZONE\r\n"
		VEVENT("t-windows", "SUMMARY:Outlook\r\n"
		       "DTSTART;TZID=W. Europe Standard Time:20120702T140000\r\n"
		       "DTEND;TZID=W. Europe Standard Time:20121202T150000\r\n")
		VEVENT("t-floating", "SUMMARY:Floating\r\nDTSTART:20120702T140000\r\n")
		VEVENT("t-oneday", "SUMMARY:One day\r\nDTSTART;VALUE=DATE:20120910\r\n"
		       "DTEND;VALUE=DATE:20120911\r\n")
		VEVENT("t-duration", "SUMMARY:Two days\r\nDTSTART;VALUE=DATE:20120910\r\n"
		       "DURATION:P2D\r\n")
		VEVENT("t-prefix", "SUMMARY:libical's prefix\r\n"
		       "DTSTART;TZID=/freeassociation.sourceforge.net/Europe/Helsinki:"
		       "20120110T120000\r\n")
		ICS_TAIL;
	import_ok(f, ics, &st);
	assert_int_equal(st.added, 5);
	assert_int_equal(st.skipped, 0);	/* a VTIMEZONE is not counted */
	const struct { const char *uid, *start, *end; } want[] = {
		{ "t-windows", "2012-07-02T12:00:00Z", "2012-12-02T14:00:00Z" },
		{ "t-floating", "2012-07-02T14:00:00Z", NULL },
		{ "t-oneday", "2012-09-10", NULL },
		{ "t-duration", "2012-09-10", "2012-09-11" },
		{ "t-prefix", "2012-01-10T10:00:00Z", NULL },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char *id = ics_id_of(f, want[i].uid);
		assert_field(f, id, "start", want[i].start);
		assert_field(f, id, "end", want[i].end);
		free(id);
	}
}

static void test_import_text_fields(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	const char *ics = ICS_HEAD
		VEVENT("u-1", "DTSTART;VALUE=DATE:20120101\r\n")
		VEVENT("u-2", "SUMMARY:Two\\nlines\\, one field\r\nDTSTART;VALUE=DATE:20120101\r\n"
		       "DESCRIPTION:a\\;b\\\\c\\nd\r\nURL:mailto:x@example.org\r\n")
		"BEGIN:VEVENT\r\nSUMMARY:No UID\r\nDTSTART:20120101T100000Z\r\nEND:VEVENT\r\n"
		ICS_TAIL;
	import_ok(f, ics, &st);
	assert_int_equal(st.added, 3);
	char *id = ics_id_of(f, "u-1");
	assert_field(f, id, "title", "(untitled)");
	assert_field(f, id, "kind", "meeting");
	free(id);
	id = ics_id_of(f, "u-2");
	assert_field(f, id, "title", "Two lines, one field");
	assert_field(f, id, "description", "a;b\\c\nd");
	assert_field(f, id, "url", NULL);
	free(id);
	/* without a UID: found again by title and start */
	import_ok(f, ics, &st);
	assert_int_equal(st.unchanged, 3);
}

static void test_import_skips(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	const char *ics = ICS_HEAD
		"BEGIN:VTODO\r\nUID:a\r\nEND:VTODO\r\n"
		"BEGIN:VJOURNAL\r\nUID:b\r\nEND:VJOURNAL\r\n"
		"BEGIN:VFREEBUSY\r\nUID:c\r\nEND:VFREEBUSY\r\n"
		VEVENT("r-1", "SUMMARY:Series\r\nDTSTART:20120101T100000Z\r\nRRULE:FREQ=YEARLY\r\n"
		       "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:x\r\n"
		       "END:VALARM\r\n")
		VEVENT("r-1", "SUMMARY:Moved once\r\nRECURRENCE-ID:20130101T100000Z\r\n"
		       "DTSTART:20130102T100000Z\r\n")
		ICS_TAIL;
	import_ok(f, ics, &st);
	assert_int_equal(st.added, 1);
	assert_int_equal(st.skipped, 4);
	char *id = ics_id_of(f, "r-1");
	assert_field(f, id, "title", "Series");
	free(id);
}

/* Guards: only a yearly rule for ever (BYMONTH and BYMONTHDAY no more than
 * DTSTART's date) makes a yearly event; COUNT, UNTIL, INTERVAL, other
 * frequencies, other days and added or excluded dates make an event of the
 * first occurrence, and the import counts them; COUNT=1 is one occurrence. */
static void test_import_recurrence_rules(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	static const struct { const char *uid, *rule, *repeat; } cases[] = {
		{ "plain", "RRULE:FREQ=YEARLY", "yearly" },
		{ "same-date", "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1", "yearly" },
		{ "same-month", "RRULE:FREQ=YEARLY;INTERVAL=1;BYMONTH=3", "yearly" },
		{ "count", "RRULE:FREQ=YEARLY;COUNT=3", NULL },
		{ "until", "RRULE:FREQ=YEARLY;UNTIL=20150101T000000Z", NULL },
		{ "interval", "RRULE:FREQ=YEARLY;INTERVAL=2", NULL },
		{ "weekly", "RRULE:FREQ=WEEKLY", NULL },
		{ "monthly", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1", NULL },
		{ "other-month", "RRULE:FREQ=YEARLY;BYMONTH=4", NULL },
		{ "last-sunday", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", NULL },
		{ "exdate", "RRULE:FREQ=YEARLY\r\nEXDATE:20140301T100000Z", NULL },
		{ "rdate", "RDATE:20130401T100000Z", NULL },
		{ "once", "RRULE:FREQ=YEARLY;COUNT=1", NULL },
	};
	struct buf ics = { 0 };
	buf_puts(&ics, ICS_HEAD);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		buf_printf(&ics, "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20120101T000000Z\r\n"
			   "SUMMARY:%s\r\nDTSTART:20120301T100000Z\r\n%s\r\nEND:VEVENT\r\n",
			   cases[i].uid, cases[i].uid, cases[i].rule);
	buf_puts(&ics, ICS_TAIL);
	import_ok(f, ics.s, &st);
	assert_int_equal(st.added, 13);
	assert_int_equal(st.first_only, 9);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *id = ics_id_of(f, cases[i].uid);
		assert_field(f, id, "repeat", cases[i].repeat);
		assert_field(f, id, "start", "2012-03-01T10:00:00Z");
		free(id);
	}
	/* An event that was yearly and comes again with a rule noron cannot keep
	 * stops repeating. */
	const char *again = ICS_HEAD VEVENT("plain", "SUMMARY:plain\r\nDTSTART:20120301T100000Z\r\n"
					    "RRULE:FREQ=YEARLY;COUNT=2\r\n") ICS_TAIL;
	import_ok(f, again, &st);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.first_only, 1);
	char *id = ics_id_of(f, "plain");
	assert_field(f, id, "repeat", "none");
	free(id);
	free(ics.s);
}

/* The import is refused with a message holding each of the texts, and the
 * cache is as it was. */
static void assert_refused(struct fx *f, const char *ics, const char *text1, const char *text2)
{
	long long docs = fx_number(f->c, "SELECT count(*) FROM docs");
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	struct ical_stats st = { 1, 1, 1, 1, 1 };
	if (ical_import(f->c, ics, "bad.ics", &st, &f->err) != -1)
		fail_msg("not refused: %s", ics);
	if (!strstr(f->err, text1) || (text2 && !strstr(f->err, text2)))
		fail_msg("message '%s' should hold '%s' and '%s'", f->err, text1, text2);
	assert_int_equal(strncmp(f->err, "bad.ics: ", 9), 0);
	assert_null(strchr(f->err, '\n'));
	assert_int_equal(st.added + st.updated + st.unchanged + st.skipped + st.first_only, 0);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM docs"), docs);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM history"), hist);
}

#define GOOD VEVENT("good", "SUMMARY:Good\r\nDTSTART:20120101T100000Z\r\n")

static void test_import_broken(void **state)
{
	struct fx *f = *state;
	assert_refused(f, ICS_HEAD GOOD "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20120101\r\n"
		       "END:VTODO\r\n" ICS_TAIL, "line 13:", "END:VTODO");
	assert_refused(f, ICS_HEAD GOOD "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20120101\r\n",
		       "line 12:", "ends inside BEGIN:VEVENT of line 10");
	assert_refused(f, ICS_HEAD GOOD "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\n"
		       "END:VEVENT\r\n" ICS_TAIL, "line 12:", "DTSTART");
	assert_refused(f, ICS_HEAD GOOD "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:No start\r\n"
		       "END:VEVENT\r\n" ICS_TAIL, "line 10:", "without DTSTART");
	assert_refused(f, ICS_HEAD GOOD "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20120101\r\n"
		       "SUMMARY\r\nEND:VEVENT\r\n" ICS_TAIL, "line 13:", NULL);
	assert_refused(f, "Hello\r\n" ICS_HEAD ICS_TAIL, "line 1:", "outside");
	assert_refused(f, "{\"noron\": \"export\"}\n", "line 1:", NULL);
	assert_refused(f, "", "no BEGIN:VCALENDAR", NULL);
	assert_refused(f, "BEGIN:VEVENT\r\nDTSTART:20120101\r\nEND:VEVENT\r\n", "line 1:",
		       "outside a VCALENDAR");
	assert_refused(f, ICS_HEAD GOOD VEVENT("tz", "DTSTART;TZID=Mars/Olympus:20120101T100000\r\n")
		       ICS_TAIL, "line 10:", "Mars/Olympus");
	assert_refused(f, ICS_HEAD GOOD VEVENT("back", "DTSTART:20120102T100000Z\r\n"
		       "DTEND:20120101T100000Z\r\n") ICS_TAIL, "line 10:", "'end'");
}

static void test_import_untrusted_text(void **state)
{
	struct fx *f = *state;
	/* C0 controls: libical would drop them without a word */
	assert_refused(f, ICS_HEAD GOOD VEVENT("esc", "SUMMARY:Red \x1b[31m alert\r\n"
		       "DTSTART:20120101T100000Z\r\n") ICS_TAIL, "line 13:", "SUMMARY");
	assert_refused(f, ICS_HEAD GOOD VEVENT("cr", "LOCATION:a\rb\r\n"
		       "DTSTART:20120101T100000Z\r\n") ICS_TAIL, "line 13:", "LOCATION");
	/* DEL, a C1 control and broken UTF-8 reach the record's check */
	assert_refused(f, ICS_HEAD GOOD VEVENT("del", "SUMMARY:a\x7f b\r\n"
		       "DTSTART:20120101T100000Z\r\n") ICS_TAIL, "line 10:", "'title'");
	assert_refused(f, ICS_HEAD GOOD VEVENT("c1", "DESCRIPTION:a\xc2\x9b" "31m\r\n"
		       "DTSTART:20120101T100000Z\r\n") ICS_TAIL, "line 10:", "'description'");
	assert_refused(f, ICS_HEAD GOOD VEVENT("utf8", "LOCATION:Troms\xf8\r\n"
		       "DTSTART:20120101T100000Z\r\n") ICS_TAIL, "line 10:", "'location'");
}

/* Google writes empty properties, Windows tools a byte order mark, some
 * writers bare LF line ends and several calendars in one file. */
static void test_import_as_written_elsewhere(void **state)
{
	struct fx *f = *state;
	struct ical_stats st;
	const char *ics = "\xEF\xBB\xBF" ICS_HEAD
		VEVENT("g-1@google.com", "SUMMARY:Empty ones\r\nDTSTART:20120101T100000Z\r\n"
		       "LOCATION:\r\nDESCRIPTION:\r\nX-GOOGLE-CONFERENCE:https://meet\r\n")
		ICS_TAIL
		"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:lf-1\nSUMMARY:LF only\n"
		"DTSTART;VALUE=DATE:20120202\nEND:VEVENT\nEND:VCALENDAR\n";
	import_ok(f, ics, &st);
	assert_int_equal(st.added, 2);
	char *id = ics_id_of(f, "g-1@google.com");
	assert_field(f, id, "location", NULL);
	assert_field(f, id, "description", NULL);
	free(id);
	id = ics_id_of(f, "lf-1");
	assert_field(f, id, "title", "LF only");
	free(id);
	/* an empty DTSTART is no start */
	assert_refused(f, ICS_HEAD GOOD VEVENT("e", "SUMMARY:x\r\nDTSTART:\r\n") ICS_TAIL,
		       "line 10:", "without DTSTART");
}

/* --- round trip ------------------------------------------------------------ */

struct events {
	int n;
	cJSON *docs[32];
};

static int collect(void *ctx, const struct cache_row *row)
{
	struct events *e = ctx;
	assert_true(e->n < 32);
	e->docs[e->n++] = cJSON_Duplicate(row->body, 1);
	return 0;
}

static void events_of(struct fx *f, struct events *e)
{
	e->n = 0;
	assert_int_equal(cache_list(f->c, type_find("event"), NULL, 0, -1, collect, e, &f->err), 0);
}

static void events_free(struct events *e)
{
	for (int i = 0; i < e->n; i++)
		cJSON_Delete(e->docs[i]);
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	add_event(f, "dt", "title", "Video call; «a», b", "kind", "visit",
		  "start", "2012-05-03T10:00+02:00", "end", "2012-05-03T12:30+02:00",
		  "url", "https://example.org/x", "location", "Online", NULL);
	char *text = export_text(f, NULL);
	struct events a, b;
	events_of(f, &a);
	/* into an empty cache */
	cache_close(f->c);
	unlink(f->path);
	assert_int_equal(cache_open(f->path, CACHE_CREATE, &f->c, &f->err), 0);
	struct ical_stats st;
	import_ok(f, text, &st);
	assert_int_equal(st.added, a.n);
	events_of(f, &b);
	assert_int_equal(a.n, b.n);
	static const char *const fields[] = { "_id", "title", "kind", "start", "end", "repeat",
					      "location", "url", "description", "uid" };
	for (int i = 0; i < a.n; i++)
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
			cJSON *x = cJSON_GetObjectItem(a.docs[i], fields[k]);
			cJSON *y = cJSON_GetObjectItem(b.docs[i], fields[k]);
			if (!(x ? y && cJSON_Compare(x, y, 1) : !y))
				fail_msg("%s: field %s differs", record_id(a.docs[i]), fields[k]);
		}
	/* exported again: the same UIDs */
	char *again = export_text(f, NULL);
	char *u1 = uids_of(text), *u2 = uids_of(again);
	assert_string_equal(u1, u2);
	free(u1);
	free(u2);
	free(again);
	events_free(&a);
	events_free(&b);
	free(text);
}

static void test_reimport_own_export(void **state)
{
	struct fx *f = *state;
	char *text = export_text(f, NULL);
	long long hist = fx_number(f->c, "SELECT count(*) FROM history");
	struct ical_stats st;
	import_ok(f, text, &st);
	assert_int_equal(st.unchanged, 5);
	assert_int_equal(st.added + st.updated + st.skipped, 0);
	assert_int_equal(fx_number(f->c, "SELECT count(*) FROM history"), hist);
	free(text);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_export_all_day),
		T(test_export_date_time),
		T(test_export_yearly_and_range),
		T(test_export_range_local_days),
		T(test_export_dtstamp_from_record),
		T(test_export_escaping),
		T(test_export_folding),
		T(test_export_categories),
		T(test_import_conference),
		T(test_import_twice_changes_nothing),
		T(test_import_updates_by_uid),
		T(test_import_times),
		T(test_import_text_fields),
		T(test_import_skips),
		T(test_import_recurrence_rules),
		T(test_import_broken),
		T(test_import_untrusted_text),
		T(test_import_as_written_elsewhere),
		T(test_round_trip),
		T(test_reimport_own_export),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* libical keeps its time zones and a ring of buffers until told */
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
	return rc;
}
