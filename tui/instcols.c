/*
 * Institutions as columns (see instcols.h).
 */
#include "instcols.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int keep(void *ctx, const struct cache_row *row)
{
	struct instcols *ic = ctx;
	if (ic->n >= INSTCOLS_MAX)
		return 0;
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(row->body, "code");
	const char *c = cJSON_IsString(code) ? code->valuestring : row->id;
	const char *dash = strrchr(c, '-');
	const char *shortc = dash && dash[1] ? dash + 1 : c;
	int n = 0;
	for (; shortc[n] && n < 3 && isalnum((unsigned char)shortc[n]); n++)
		ic->code[ic->n][n] = (char)toupper((unsigned char)shortc[n]);
	ic->code[ic->n][n] = '\0';
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
