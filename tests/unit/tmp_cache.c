/*
 * A seeded cache in a temporary directory for each test (see tmp_cache.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "record.h"
#include "tmp_cache.h"
#include "util.h"

int fx_setup(void **state)
{
	struct fx *f = xmalloc(sizeof *f);
	*f = (struct fx){ .dir = xstrdup("/tmp/noron-unit-XXXXXX") };
	if (!mkdtemp(f->dir))
		return -1;
	f->path = str_printf("%s/cache.db", f->dir);
	if (cache_open(f->path, CACHE_CREATE | CACHE_SEED, &f->c, &f->err))
		return -1;
	cache_set_author(f->c, "tester@kb-se");
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;
	cache_close(f->c);
	DIR *d = opendir(f->dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char *p = str_printf("%s/%s", f->dir, e->d_name);
		if (e->d_name[0] != '.')
			unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f->dir);
	free(f->path);
	free(f->err);
	free(f);
	return 0;
}

long long fx_number(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void fx_save_pairs(struct fx *f, cJSON *doc, va_list ap)
{
	for (const char *n; (n = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		if (record_set(doc, n, v, &f->err))
			fail_msg("%s=%s: %s", n, v, f->err);
	}
	if (cache_save(f->c, doc, HIST_ADD, &f->err) != 1)
		fail_msg("saving %s: %s", record_id(doc), f->err);
	cJSON_Delete(doc);
}
