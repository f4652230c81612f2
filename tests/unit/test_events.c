/*
 * Unit tests of cache_events_between (model/query.c), the calendar's
 * question: which occurrences of events overlap a range of days in the
 * user's time zone. Each test works on a cache of its own; only the events
 * it adds (ids "event:t-...") are looked at, not the seed's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "record.h"
#include "tmp_cache.h"
#include "util.h"

/* An event "event:t-<key>" with fields set from name/value pairs (NULL ends them). */
static void add_event(struct fx *f, const char *key, ...)
{
	cJSON *doc = record_new(type_find("event"));
	char *id = str_printf("event:t-%s", key);
	cJSON_ReplaceItemInObject(doc, "_id", cJSON_CreateString(id));
	free(id);
	record_set(doc, "title", key, NULL);
	record_set(doc, "kind", "meeting", NULL);
	va_list ap;
	va_start(ap, key);
	fx_save_pairs(f, doc, ap);
	va_end(ap);
}

static int collect(void *ctx, const struct cache_row *row)
{
	struct buf *b = ctx;
	if (strncmp(row->id, "event:t-", 8))
		return 0;
	buf_printf(b, "%s%s %s..%s", b->len ? ", " : "", row->id + 8,
		   row->occurs ? row->occurs : "?", row->occurs_until ? row->occurs_until : "?");
	return 0;
}

/* The test's occurrences in [from, to), as "key start..end, ...". */
static char *between(struct fx *f, const char *from, const char *to, long limit)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	if (cache_events_between(f->c, from, to, limit, collect, &b, &f->err))
		fail_msg("cache_events_between: %s", f->err);
	return buf_take(&b);
}

#define assert_between(f, from, to, want) do { \
		char *got_ = between(f, from, to, -1); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

static void use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int setup(void **state)
{
	use_zone("UTC");
	return fx_setup(state);
}

static int teardown(void **state)
{
	use_zone("UTC");
	return fx_teardown(state);
}

/* Guards: a yearly event of 29 February occurs in leap years only (2016,
 * 2000-style centuries), never on a "29 February" of another year. */
static void test_yearly_29_february(void **state)
{
	struct fx *f = *state;
	add_event(f, "leap", "start", "2012-02-29", "repeat", "yearly", NULL);
	assert_between(f, "2012-01-01", "2013-01-01", "leap 2012-02-29..2012-02-29");
	assert_between(f, "2013-01-01", "2016-01-01", "");
	assert_between(f, "2016-02-01", "2016-03-01", "leap 2016-02-29..2016-02-29");
	assert_between(f, "2100-01-01", "2101-01-01", "");
	assert_between(f, "2400-02-29", "2400-03-01", "leap 2400-02-29..2400-02-29");
	assert_between(f, "2013-02-28", "2013-03-02", "");
}

/* Guards: a yearly event occurs on its date in every later year, not before
 * its first, and one that crosses the new year is in both years. */
static void test_yearly_occurrences(void **state)
{
	struct fx *f = *state;
	add_event(f, "annual", "start", "2012-04-01", "repeat", "yearly", NULL);
	add_event(f, "newyear", "start", "2012-12-30", "end", "2013-01-02", "repeat", "yearly",
		  NULL);
	assert_between(f, "2010-01-01", "2012-03-01", "");
	assert_between(f, "2014-03-01", "2014-05-01", "annual 2014-04-01..2014-04-01");
	assert_between(f, "2015-01-01", "2015-01-02", "newyear 2014-12-30..2015-01-02");
	assert_between(f, "2015-01-03", "2015-03-01", "");
}

/* Guards: an event of several days is in every range it overlaps, however
 * long ago it began, and in none it does not reach. */
