/*
 * Parsing and normalising ISO 8601 dates (see dates.h).
 */
#include "dates.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool parse_date(const char *s, int *y, int *m, int *d)
{
	return digits(s, 4, y) && s[4] == '-' && digits(s + 5, 2, m) && s[7] == '-'
		&& digits(s + 8, 2, d) && *y >= 1 && *m >= 1 && *m <= 12
		&& *d >= 1 && *d <= days_in_month(*y, *m);
}

bool date_valid(const char *s)
{
	int y, m, d;
	return strlen(s) == 10 && parse_date(s, &y, &m, &d);
}

/* Parses "HH:MM[:SS]" then an offset; sets the offset in seconds east of UTC. */
static bool parse_time(const char *s, struct tm *tm, long *offset)
{
	int h, mi, se = 0;
	if (!digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &mi))
		return false;
	s += 5;
	if (*s == ':') {
		if (!digits(s + 1, 2, &se))
			return false;
		s += 3;
	}
	if (h > 23 || mi > 59 || se > 59)
		return false;
	tm->tm_hour = h, tm->tm_min = mi, tm->tm_sec = se;
	if (!strcmp(s, "Z")) {
		*offset = 0;
		return true;
	}
	int oh, om;
	if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &oh) || s[3] != ':'
	    || !digits(s + 4, 2, &om) || s[6] || oh > 14 || om > 59)
		return false;
	*offset = (*s == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	return true;
}

/* The moment a date-time with an offset stands for. */
static bool when_moment(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, m, d;
	long offset;
	if (strlen(s) < 16 || !parse_date(s, &y, &m, &d) || (s[10] != 'T' && s[10] != ' ')
	    || !parse_time(s + 11, &tm, &offset))
		return false;
	tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d;
	*out = timegm(&tm) - offset;
	return true;
}

char *when_normalize(const char *s, char **err)
{
	time_t t;
	if (date_valid(s))
		return xstrdup(s);
	if (!when_moment(s, &t)) {
		err_set(err, "'%s' is not a date (YYYY-MM-DD) or a date-time with a zone "
			"(YYYY-MM-DDTHH:MM+01:00 or ...Z)", s);
		return NULL;
	}
	struct tm u;
	gmtime_r(&t, &u);
	char out[32];
	strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &u);
	return xstrdup(out);
}

char *when_local(const char *when, bool zone)
{
	time_t t;
	if (!when_moment(when, &t))
		return xstrdup(when);
	struct tm local;
	localtime_r(&t, &local);
	char out[64];
	strftime(out, sizeof out, zone ? "%Y-%m-%d %H:%M %Z" : "%Y-%m-%d %H:%M", &local);
	return xstrdup(out);
}

char *when_local_day(const char *when)
{
	time_t t;
	if (!when_moment(when, &t))
		return str_printf("%.10s", when);
	struct tm local;
	localtime_r(&t, &local);
	return str_printf("%04d-%02d-%02d", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}
