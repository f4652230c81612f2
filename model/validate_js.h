/*
 * The endpoint's validate_doc_update, made from data/validate.js (built into
 * the program) and the field tables (fields.h): one source of truth, so the
 * shared database refuses what every noron refuses. noron endpoint setup
 * installs it as a design document; noron endpoint check compares it.
 */
#ifndef NORON_VALIDATE_JS_H
#define NORON_VALIDATE_JS_H

#include <cJSON.h>

#define VALIDATE_DDOC_ID "_design/noron"
#define VALIDATE_DIGEST_KEY "noron_validation"	/* the design document's digest member */
#define VALIDATE_MEMBER_ROLE "noron"		/* may read and write the database */
#define VALIDATE_ADMIN_ROLE "noron-admin"	/* administers it */
#define VALIDATE_INST_PREFIX "inst:"		/* inst:<code> works for institution <code> */

/* The function's source text, tables filled in. */
char *validate_js(void);

/* The design document: {"_id", "language", "validate_doc_update",
 * VALIDATE_DIGEST_KEY: a digest of the function's text}. */
cJSON *validate_design_doc(void);

enum validate_state {
	VALIDATE_CURRENT,	/* the function this noron generates */
	VALIDATE_OUTDATED,	/* another version's */
	VALIDATE_EDITED,	/* its text is not the one its digest names */
	VALIDATE_FOREIGN,	/* not made by noron */
};

/* How a design document read from the endpoint compares with ours. */
enum validate_state validate_design_state(const cJSON *remote, const cJSON *ours);

#endif
