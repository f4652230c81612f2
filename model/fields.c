/*
 * The field tables of the nine record types (DESIGN.md section 3).
 */
#include "fields.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define REQ FL_REQUIRED
#define LIST FL_LIST
#define TITLE FL_TITLE
#define SRCH FL_SEARCH
#define SHORT FL_SHORT
#define BRIEF FL_BRIEF

static const char *const levels[] = {
	"none", "planned", "started", "operational", "advanced", NULL };
static const char *const skill_kinds[] = { "skill", "equipment", "service", NULL };
static const char *const skill_levels[] = { "basic", "practitioner", "expert", NULL };
static const char *const project_status[] = {
	"idea", "planned", "ongoing", "completed", "cancelled", NULL };
static const char *const event_kinds[] = {
	"meeting", "conference", "workshop", "visit", "deadline", NULL };
static const char *const repeats[] = { "none", "yearly", NULL };
static const char *const proposal_status[] = {
	"new", "review", "accepted", "declined", "deferred", "scheduled", NULL };

static const struct field_def institution_fields[] = {
	{ .name = "code", .kind = FIELD_TEXT, .flags = REQ | LIST | SRCH | SHORT, .width = 8,
	  .help = "short code, e.g. kb-se" },
	{ .name = "name", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 40,
	  .help = "name in the institution's own language" },
	{ .name = "name_en", .kind = FIELD_TEXT, .flags = SRCH, .help = "name in English" },
	{ .name = "country", .kind = FIELD_TEXT, .flags = REQ | LIST | SRCH, .width = 10 },
	{ .name = "city", .kind = FIELD_TEXT, .flags = LIST | SRCH, .width = 12 },
	{ .name = "url", .kind = FIELD_URL },
};

static const struct field_def area_fields[] = {
	{ .name = "title", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 40 },
	{ .name = "parent", .kind = FIELD_REF, .ref = "area",
	  .help = "the area this one is a subgroup of" },
	{ .name = "description", .kind = FIELD_LONGTEXT, .flags = SRCH },
	{ .name = "position", .kind = FIELD_INT, .help = "order among its siblings" },
	{ .name = "map_id", .kind = FIELD_TEXT,
	  .help = "the node's ID in a FreeMind or Freeplane map (kept for the next import)" },
};

static const struct field_def standing_fields[] = {
	{ .name = "area", .kind = FIELD_REF, .ref = "area", .flags = REQ | LIST | TITLE, .width = 30 },
	{ .name = "institution", .kind = FIELD_REF, .ref = "institution",
	  .flags = REQ | LIST | TITLE, .width = 18 },
	{ .name = "level", .kind = FIELD_ENUM, .choices = levels, .flags = LIST, .width = 11 },
	{ .name = "priority", .kind = FIELD_BOOL, .flags = LIST, .width = 8,
	  .help = "one of the institution's most pressing topics" },
	{ .name = "note", .kind = FIELD_LONGTEXT, .flags = SRCH },
};

static const struct field_def person_fields[] = {
	{ .name = "name", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 28 },
	{ .name = "institution", .kind = FIELD_REF, .ref = "institution",
	  .flags = REQ | LIST, .width = 18 },
	{ .name = "role", .kind = FIELD_TEXT, .flags = LIST | SRCH, .width = 24 },
	{ .name = "email", .kind = FIELD_EMAIL, .flags = SRCH },
};

static const struct field_def skill_fields[] = {
	{ .name = "topic", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 30 },
	{ .name = "kind", .kind = FIELD_ENUM, .choices = skill_kinds, .flags = REQ | LIST, .width = 9 },
	{ .name = "person", .kind = FIELD_REF, .ref = "person", .flags = LIST, .width = 16 },
	{ .name = "institution", .kind = FIELD_REF, .ref = "institution",
	  .flags = REQ | LIST | BRIEF, .width = 4, .head = "inst" },
	{ .name = "area", .kind = FIELD_REF, .ref = "area", .flags = LIST, .width = 20 },
	{ .name = "level", .kind = FIELD_ENUM, .choices = skill_levels, .flags = LIST, .width = 12 },
	{ .name = "exchange", .kind = FIELD_BOOL, .flags = LIST, .width = 4, .head = "exch",
	  .help = "open to staff exchange" },
	{ .name = "note", .kind = FIELD_LONGTEXT, .flags = SRCH },
};

static const struct field_def project_fields[] = {
	{ .name = "title", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 36 },
	{ .name = "status", .kind = FIELD_ENUM, .choices = project_status,
	  .flags = REQ | LIST, .width = 9 },
	{ .name = "areas", .kind = FIELD_REFLIST, .ref = "area", .flags = LIST, .width = 14 },
	{ .name = "institutions", .kind = FIELD_REFLIST, .ref = "institution",
	  .flags = LIST | BRIEF, .width = 14, .head = "inst" },
	{ .name = "lead", .kind = FIELD_REF, .ref = "institution", .help = "leading institution" },
	{ .name = "contact", .kind = FIELD_TEXT, .flags = SRCH },
	{ .name = "start", .kind = FIELD_DATE, .flags = LIST, .width = 10 },
	{ .name = "end", .kind = FIELD_DATE, .flags = LIST, .width = 10 },
	{ .name = "funding", .kind = FIELD_TEXT, .flags = SRCH },
	{ .name = "help_wanted", .kind = FIELD_BOOL, .help = "the project looks for help" },
	{ .name = "description", .kind = FIELD_LONGTEXT, .flags = SRCH },
};

