/*
 * Unit tests of model/dates.c: which dates are real, and how date-times with
 * an offset are stored (UTC, YYYY-MM-DDTHH:MM:SSZ).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"

/* A date is real when the C library's calendar does not move it. */
static bool calendar_has(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

/* when_normalize, with its error message checked and freed. */
static char *normalize(const char *s, char **err)
{
	*err = NULL;
	return when_normalize(s, err);
}

/* Guards: the well-known leap year cases, including the century rules. */
static void test_date_valid_leap_years(void **state)
{
	(void)state;
	assert_true(date_valid("2012-02-29"));
	assert_false(date_valid("2011-02-29"));
	assert_true(date_valid("2000-02-29"));
	assert_false(date_valid("1900-02-29"));
	assert_false(date_valid("2100-02-29"));
	assert_true(date_valid("2400-02-29"));
	assert_true(date_valid("1900-02-28"));
}

/* Guards: days past a month's end are refused, the last day kept. */
static void test_date_valid_month_ends(void **state)
{
	(void)state;
	assert_false(date_valid("2011-02-30"));
	assert_false(date_valid("2012-02-30"));
	assert_false(date_valid("2011-04-31"));
	assert_true(date_valid("2011-04-30"));
	assert_true(date_valid("2011-12-31"));
	assert_false(date_valid("2011-12-32"));
	assert_false(date_valid("2011-13-01"));
	assert_false(date_valid("2011-00-10"));
	assert_false(date_valid("2011-01-00"));
	assert_false(date_valid("0000-01-01"));
}

/* Guards: date_valid agrees with the C library's calendar for every day of 1896-2104. */
static void test_date_valid_matches_calendar(void **state)
{
	(void)state;
	int mismatches = 0, valid = 0;
	for (int y = 1896; y <= 2104; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				char s[16];
				snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
				bool want = calendar_has(y, m, d);
				valid += want;
				if (date_valid(s) != want) {
					if (mismatches++ < 5)
						print_error("date_valid(%s) != %d\n", s, want);
				}
			}
	assert_int_equal(mismatches, 0);
	assert_true(valid > 365 * 200);
}

/* Guards: wrong lengths, separators and non-digits are refused. */
static void test_date_valid_bad_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "2012", "2012-01", "2012-1-01", "2012-01-1", "12-01-01", "2012-01-010",
		"02012-01-01", "2012/01/01", "2012.01.01", "2012_01_01", "20120101",
		"2012-01-01 ", " 2012-01-01", "2012-01-01T", "2012-01-01T10:00Z",
		"2012-0a-01", "+012-01-01", "2012--1-01", "2012-01--1", "２０１２-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (date_valid(bad[i]))
			print_error("accepted: '%s'\n", bad[i]);
		assert_false(date_valid(bad[i]));
	}
}

/* Guards: a plain date comes back unchanged, as a new string. */
static void test_when_keeps_dates(void **state)
{
	(void)state;
	char *err;
	const char *in = "2012-02-29";
	char *out = normalize(in, &err);
	assert_non_null(out);
	assert_ptr_not_equal(out, in);
	assert_string_equal(out, in);
	assert_null(err);
	free(out);
}

/* Guards: a positive offset is subtracted to give UTC, seconds added when left out. */
static void test_when_offset_to_utc(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "2012-06-01T10:00+02:00", "2012-06-01T08:00:00Z" },
		{ "2012-06-01T10:00:30+02:00", "2012-06-01T08:00:30Z" },
		{ "2012-06-01T10:00-05:30", "2012-06-01T15:30:00Z" },
		{ "2012-06-01 10:00+01:00", "2012-06-01T09:00:00Z" },
		{ "2012-06-01T10:00+00:00", "2012-06-01T10:00:00Z" },
		{ "2012-06-01T10:00-00:00", "2012-06-01T10:00:00Z" },
		{ "2012-06-01T12:00+14:00", "2012-05-31T22:00:00Z" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err;
		char *out = normalize(cases[i].in, &err);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		assert_null(err);
		free(out);
	}
}

