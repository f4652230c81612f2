/*
 * Events in and out of a cache as iCalendar (RFC 5545), through libical.
 *
 * Export writes one VCALENDAR with a VEVENT per live event, a window of
 * records at a time. A VEVENT's UID is the event's `uid` (the one it was
 * imported with) or "<id>@noron", so a calendar that imports the file again
 * updates its events instead of adding copies. DTSTAMP and LAST-MODIFIED are
 * the time the event was last changed (RFC 5545 3.8.7.2 for a calendar
 * without METHOD), so a calendar takes a newer revision over an older one.
 *
 * Import reads a whole file, refuses it (naming the line) when it is broken,
 * and stores its VEVENTs in one transaction and one undo step: every event,
 * or none. An event is found again by its UID, so importing a file twice
 * changes nothing the second time. Fields iCalendar has no place for (host,
 * areas, proposal) are kept as the cache has them. Of the recurrence rules,
 * noron keeps the plain yearly one (RRULE:FREQ=YEARLY); an event with any
 * other comes in as its first occurrence, and the import counts it.
 */
#ifndef NORON_ICAL_H
#define NORON_ICAL_H

#include <stdio.h>

#include "cache.h"

/* Which events an export holds. */
struct ical_range {
	const char *from, *to;	/* YYYY-MM-DD, from inclusive, to exclusive, as days
				 * of the user's time zone; NULL: open */
	const char *kind;	/* an event kind; NULL: every kind */
};

/* Writes the events that overlap the range, in start order. A yearly event
 * is in it when one of its occurrences is. */
int ical_export(struct cache *c, FILE *out, const struct ical_range *r, char **err);

struct ical_stats {
	long added, updated, unchanged;
	long skipped;		/* VTODO, VJOURNAL, VFREEBUSY, other components and
				 * VEVENTs that only override one occurrence */
	long first_only;	/* VEVENTs whose recurrence noron cannot keep (all
				 * but a yearly rule for ever): their first
				 * occurrence is imported, not repeated */
};

/* Imports the iCalendar text; name is the file's name for messages. */
int ical_import(struct cache *c, const char *text, const char *name, struct ical_stats *st,
		char **err);

#endif
