/*
 * iCalendar import (see ical.h): the file is checked line by line before
 * libical reads it, then its VEVENTs become events in one transaction.
 */
#include "ical.h"
#include "ical_internal.h"
#include "dates.h"
#include "record.h"
#include "util.h"
#include <libical/ical.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 16		/* components nested deeper are refused */

/* --- Checking a file before libical reads it ------------------------------ */

/* A text's content lines, unfolded, each with the line it starts on. */
struct lines {
	const char *p;
	int line;		/* physical lines read so far */
	int first;		/* where the current content line starts */
	struct buf cur;
};

static void take_line(struct lines *l, size_t skip)
{
	size_t n = strcspn(l->p, "\n");
	size_t keep = n && l->p[n - 1] == '\r' ? n - 1 : n;
	if (keep > skip)
		buf_add(&l->cur, l->p + skip, keep - skip);
	l->p += n + (l->p[n] == '\n');
	l->line++;
}

static bool next_line(struct lines *l)
{
	if (!*l->p)
		return false;
	l->cur.len = 0;
	buf_add(&l->cur, "", 0);
	l->first = l->line + 1;
	take_line(l, 0);
	while (*l->p == ' ' || *l->p == '\t')
		take_line(l, 1);
	return true;
}

struct level {
	char *name;
	int line;
};

/* What the structure check learns: it refuses a broken nesting, text
 * outside a VCALENDAR and control characters (libical would drop them
 * without a word), and notes where each VEVENT of a VCALENDAR begins, to
 * name the line of an event that is refused. */
struct scan {
	struct lines l;
	struct level stack[MAX_DEPTH];
	int depth, bad;		/* bad: the line a refusal names */
	int *vevents;
	size_t nvevents;
	bool calendar;
};

static int scan_begin(struct scan *s, const char *name, char **why)
{
	if (s->depth == MAX_DEPTH)
		return err_set(why, "components nested more than %d deep", MAX_DEPTH);
	if (!s->depth && strcasecmp(name, "VCALENDAR"))
		return err_set(why, "BEGIN:%s outside a VCALENDAR", name);
	if (s->depth == 1 && !strcasecmp(name, "VEVENT")) {
		s->vevents = xrealloc(s->vevents, (s->nvevents + 1) * sizeof *s->vevents);
		s->vevents[s->nvevents++] = s->l.first;
	}
	s->stack[s->depth++] = (struct level){ .name = xstrdup(name), .line = s->l.first };
	s->calendar = true;
	return 0;
}

static int scan_end(struct scan *s, const char *name, char **why)
{
	struct level *top = s->depth ? &s->stack[s->depth - 1] : NULL;
	if (!top)
		return err_set(why, "END:%s without a BEGIN", name);
	if (strcasecmp(top->name, name))
		return err_set(why, "END:%s where END:%s (of line %d) belongs", name, top->name,
			       top->line);
	free(top->name);
	s->depth--;
	return 0;
}

