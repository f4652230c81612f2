/*
 * For the unit tests that work on a cache: a seeded cache file in a
 * temporary directory of its own, made before each test and removed after
 * it (cmocka's setup and teardown), and a query of one number.
 */
#ifndef NORON_TMP_CACHE_H
#define NORON_TMP_CACHE_H

#include "cache.h"

struct fx {
	char *dir, *path, *err;
	struct cache *c;	/* signed tester@kb-se */
};

int fx_setup(void **state);
int fx_teardown(void **state);

/* The one number sql gives; fails the test when it gives none. */
long long fx_number(struct cache *c, const char *sql);

#endif
