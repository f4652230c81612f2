/*
 * For the unit tests that work on a cache: a seeded cache file in a
 * temporary directory of its own, made before each test and removed after
 * it (cmocka's setup and teardown), and a query of one number.
 */
#ifndef NORON_TMP_CACHE_H
#define NORON_TMP_CACHE_H

#include "cache.h"

#include <stdarg.h>

struct fx {
	char *dir, *path, *err;
	struct cache *c;	/* signed tester@kb-se */
};

int fx_setup(void **state);
int fx_teardown(void **state);

/* Sets doc's fields from the name/value pairs in ap (a NULL name ends
 * them), saves it as an added record and frees it; fails the test on a
 * refusal. */
void fx_save_pairs(struct fx *f, cJSON *doc, va_list ap);

/* The one number sql gives; fails the test when it gives none. */
long long fx_number(struct cache *c, const char *sql);

#endif