static int scan_content(struct scan *s, char **why)
{
	const char *line = s->l.cur.s;
	int name = (int)strcspn(line, ";:");
	for (const char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return err_set(why, "%.*s holds a control character", name > 40 ? 40 : name,
				       line);
	if (!*line)
		return 0;
	if (!strncasecmp(line, "BEGIN:", 6))
		return scan_begin(s, line + 6, why);
	if (!strncasecmp(line, "END:", 4))
		return scan_end(s, line + 4, why);
	return s->depth ? 0 : err_set(why, "text outside BEGIN:VCALENDAR ... END:VCALENDAR");
}

static int scan_text(struct scan *s, const char *text, char **why)
{
	s->l.p = text;
	while (next_line(&s->l)) {
		if (scan_content(s, why)) {
			s->bad = s->l.first;
			return -1;
		}
	}
	s->bad = s->l.line;
	if (s->depth)
		return err_set(why, "the file ends inside BEGIN:%s of line %d",
			       s->stack[s->depth - 1].name, s->stack[s->depth - 1].line);
	s->bad = 0;
	return s->calendar ? 0 : err_set(why, "not an iCalendar file (no BEGIN:VCALENDAR)");
}

static void scan_free(struct scan *s)
{
	while (s->depth)
		free(s->stack[--s->depth].name);
	free(s->vevents);
	free(s->l.cur.s);
}

/* "name: line N: why", with the file's text made safe for a terminal. */
static int refuse(char **err, const char *name, int line, const char *why)
{
	char *safe = text_sanitize(why, false);
	if (line > 0)
		err_set(err, "%s: line %d: %s", name, line, safe);
	else
		err_set(err, "%s: %s", name, safe);
	free(safe);
	return -1;
}

/* The first line libical cannot read as a property on its own, or 0:
 * libical's own messages do not say where they come from. */
static int bad_property_line(const char *text)
{
	struct lines l = { .p = text };
	int bad = 0;
	while (!bad && next_line(&l)) {
		const char *s = l.cur.s;
		if (!*s || !strncasecmp(s, "BEGIN:", 6) || !strncasecmp(s, "END:", 4)
		    || s[strlen(s) - 1] == ':')	/* an empty value is no error */
			continue;
		icalproperty *p = icalproperty_new_from_string(s);
		if (p)
			icalproperty_free(p);
		else
			bad = l.first;
	}
	free(l.cur.s);
	return bad;
}

/* The first X-LIC-ERROR libical left in a component or the ones inside it.
 * An empty value ("LOCATION:", as Google writes) is valid RFC 5545, but
 * libical 3.0.16 calls it an error: it only drops the property. */
static const char *parse_error(icalcomponent *c)
{
	const char *e = NULL;
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	     p && !e; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		e = icalproperty_get_xlicerror(p);
		e = strncmp(e, "No value for ", 13) ? e : NULL;
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     k && !e; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		e = parse_error(k);
	return e;
}

/* The parsed file, or NULL (and *err) when it is broken. The structure is
 * checked first: libical accepts text outside a VCALENDAR, drops control
 * characters, and writes to stderr on an END before its BEGIN. */
static icalcomponent *parse_checked(const char *text, const char *name, struct scan *s,
				    char **err)
{
	char *why = NULL;
	if (scan_text(s, text, &why)) {
		refuse(err, name, s->bad, why);
		free(why);
		return NULL;
	}
	icalcomponent *root = icalparser_parse_string(text);
	const char *e = root ? parse_error(root) : "libical cannot read it";
	if (e) {
		/* libical's "Removing entire property" is not what happens here */
		const char *cut = strstr(e, ". Removing entire property:");
		char *msg = cut ? str_printf("%.*s%s", (int)(cut - e), e, cut + 26) : xstrdup(e);
		refuse(err, name, bad_property_line(text), msg);
		free(msg);
		if (root)
			icalcomponent_free(root);
		return NULL;
	}
	return root;
}

/* --- VEVENTs to events ---------------------------------------------------- */

/* Every cache gives one UID one id. */
static char *ics_id(const char *uid)
{
	char *digest = text_digest(uid);
	char *id = str_printf("event:ics-%s", digest);
	free(digest);
	return id;
}

/* The id a UID names: noron's own "<event id>@noron", else one from the UID. */
static char *event_id_of(const char *uid, bool *own)
{
	size_t n = strlen(uid), k = strlen("@noron");
	char *id = n > k && !strcmp(uid + n - k, "@noron")
		? str_printf("%.*s", (int)(n - k), uid) : NULL;
	*own = id && id_valid(id) && type_of_id(id) == type_find("event");
	if (*own)
		return id;
	free(id);
	return ics_id(uid);
}

static void put_string(cJSON *doc, const char *name, const char *value)
{
	if (cJSON_GetObjectItemCaseSensitive(doc, name))
		cJSON_ReplaceItemInObjectCaseSensitive(doc, name, cJSON_CreateString(value));
	else
		cJSON_AddStringToObject(doc, name, value);
}

/* Sets a field to the text, or removes it when there is none. In a one-line
 * field an escaped newline (SUMMARY:a\nb) becomes a space. */
static void put_text(cJSON *doc, const char *name, const char *v, bool one_line)
{
	if (!v || !*v) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
		return;
	}
	char *s = xstrdup(v);
	for (char *p = s; one_line && *p; p++)
		if (*p == '\n')
			*p = ' ';
	put_string(doc, name, s);
	free(s);
}

/* A DTSTART or DTEND in UTC. A TZID is looked up in the file's VTIMEZONEs,
 * then in libical's built-in zones; a floating time is taken as UTC. */
static int time_of(icalproperty *p, icalcomponent *cal, struct icaltimetype *out, char **err)
{
	struct icaltimetype t = icalvalue_get_datetimedate(icalproperty_get_value(p));
	icalparameter *param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = param ? icalparameter_get_tzid(param) : NULL;
	if (!t.is_date && !icaltime_is_utc(t) && tzid) {
		icaltimezone *tz = icalcomponent_get_timezone(cal, tzid);
		tz = tz ? tz : icaltimezone_get_builtin_timezone(tzid);
		tz = tz ? tz : icaltimezone_get_builtin_timezone_from_tzid(tzid);
		if (!tz)
			return err_set(err, "unknown time zone '%s'", tzid);
		t = icaltime_convert_to_zone(icaltime_set_timezone(&t, tz),
					     icaltimezone_get_utc_timezone());
	}
	*out = t;
	return 0;
}

static char *when_text(struct icaltimetype t)
{
	if (t.is_date)
		return str_printf("%04d-%02d-%02d", t.year, t.month, t.day);
	return str_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour,
			  t.minute, t.second);
}