static void test_multi_day_overlap(void **state)
{
	struct fx *f = *state;
	add_event(f, "conf", "start", "2012-05-30", "end", "2012-06-02", NULL);
	add_event(f, "year", "start", "2012-01-01", "end", "2012-12-31", NULL);
	assert_between(f, "2012-06-01", "2012-07-01",
		       "year 2012-01-01..2012-12-31, conf 2012-05-30..2012-06-02");
	assert_between(f, "2012-06-02", "2012-06-03",
		       "year 2012-01-01..2012-12-31, conf 2012-05-30..2012-06-02");
	assert_between(f, "2012-06-03", "2012-07-01", "year 2012-01-01..2012-12-31");
	assert_between(f, "2013-01-01", "2013-02-01", "");
	assert_between(f, "2012-05-31", "2012-06-01",
		       "year 2012-01-01..2012-12-31, conf 2012-05-30..2012-06-02");
}

/* Guards: from is inclusive, to exclusive; the limit counts occurrences in
 * order of their days. */
static void test_window_limits(void **state)
{
	struct fx *f = *state;
	add_event(f, "a", "start", "2012-06-01", NULL);
	add_event(f, "b", "start", "2012-06-02", NULL);
	add_event(f, "c", "start", "2012-06-03T09:00Z", NULL);
	assert_between(f, "2012-06-01", "2012-06-02", "a 2012-06-01..2012-06-01");
	assert_between(f, "2012-05-31", "2012-06-01", "");
	assert_between(f, "2012-06-03", "2012-06-04",
		       "c 2012-06-03T09:00:00Z..2012-06-03T09:00:00Z");
	assert_between(f, "2012-06-04", "2012-06-05", "");
	char *two = between(f, "2012-06-01", "2012-07-01", 2);
	assert_string_equal(two, "a 2012-06-01..2012-06-01, b 2012-06-02..2012-06-02");
	free(two);
}

/* Guards: a date-time is on the day it is in the user's time zone: 23:30
 * UTC on 3 May is 4 May in Helsinki, 02:00 UTC on 4 May still 3 May in New
 * York; an all-day date stays on its day in every zone. */
static void test_local_days(void **state)
{
	struct fx *f = *state;
	add_event(f, "late", "start", "2012-05-03T23:30Z", NULL);
	add_event(f, "early", "start", "2012-05-04T02:00Z", NULL);
	add_event(f, "allday", "start", "2012-05-04", NULL);
	assert_between(f, "2012-05-03", "2012-05-04",
		       "late 2012-05-03T23:30:00Z..2012-05-03T23:30:00Z");
	use_zone("Europe/Helsinki");
	assert_between(f, "2012-05-03", "2012-05-04", "");
	assert_between(f, "2012-05-04", "2012-05-05",
		       "allday 2012-05-04..2012-05-04, "
		       "late 2012-05-03T23:30:00Z..2012-05-03T23:30:00Z, "
		       "early 2012-05-04T02:00:00Z..2012-05-04T02:00:00Z");
	use_zone("America/New_York");
	assert_between(f, "2012-05-03", "2012-05-04",
		       "late 2012-05-03T23:30:00Z..2012-05-03T23:30:00Z, "
		       "early 2012-05-04T02:00:00Z..2012-05-04T02:00:00Z");
	assert_between(f, "2012-05-04", "2012-05-05", "allday 2012-05-04..2012-05-04");
}

/* Guards: an evening meeting that ends after local midnight reaches the
 * next local day, though in UTC it ends on the day it began. */
static void test_local_end_day(void **state)
{
	struct fx *f = *state;
	add_event(f, "evening", "start", "2012-05-03T19:00Z", "end", "2012-05-03T21:30Z", NULL);
	assert_between(f, "2012-05-04", "2012-05-05", "");
	use_zone("Europe/Helsinki");
	assert_between(f, "2012-05-04", "2012-05-05",
		       "evening 2012-05-03T19:00:00Z..2012-05-03T21:30:00Z");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_yearly_29_february),
		T(test_yearly_occurrences),
		T(test_multi_day_overlap),
		T(test_window_limits),
		T(test_local_days),
		T(test_local_end_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
