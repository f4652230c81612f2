/*
 * ISO 8601 dates and date-times as noron stores them: dates as YYYY-MM-DD,
 * date-times in UTC as YYYY-MM-DDTHH:MM:SSZ.
 */
#ifndef NORON_DATES_H
#define NORON_DATES_H

#include <stdbool.h>

/* True for a real calendar date written YYYY-MM-DD (2011-02-30 is not). */
bool date_valid(const char *s);

/* A date, or a date-time with an offset (Z, +HH:MM, -HH:MM; seconds
 * optional), normalised: dates stay dates, date-times become UTC.
 * Returns NULL and sets *err when s is neither. */
char *when_normalize(const char *s, char **err);

/* A stored date-time in the user's local time zone (TZ): "YYYY-MM-DD HH:MM",
 * with zone also its abbreviation ("2012-05-04 02:30 EEST"). A date, or a
 * text that is no date-time, comes back as it is. */
char *when_local(const char *when, bool zone);

/* The local day (YYYY-MM-DD) a stored date or date-time falls on: a date is
 * its own day, a date-time the day it is in the user's time zone. Text that
 * is neither gives its first ten characters. */
char *when_local_day(const char *when);

#endif