/* start and end. A DATE DTEND is exclusive: the day before is the last
 * (some writers give DTEND = DTSTART for one day). An end equal to the
 * start is left out; one before it is kept, for the check to refuse. */
static int fill_times(cJSON *doc, icalcomponent *ev, icalcomponent *cal, char **err)
{
	icalproperty *dtend = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
	icalproperty *dur = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
	icalproperty *dtstart = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	struct icaltimetype s, e;
	if (!dtstart)
		return err_set(err, "a VEVENT without DTSTART");
	if (time_of(dtstart, cal, &s, err)
	    || (dtend && time_of(dtend, cal, &e, err)))
		return -1;
	if (!dtend && dur)
		e = icaltime_add(s, icalproperty_get_duration(dur));
	if ((dtend || dur) && e.is_date && icaltime_compare_date_only(e, s) > 0)
		icaltime_adjust(&e, -1, 0, 0, 0);
	char *start = when_text(s), *end = dtend || dur ? when_text(e) : NULL;
	put_string(doc, "start", start);
	size_t n = s.is_date || (end && e.is_date) ? 10 : strlen(start);
	put_text(doc, "end", end && strncmp(end, start, n) ? end : NULL, true);
	free(start);
	free(end);
	return 0;
}

static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		p += strspn(p, " ");
		size_t len = strcspn(p, ",");
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !strncasecmp(p, word, n))
			return true;
	}
	return false;
}

/* The first event kind among the CATEGORIES, any case. Each value is split
 * at commas again: libical 3.0.16 leaves "a\,b,c" as one value. */
static const char *kind_of(icalcomponent *ev)
{
	const struct field_def *f = field_find(type_find("event"), "kind");
	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY))
		for (int i = 0; f->choices[i]; i++)
			if (list_has(icalproperty_get_categories(p), f->choices[i]))
				return f->choices[i];
	return NULL;
}

