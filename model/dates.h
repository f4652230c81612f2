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

#endif