/* Guards: offsets that cross midnight, a month, a year and 29 February move the date. */
static void test_when_across_day_boundary(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "2012-01-01T00:30+01:00", "2011-12-31T23:30:00Z" },
		{ "2011-12-31T23:30-01:00", "2012-01-01T00:30:00Z" },
		{ "2012-02-28T23:30-01:00", "2012-02-29T00:30:00Z" },
		{ "2011-02-28T23:30-01:00", "2011-03-01T00:30:00Z" },
		{ "2012-03-01T01:00+02:00", "2012-02-29T23:00:00Z" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err;
		char *out = normalize(cases[i].in, &err);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

/* Guards: a Z date-time is kept (seconds added if left out) and stays a fixed point. */
static void test_when_z_kept(void **state)
{
	(void)state;
	char *err;
	char *a = normalize("2012-06-01T10:20:30Z", &err);
	char *b = normalize("2012-06-01T10:20Z", &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, "2012-06-01T10:20:30Z");
	assert_string_equal(b, "2012-06-01T10:20:00Z");
	char *again = normalize(a, &err);
	assert_non_null(again);
	assert_string_equal(again, a);
	free(a);
	free(b);
	free(again);
}

/* Guards: every offset of the world's zones is converted consistently with the C library. */
static void test_when_matches_timegm(void **state)
{
	(void)state;
	struct tm base = { .tm_year = 112, .tm_mon = 2, .tm_mday = 1, .tm_hour = 0, .tm_min = 15 };
	time_t local = timegm(&base);
	for (int q = -12 * 4; q <= 14 * 4; q++) {
		int off = q * 15;	/* minutes east of UTC */
		char in[40], want[40], *err;
		snprintf(in, sizeof in, "2012-03-01T00:15%c%02d:%02d", off < 0 ? '-' : '+',
			 abs(off) / 60, abs(off) % 60);
		time_t t = local - off * 60;
		struct tm u;
		gmtime_r(&t, &u);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &u);
		char *out = normalize(in, &err);
		assert_non_null(out);
		assert_string_equal(out, want);
		free(out);
	}
}

/* Guards: impossible hours, minutes, seconds and dates are refused with a message. */
static void test_when_bad_times(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2012-06-01T24:00Z", "2012-06-01T10:60Z", "2012-06-01T10:00:60Z",
		"2012-06-01T1:00Z", "2012-06-01T10:0Z", "2012-06-01T10Z", "2012-06-01T10:00:5Z",
		"2011-02-29T10:00Z", "2012-13-01T10:00Z", "2012-06-01X10:00Z", "2012-06-01T10.00Z",
		"2012-06-01T-1:00Z", "2012-06-01Taa:bbZ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err;
		char *out = normalize(bad[i], &err);
		if (out)
			print_error("accepted '%s' as '%s'\n", bad[i], out);
		assert_null(out);
		assert_non_null(err);
		assert_non_null(strstr(err, bad[i]));
		free(err);
	}
}

/* Guards: missing, malformed or out-of-range offsets are refused with a message. */
static void test_when_bad_offsets(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2012-06-01T10:00", "2012-06-01T10:00:00", "2012-06-01T10:00z",
		"2012-06-01T10:00+1:00", "2012-06-01T10:00+0100", "2012-06-01T10:00+01",
		"2012-06-01T10:00+15:00", "2012-06-01T10:00+01:60", "2012-06-01T10:00+01:00Z",
		"2012-06-01T10:00ZZ", "2012-06-01T10:00 +01:00", "2012-06-01T10:00*01:00",
		"2012-06-01T10:00+01:00 ", "2012-06-01T10:00-99:00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err;
		char *out = normalize(bad[i], &err);
		if (out)
			print_error("accepted '%s' as '%s'\n", bad[i], out);
		assert_null(out);
		assert_non_null(err);
		assert_true(strlen(err) > strlen(bad[i]));
		free(err);
	}
}

