/*
 * The institutions as columns (the areas matrix, the proposals' votes):
 * their ids and short headers ("kb-dk" heads its column as "DK").
 */
#ifndef NORON_INSTCOLS_H
#define NORON_INSTCOLS_H

#include "ui.h"

#define INSTCOLS_MAX 12

struct instcols {
	char *id[INSTCOLS_MAX];
	char code[INSTCOLS_MAX][4];
	int n;
};

void instcols_load(struct instcols *ic, struct ui *ui);
void instcols_free(struct instcols *ic);

#endif