static const struct field_def event_fields[] = {
	{ .name = "title", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 36 },
	{ .name = "kind", .kind = FIELD_ENUM, .choices = event_kinds, .flags = REQ | LIST, .width = 10 },
	{ .name = "start", .kind = FIELD_WHEN, .flags = REQ | LIST, .width = 20 },
	{ .name = "end", .kind = FIELD_WHEN },
	{ .name = "repeat", .kind = FIELD_ENUM, .choices = repeats },
	{ .name = "location", .kind = FIELD_TEXT, .flags = LIST | SRCH, .width = 14 },
	{ .name = "host", .kind = FIELD_REF, .ref = "institution" },
	{ .name = "areas", .kind = FIELD_REFLIST, .ref = "area" },
	{ .name = "url", .kind = FIELD_URL },
	{ .name = "proposal", .kind = FIELD_REF, .ref = "proposal", .flags = FL_DETACH,
	  .help = "the workshop proposal this event was scheduled from" },
	{ .name = "uid", .kind = FIELD_TEXT,
	  .help = "the iCalendar UID it was imported with (kept for re-export)" },
	{ .name = "description", .kind = FIELD_LONGTEXT, .flags = SRCH },
};

static const struct field_def proposal_fields[] = {
	{ .name = "title", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 36 },
	{ .name = "area", .kind = FIELD_REF, .ref = "area", .flags = LIST, .width = 22 },
	{ .name = "proposer", .kind = FIELD_TEXT, .flags = SRCH },
	{ .name = "institution", .kind = FIELD_REF, .ref = "institution",
	  .flags = LIST, .width = 18 },
	{ .name = "format", .kind = FIELD_TEXT, .flags = SRCH },
	{ .name = "abstract", .kind = FIELD_LONGTEXT, .flags = SRCH },
	{ .name = "status", .kind = FIELD_ENUM, .choices = proposal_status,
	  .flags = REQ | LIST, .width = 9, .init = "new" },
	{ .name = "votes", .kind = FIELD_VOTES, .ref = "institution" },
	{ .name = "event", .kind = FIELD_REF, .ref = "event", .flags = FL_DETACH,
	  .help = "the event it was scheduled as" },
	{ .name = "triage_note", .kind = FIELD_TEXT, .flags = SRCH },
	{ .name = "accepted_at", .kind = FIELD_WHEN, .flags = FL_LATEST,
	  .help = "when it was accepted (set when it is; counts in \"accepted this month\")" },
};

static const struct field_def fund_fields[] = {
	{ .name = "name", .kind = FIELD_TEXT, .flags = REQ | LIST | TITLE | SRCH, .width = 36 },
	{ .name = "url", .kind = FIELD_URL },
	{ .name = "deadline", .kind = FIELD_DATE, .flags = LIST, .width = 10 },
	{ .name = "scope", .kind = FIELD_TEXT, .flags = LIST | SRCH, .width = 30 },
	{ .name = "note", .kind = FIELD_LONGTEXT, .flags = SRCH },
};

#define J(f) "json_extract(body,'$." f "')"

#define TYPE(n, pl, f, s, k, h) \
	{ .name = n, .plural = pl, .fields = f, .nfields = COUNT(f), .sort = s, .key = k, \
	  .help = h }
#define TYPE_HOOKED(n, pl, f, s, k, h, d, e, x) \
	{ .name = n, .plural = pl, .fields = f, .nfields = COUNT(f), .sort = s, .key = k, \
	  .help = h, .detached = d, .edited = e, .indexes = x }

/* A scheduled proposal whose event is deleted goes back to accepted. */
static void proposal_detached(cJSON *doc, const char *field)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	if (strcmp(field, "event") || !cJSON_IsString(status)
	    || strcmp(status->valuestring, "scheduled"))
		return;
	cJSON_ReplaceItemInObjectCaseSensitive(doc, "status", cJSON_CreateString("accepted"));
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(doc, "triage_note");
	char *text = str_printf("%s%sits event was deleted; accepted again",
				cJSON_IsString(note) ? note->valuestring : "",
				cJSON_IsString(note) ? "; " : "");
	if (note)
		cJSON_ReplaceItemInObjectCaseSensitive(doc, "triage_note", cJSON_CreateString(text));
	else
		cJSON_AddStringToObject(doc, "triage_note", text);
	free(text);
}

