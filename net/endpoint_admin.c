/*
 * noron endpoint setup and check (see endpoint.h): the shared database made
 * the way noron needs it, or compared with that, one line per finding.
 */
#include "endpoint.h"
#include "couch.h"
#include "util.h"
#include "validate_js.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void say(struct endpoint_out *out, bool problem, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void say(struct endpoint_out *out, bool problem, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = str_vprintf(fmt, ap);
	va_end(ap);
	out->problems += problem;
	out->say(out->ctx, problem, line);
	free(line);
}

static bool has_string(const cJSON *list, const char *s)
{
	const cJSON *v;
	cJSON_ArrayForEach(v, list)
		if (cJSON_IsString(v) && !strcmp(v->valuestring, s))
			return true;
	return false;
}

static const cJSON *roles_of(const cJSON *user_ctx)
{
	return cJSON_GetObjectItemCaseSensitive(user_ctx, "roles");
}

/* Whether a section of _security (members, admins) grants role. */
static bool grants(const cJSON *sec, const char *section, const char *role)
{
	return has_string(roles_of(cJSON_GetObjectItemCaseSensitive(sec, section)), role);
}

/* Adds role to a section of _security, keeping the names and roles there. */
static void grant(cJSON *sec, const char *section, const char *role)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(sec, section);
	if (!cJSON_IsObject(s)) {
		cJSON_DeleteItemFromObjectCaseSensitive(sec, section);
		s = cJSON_AddObjectToObject(sec, section);
	}
	cJSON *roles = cJSON_GetObjectItemCaseSensitive(s, "roles");
	if (!cJSON_IsArray(roles)) {
		cJSON_DeleteItemFromObjectCaseSensitive(s, "roles");
		roles = cJSON_AddArrayToObject(s, "roles");
	}
	if (!has_string(roles, role))
		cJSON_AddItemToArray(roles, cJSON_CreateString(role));
}

static bool security_ok(const cJSON *sec)
{
	return grants(sec, "members", VALIDATE_MEMBER_ROLE)
		&& grants(sec, "admins", VALIDATE_ADMIN_ROLE);
}

static int say_server(struct endpoint *e, struct endpoint_out *out, char **err)
{
	char *what;
	if (endpoint_server(e, &what, err))
		return -1;
	say(out, false, "server: %s at %s%s", what, http_url(e->server),
	    strncmp(what, "PouchDB", 7) ? "" : " (for trying things out: a consortium's "
	    "endpoint is Apache CouchDB 3)");
	free(what);
	return 0;
}

static void say_db(struct endpoint *e, struct endpoint_out *out, long docs)
{
	say(out, false, "database: %s is there (%ld document%s)", http_url(e->db), docs,
	    docs == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ setup */

static int setup_db(struct endpoint *e, struct endpoint_out *out, char **err)
{
	long docs;
	int there = endpoint_db(e, &docs, err);
	if (there < 0 || (!there && couch_db_create(e->db, err)))
		return -1;
	if (there)
		say_db(e, out, docs);
	else
		say(out, false, "database: %s created", http_url(e->db));
	return 0;
}

static int setup_security(struct endpoint *e, struct endpoint_out *out, char **err)
{
	cJSON *sec;
	if (endpoint_get(e, "_security", "reading _security", &sec, err) < 0)
		return -1;
	if (!sec)
		sec = cJSON_CreateObject();
	bool was = security_ok(sec);
	grant(sec, "members", VALIDATE_MEMBER_ROLE);
	grant(sec, "admins", VALIDATE_ADMIN_ROLE);
	int rc = was ? 0 : endpoint_put(e, "_security", sec, "setting _security", NULL, err);
	if (!rc)
		say(out, false, "_security: member role %s, admin role %s: %s",
		    VALIDATE_MEMBER_ROLE, VALIDATE_ADMIN_ROLE, was ? "unchanged" : "set");
	cJSON_Delete(sec);
	return rc;
}

static const char *state_words(enum validate_state st)
{
	static const char *const words[] = {
		[VALIDATE_CURRENT] = "current", [VALIDATE_OUTDATED] = "another version's",
		[VALIDATE_EDITED] = "changed by hand", [VALIDATE_FOREIGN] = "not made by noron",
	};
	return words[st];
}

static void set_member(cJSON *doc, const cJSON *from, const char *name)
{
	cJSON_DeleteItemFromObjectCaseSensitive(doc, name);
	cJSON_AddItemToObject(doc, name,
			      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(from, name), 1));
}

/* Installs ours, or puts our members into theirs (keeping what else it holds). */
static int setup_design(struct endpoint *e, struct endpoint_out *out, char **err)
{
	cJSON *ours = validate_design_doc(), *theirs;
	int got = endpoint_get(e, VALIDATE_DDOC_ID, "reading " VALIDATE_DDOC_ID, &theirs, err);
	enum validate_state st = got > 0 ? validate_design_state(theirs, ours) : VALIDATE_FOREIGN;
	const char *digest = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ours,
							 VALIDATE_DIGEST_KEY));
	int rc = got < 0 ? -1 : 0;
	if (!rc && st != VALIDATE_CURRENT) {
		cJSON *doc = theirs ? theirs : cJSON_CreateObject();
		set_member(doc, ours, "_id");
		set_member(doc, ours, "language");
		set_member(doc, ours, "validate_doc_update");
		set_member(doc, ours, VALIDATE_DIGEST_KEY);
		rc = endpoint_put(e, VALIDATE_DDOC_ID, doc, "installing " VALIDATE_DDOC_ID, NULL,
				  err);
		theirs = doc;
	}
	if (!rc && !got)
		say(out, false, "validation: %s installed (%.12s)", VALIDATE_DDOC_ID, digest);
	else if (!rc && st == VALIDATE_CURRENT)
		say(out, false, "validation: %s unchanged (%.12s)", VALIDATE_DDOC_ID, digest);
	else if (!rc)
		say(out, false, "validation: %s updated (%.12s): it was %s", VALIDATE_DDOC_ID,
		    digest, state_words(st));
	cJSON_Delete(theirs);
	cJSON_Delete(ours);
	return rc;
}