/* Guards: neither dates nor date-times (empty, words, short) are refused with a message. */
static void test_when_not_a_date(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "tomorrow", "2012-06", "2012-06-01T", "10:00Z" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *err;
		char *out = normalize(bad[i], &err);
		assert_null(out);
		assert_non_null(err);
		free(err);
	}
}

/* Guards: a refused value with err NULL neither crashes nor leaks. */
static void test_when_err_null(void **state)
{
	(void)state;
	assert_null(when_normalize("2012-06-01T25:00Z", NULL));
	char *ok = when_normalize("2012-06-01T10:00+01:00", NULL);
	assert_non_null(ok);
	free(ok);
}

/* Guards: a message left by an earlier failure is replaced, not leaked. */
static void test_when_err_replaced(void **state)
{
	(void)state;
	char *err = NULL;
	assert_null(when_normalize("bad-one", &err));
	assert_non_null(strstr(err, "bad-one"));
	assert_null(when_normalize("bad-two", &err));
	assert_non_null(strstr(err, "bad-two"));
	assert_null(strstr(err, "bad-one"));
	free(err);
}

static void use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Guards: a stored UTC date-time is shown in the user's zone, with its
 * abbreviation when asked; a date and a text that is no time stay as they are. */
static void test_when_local(void **state)
{
	(void)state;
	static const struct { const char *tz, *in, *out; bool zone; } cases[] = {
		{ "Europe/Helsinki", "2012-05-03T23:30:00Z", "2012-05-04 02:30 EEST", true },
		{ "Europe/Helsinki", "2012-01-03T23:30:00Z", "2012-01-04 01:30", false },
		{ "Europe/Oslo", "2012-05-03T23:30:00Z", "2012-05-04 01:30 CEST", true },
		{ "America/New_York", "2012-05-04T02:00:00Z", "2012-05-03 22:00 EDT", true },
		{ "UTC", "2012-05-03T23:30:00Z", "2012-05-03 23:30 UTC", true },
		{ "Europe/Helsinki", "2012-05-03", "2012-05-03", true },
		{ "Europe/Helsinki", "next week", "next week", true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		use_zone(cases[i].tz);
		char *out = when_local(cases[i].in, cases[i].zone);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	use_zone("UTC");
}

/* Guards: the local day of a date-time moves with the zone, across a month
 * and a year; a date is its own day in every zone. */
static void test_when_local_day(void **state)
{
	(void)state;
	static const struct { const char *tz, *in, *out; } cases[] = {
		{ "Europe/Helsinki", "2012-05-03T23:30:00Z", "2012-05-04" },
		{ "UTC", "2012-05-03T23:30:00Z", "2012-05-03" },
		{ "Europe/Helsinki", "2012-12-31T22:30:00Z", "2013-01-01" },
		{ "America/New_York", "2012-03-01T03:00:00Z", "2012-02-29" },
		{ "Pacific/Kiritimati", "2012-05-03T10:00:00Z", "2012-05-04" },
		{ "America/New_York", "2012-05-04", "2012-05-04" },
		{ "Europe/Helsinki", "2012-05-04", "2012-05-04" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		use_zone(cases[i].tz);
		char *out = when_local_day(cases[i].in);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	use_zone("UTC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid_leap_years),
		cmocka_unit_test(test_date_valid_month_ends),
		cmocka_unit_test(test_date_valid_matches_calendar),
		cmocka_unit_test(test_date_valid_bad_shapes),
		cmocka_unit_test(test_when_keeps_dates),
		cmocka_unit_test(test_when_offset_to_utc),
		cmocka_unit_test(test_when_across_day_boundary),
		cmocka_unit_test(test_when_z_kept),
		cmocka_unit_test(test_when_matches_timegm),
		cmocka_unit_test(test_when_bad_times),
		cmocka_unit_test(test_when_bad_offsets),
		cmocka_unit_test(test_when_not_a_date),
		cmocka_unit_test(test_when_err_null),
		cmocka_unit_test(test_when_err_replaced),
		cmocka_unit_test(test_when_local),
		cmocka_unit_test(test_when_local_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