static bool is_accepted(const cJSON *doc)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
	return cJSON_IsString(status) && (!strcmp(status->valuestring, "accepted")
					  || !strcmp(status->valuestring, "scheduled"));
}

/* accepted_at is the moment a proposal became accepted (a scheduled one was
 * accepted too): set when an edit accepts it, gone when one takes that back,
 * kept as it is by any other edit (a vote) and when the edit sets it itself. */
static void proposal_edited(cJSON *doc, const cJSON *before, const char *now)
{
	const cJSON *was = cJSON_GetObjectItemCaseSensitive(before, "accepted_at");
	const cJSON *is = cJSON_GetObjectItemCaseSensitive(doc, "accepted_at");
	if (!(was ? is && cJSON_Compare(was, is, 1) : !is))
		return;
	bool accepted = is_accepted(doc), had = before && is_accepted(before);
	if (!accepted)
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "accepted_at");
	else if (!had && now) {
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "accepted_at");
		cJSON_AddStringToObject(doc, "accepted_at", now);
	}
}

/* The triage queue: oldest first, by area, counted by status and by when
 * it was accepted. */
static const char *const proposal_indexes[] = {
	J("created_at"), J("area") ", " J("created_at"), J("status") ", " J("created_at"),
	J("status") ", " J("accepted_at"), NULL };
/* Proposals are listed by their area's title (a join, see query.c). */
static const char *const area_indexes[] = { J("title"), NULL };

static const struct type_def types[] = {
	TYPE("institution", "institutions", institution_fields, J("code"), "code",
	     "a national library"),
	TYPE_HOOKED("area", "areas", area_fields,
		    "coalesce(" J("position") ",999999), " J("title"), "title",
		    "an area of cooperation; areas form a tree", NULL, NULL, area_indexes),
	TYPE("standing", "standings", standing_fields, J("area") ", " J("institution"),
	     "institution",
	     "where one institution stands in one area"),
	/* Names and topics sort as people read them, whatever their case. */
	TYPE("person", "people", person_fields, "lower(" J("name") ")", "name",
	     "a member of staff"),
	TYPE("skill", "skills", skill_fields, "lower(" J("topic") ")", "topic",
	     "a skill, piece of equipment or service someone offers"),
	TYPE("project", "projects", project_fields,
	     "instr('ongoing planned idea completed cancelled', " J("status") "), "
	     J("start") " DESC", "title",
	     "an idea, planned, ongoing or past project"),
	TYPE("event", "events", event_fields, J("start"), "start",
	     "a meeting, conference, workshop, visit or deadline"),
	TYPE_HOOKED("proposal", "proposals", proposal_fields,
		    "instr('new review deferred accepted scheduled declined', " J("status") "), "
		    J("created_at"), "created_at",
		    "a workshop proposal", proposal_detached, proposal_edited, proposal_indexes),
	/* Funds with a deadline first, the nearest first; those without last. */
	TYPE("fund", "funds", fund_fields, J("deadline") " IS NULL, " J("deadline"), "deadline",
	     "a source of funding"),
};

#define TYPE_PTR(i) &types[i]
const struct type_def *const record_types[] = {
	TYPE_PTR(0), TYPE_PTR(1), TYPE_PTR(2), TYPE_PTR(3), TYPE_PTR(4),
	TYPE_PTR(5), TYPE_PTR(6), TYPE_PTR(7), TYPE_PTR(8),
};
const size_t record_type_count = COUNT(types);

const struct type_def *type_find(const char *name)
{
	for (size_t i = 0; i < COUNT(types); i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

const struct field_def *field_find(const struct type_def *t, const char *name)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

const struct field_def *type_title_field(const struct type_def *t)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].flags & FL_TITLE)
			return &t->fields[i];
	return &t->fields[0];
}

const char *field_kind_name(enum field_kind kind)
{
	static const char *const names[] = {
		[FIELD_TEXT] = "text", [FIELD_LONGTEXT] = "long text",
		[FIELD_DATE] = "date", [FIELD_WHEN] = "date or date-time",
		[FIELD_ENUM] = "choice", [FIELD_BOOL] = "yes/no", [FIELD_INT] = "integer",
		[FIELD_URL] = "url", [FIELD_EMAIL] = "email", [FIELD_REF] = "reference",
		[FIELD_REFLIST] = "list of references", [FIELD_VOTES] = "votes",
	};
	return names[kind];
}

int enum_index(const struct field_def *f, const char *value)
{
	for (int i = 0; f->choices && f->choices[i]; i++)
		if (!strcmp(f->choices[i], value))
			return i;
	return -1;
}

const struct type_def *type_of_id(const char *id)
{
	const char *colon = strchr(id, ':');
	if (!colon)
		return NULL;
	for (size_t i = 0; i < COUNT(types); i++) {
		size_t n = strlen(types[i].name);
		if ((size_t)(colon - id) == n && !strncmp(id, types[i].name, n))
			return &types[i];
	}
	return NULL;
}