/* True when a BY list of an RRULE is empty. */
static bool by_none(const short *by)
{
	return by[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/* True when a BY list is empty or names value alone. */
static bool by_only(const short *by, int value)
{
	return by_none(by) || (by[0] == value && by[1] == ICAL_RECURRENCE_ARRAY_MAX);
}

/* The rule is one noron keeps: every year on the date of DTSTART, for ever
 * (BYMONTH and BYMONTHDAY may repeat that date). */
static bool plain_yearly(struct icalrecurrencetype r, struct icaltimetype start)
{
	return r.freq == ICAL_YEARLY_RECURRENCE && r.interval <= 1 && !r.count
		&& icaltime_is_null_time(r.until)
		&& by_none(r.by_second) && by_none(r.by_minute) && by_none(r.by_hour)
		&& by_none(r.by_day) && by_none(r.by_year_day) && by_none(r.by_week_no)
		&& by_none(r.by_set_pos) && by_only(r.by_month, start.month)
		&& by_only(r.by_month_day, start.day);
}

enum recurrence {
	REC_NONE,	/* one occurrence */
	REC_YEARLY,	/* noron's yearly repeat */
	REC_OTHER,	/* a rule noron cannot keep: the first occurrence is imported */
};

/* How a VEVENT recurs. noron repeats an event on its date every year, for
 * ever; other rules (every other year, three times, weekly, the last Sunday
 * of March, added or excluded dates) keep their first occurrence only.
 * COUNT=1 is one occurrence. */
static enum recurrence recurrence_of(icalcomponent *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
	bool more = (p && icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
		|| icalcomponent_get_first_property(ev, ICAL_EXRULE_PROPERTY)
		|| icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY)
		|| icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	if (!p)
		return more ? REC_OTHER : REC_NONE;
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	if (r.count == 1 && !more)
		return REC_NONE;
	return !more && plain_yearly(r, icalcomponent_get_dtstart(ev)) ? REC_YEARLY : REC_OTHER;
}

/* The fields a VEVENT carries; host, areas and proposal stay as they are. */
static int fill_event(cJSON *doc, icalcomponent *ev, icalcomponent *cal, enum recurrence rec,
		      char **err)
{
	const char *title = icalcomponent_get_summary(ev);
	put_text(doc, "title", title && *title ? title : "(untitled)", true);
	const char *kind = kind_of(ev);
	if (kind || !ical_str_of(doc, "kind"))
		put_string(doc, "kind", kind ? kind : "meeting");
	if (fill_times(doc, ev, cal, err))
		return -1;
	if (rec == REC_YEARLY || ical_str_of(doc, "repeat"))
		put_string(doc, "repeat", rec == REC_YEARLY ? "yearly" : "none");
	put_text(doc, "location", icalcomponent_get_location(ev), true);
	put_text(doc, "description", icalcomponent_get_description(ev), false);
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
	const char *url = p ? icalproperty_get_url(p) : NULL;
	bool web = url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
		&& !strchr(url, ' ');
	put_text(doc, "url", web ? url : NULL, true);
	return 0;
}

struct import_ctx {
	struct cache *c;
	icalcomponent *cal;
	struct ical_stats *st;
	struct store_opts o;
	const struct scan *scan;
	size_t nth;		/* VEVENTs met so far */
};

static int store_event(struct import_ctx *x, cJSON *doc, const cJSON *old, char **err)
{
	if (old && record_same_content(old, doc)) {
		x->st->unchanged++;
		return 0;
	}
	int rc = cache_store(x->c, doc, &x->o, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		x->st->unchanged++;
	else if (old)
		x->st->updated++;
	else
		x->st->added++;
	return 0;
}

/* What stands in for a missing UID (RFC 5545 requires one): the title and
 * the start, so that a second import finds the event again. */
static char *uid_key(icalcomponent *ev)
{
	const char *summary = icalcomponent_get_summary(ev);
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	char *start = p ? icalproperty_get_value_as_string_r(p) : NULL;
	char *key = str_printf("%s\n%s", summary ? summary : "", start ? start : "");
	icalmemory_free_buffer(start);
	return key;
}

/* Adds or updates the event of a VEVENT. */
static int import_event(struct import_ctx *x, icalcomponent *ev, char **err)
{
	const char *uid = icalcomponent_get_uid(ev);
	char *key = uid ? NULL : uid_key(ev);
	bool own;
	char *id = event_id_of(uid ? uid : key, &own);
	struct cache_doc old;
	int rc = cache_get(x->c, id, &old, err);
	bool live = rc > 0 && !old.deleted;
	cJSON *doc = live ? cJSON_Duplicate(old.body, 1) : cJSON_CreateObject();
	if (!live) {
		cJSON_AddStringToObject(doc, "_id", id);
		cJSON_AddStringToObject(doc, "type", "event");
	}
	enum recurrence rec = recurrence_of(ev);
	x->st->first_only += rec == REC_OTHER;
	rc = rc < 0 ? -1 : fill_event(doc, ev, x->cal, rec, err);
	if (!rc && uid && !own)
		put_string(doc, "uid", uid);
	if (!rc)
		rc = store_event(x, doc, live ? old.body : NULL, err);
	cJSON_Delete(doc);
	cache_doc_free(&old);
	free(id);
	free(key);
	return rc;
}

/* Prefixes *err with the line of the VEVENT it is about. */
static int at_line(char **err, const char *name, int line)
{
	char *inner = err ? *err : NULL;
	if (err)
		*err = NULL;
	refuse(err, name, line, inner ? inner : "cannot be stored");
	free(inner);
	return -1;
}

static int import_calendar(struct import_ctx *x, icalcomponent *cal, const char *name,
			   char **err)
{
	x->cal = cal;
	for (icalcomponent *k = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind kind = icalcomponent_isa(k);
		int line = kind == ICAL_VEVENT_COMPONENT && x->nth < x->scan->nvevents
			? x->scan->vevents[x->nth] : 0;
		x->nth += kind == ICAL_VEVENT_COMPONENT;
		if (kind == ICAL_VTIMEZONE_COMPONENT)
			continue;
		/* An override of one occurrence (RECURRENCE-ID) is not an event of its own. */
		if (kind != ICAL_VEVENT_COMPONENT
		    || icalcomponent_get_first_property(k, ICAL_RECURRENCEID_PROPERTY))
			x->st->skipped++;
		else if (import_event(x, k, err))
			return at_line(err, name, line);
	}
	return 0;
}

static int import_root(struct import_ctx *x, icalcomponent *root, const char *name, char **err)
{
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		return import_calendar(x, root, name, err);
	/* Several VCALENDARs in one file come inside an XROOT. */
	for (icalcomponent *cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	     cal; cal = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
		if (import_calendar(x, cal, name, err))
			return -1;
	return 0;
}

int ical_import(struct cache *c, const char *text, const char *name, struct ical_stats *st,
		char **err)
{
	*st = (struct ical_stats){ 0 };
	if (!strncmp(text, "\xEF\xBB\xBF", 3))
		text += 3;	/* a byte order mark, as Windows tools write */
	struct scan s = { 0 };
	icalcomponent *root = parse_checked(text, name, &s, err);
	int rc = root ? cache_begin(c, err) : -1;
	if (!rc) {
		struct import_ctx x = { .c = c, .st = st, .scan = &s,
					.o = { .kind = HIST_IMPORT } };
		rc = import_root(&x, root, name, err);
		if (rc) {
			cache_rollback(c);
			*st = (struct ical_stats){ 0 };
		} else {
			rc = cache_commit(c, err);
		}
	}
	if (root)
		icalcomponent_free(root);
	scan_free(&s);
	return rc;
}