int endpoint_setup(const struct config *cfg, const char *url, bool verbose,
		   struct endpoint_out *out, char **err)
{
	struct endpoint e;
	if (endpoint_open(&e, cfg, url, verbose, err))
		return -1;
	int rc = say_server(&e, out, err) || setup_db(&e, out, err)
		|| setup_security(&e, out, err) || setup_design(&e, out, err) ? -1 : 0;
	endpoint_close(&e);
	return rc;
}

/* ------------------------------------------------------------------ check */

/* A step that failed (rc < 0) is a problem line: what *err says. */
static int problem(struct endpoint_out *out, int rc, char **err)
{
	if (rc < 0) {
		say(out, true, "%s", *err ? *err : "the endpoint failed");
		free(*err);
		*err = NULL;
	}
	return rc < 0;
}

static void check_design(struct endpoint *e, struct endpoint_out *out, char **err)
{
	cJSON *ours = validate_design_doc(), *theirs;
	int got = endpoint_get(e, VALIDATE_DDOC_ID, "reading " VALIDATE_DDOC_ID, &theirs, err);
	const char *digest = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ours,
							 VALIDATE_DIGEST_KEY));
	enum validate_state st = got > 0 ? validate_design_state(theirs, ours) : VALIDATE_FOREIGN;
	if (got < 0)
		problem(out, got, err);
	else if (!got)
		say(out, true, "%s is missing: the endpoint takes any document (noron endpoint "
		    "setup installs it)", VALIDATE_DDOC_ID);
	else if (st == VALIDATE_CURRENT)
		say(out, false, "validation: %s is current (%.12s)", VALIDATE_DDOC_ID, digest);
	else
		say(out, true, "%s is %s, not this noron's validation %.12s (noron endpoint setup "
		    "updates it)", VALIDATE_DDOC_ID, state_words(st), digest);
	cJSON_Delete(theirs);
	cJSON_Delete(ours);
}

static void check_security(struct endpoint *e, struct endpoint_out *out, char **err)
{
	cJSON *sec;
	int got = endpoint_get(e, "_security", "reading _security", &sec, err);
	bool members = grants(sec, "members", VALIDATE_MEMBER_ROLE);
	bool admins = grants(sec, "admins", VALIDATE_ADMIN_ROLE);
	if (got < 0)
		problem(out, got, err);
	else if (members && admins)
		say(out, false, "_security: member role %s, admin role %s", VALIDATE_MEMBER_ROLE,
		    VALIDATE_ADMIN_ROLE);
	else if (!members && !admins)
		say(out, true, "_security lacks the member role %s and the admin role %s (noron "
		    "endpoint setup sets them)", VALIDATE_MEMBER_ROLE, VALIDATE_ADMIN_ROLE);
	else
		say(out, true, "_security lacks the %s role %s (noron endpoint setup sets it)",
		    members ? "admin" : "member", members ? VALIDATE_ADMIN_ROLE
		    : VALIDATE_MEMBER_ROLE);
	cJSON_Delete(sec);
}

static bool is_admin(const cJSON *user)
{
	return has_string(roles_of(user), "_admin") || has_string(roles_of(user),
								 VALIDATE_ADMIN_ROLE);
}

static char *user_words(const cJSON *user)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(user, "name"), *r;
	struct buf b = { 0 };
	buf_printf(&b, "%s (roles ", cJSON_IsString(name) ? name->valuestring : "anonymous");
	int n = 0;
	cJSON_ArrayForEach(r, roles_of(user))
		if (cJSON_IsString(r))
			buf_printf(&b, "%s%s", n++ ? ", " : "", r->valuestring);
	buf_puts(&b, n ? ")" : "none)");
	return buf_take(&b);
}

/* The user's rights: reading, writing, and the config's institution. */
static void check_user(struct endpoint *e, const struct config *cfg, const cJSON *user,
		       struct endpoint_out *out, char **err)
{
	char *who = user_words(user);
	if (!problem(out, endpoint_write_probe(e, err), err))
		say(out, false, "user: %s reads and writes the database", who);
	char *role = str_printf(VALIDATE_INST_PREFIX "%s", cfg->institution ? cfg->institution
				: "");
	if (cfg->institution && !is_admin(user) && !has_string(roles_of(user), role))
		say(out, true, "user %s lacks the role %s of institution = %s in the config: the "
		    "endpoint refuses its votes and standing cells from this user", who, role,
		    cfg->institution);
	free(role);
	free(who);
}

int endpoint_check(const struct config *cfg, const char *url, bool verbose,
		   struct endpoint_out *out, char **err)
{
	struct endpoint e;
	if (endpoint_open(&e, cfg, url, verbose, err))
		return -1;
	cJSON *user = NULL;
	long docs = 0;
	int rc = say_server(&e, out, err), there = -1;
	if (!rc) {
		problem(out, endpoint_user(&e, &user, err), err);
		there = endpoint_db(&e, &docs, err);
		problem(out, there, err);
	}
	if (!there)
		say(out, true, "the database %s does not exist (noron endpoint setup creates it)",
		    http_url(e.db));
	if (there > 0) {
		say_db(&e, out, docs);
		check_design(&e, out, err);
		check_security(&e, out, err);
		if (user)
			check_user(&e, cfg, user, out, err);
	}
	cJSON_Delete(user);
	endpoint_close(&e);
	return rc;
}
