/*
 * Institutions as columns (see instcols.h).
 */
#include "instcols.h"
#include "record.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

static int keep(void *ctx, const struct cache_row *row)
{
	struct instcols *ic = ctx;
	if (ic->n >= INSTCOLS_MAX)
		return 0;
	char *code = record_short_label(row->body);
	snprintf(ic->code[ic->n], sizeof ic->code[ic->n], "%s", code ? code : "?");
	free(code);
	ic->id[ic->n++] = xstrdup(row->id);
	return 0;
}

void instcols_load(struct instcols *ic, struct ui *ui)
{
	instcols_free(ic);
	cache_list(ui->cache, type_find("institution"), NULL, 0, INSTCOLS_MAX, keep, ic, NULL);
}

void instcols_free(struct instcols *ic)
{
	for (int i = 0; i < ic->n; i++)
		free(ic->id[i]);
	ic->n = 0;
}
