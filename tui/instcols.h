/*
 * The institutions as columns (the areas matrix, the proposals' votes):
 * their ids and short headers ("kb-dk" heads its column as "DK").
 */
#ifndef NORON_INSTCOLS_H
#define NORON_INSTCOLS_H

#include "record.h"
#include "ui.h"

#define INSTCOLS_MAX 12

struct instcols {
	char *id[INSTCOLS_MAX];
	char code[INSTCOLS_MAX][RECORD_SHORT_MAX + 1];	/* record_short_label */
	int n;
};

void instcols_load(struct instcols *ic, struct ui *ui);
void instcols_free(struct instcols *ic);

#endif
