/*
 * What the iCalendar export and import share.
 */
#ifndef NORON_ICAL_INTERNAL_H
#define NORON_ICAL_INTERNAL_H

#include <cJSON.h>

/* A text member of a record, or NULL. */
const char *ical_str_of(const cJSON *doc, const char *name);

#endif
