/*
 * Triage of workshop proposals: votes, decisions and scheduling, on one
 * proposal or many at once, each time as one transaction that undo takes
 * back as one step.
 */
#ifndef NORON_TRIAGE_H
#define NORON_TRIAGE_H

#include "cache.h"

enum triage_act {
	TRIAGE_VOTE, TRIAGE_ACCEPT, TRIAGE_DECLINE, TRIAGE_DEFER, TRIAGE_REVIEW, TRIAGE_SCHEDULE,
};

struct triage {
	enum triage_act act;
	int vote;			/* TRIAGE_VOTE: -1, 0 or 1 */
	const char *institution;	/* whose vote: an institution id */
	const char *reason;		/* TRIAGE_DECLINE: the triage note (NULL or "": none) */
	const char *start, *end, *location;	/* TRIAGE_SCHEDULE */
};

/* Reads "accept", "decline", ... (and "vote"); -1 for anything else. */
int triage_act_parse(const char *word);

/* Applies t to the proposals ids[0..n). A schedule makes one workshop event
 * per proposal, linked both ways. Returns 0, or -1 with nothing changed. */
int triage_apply(struct cache *c, const char *const *ids, int n, const struct triage *t,
		 char **err);

/* Proposals new or under review, and those accepted since the month began
 * (by their accepted_at; scheduled ones count, they were accepted). */
int triage_counts(struct cache *c, long *to_triage, long *accepted_this_month, char **err);

#endif
