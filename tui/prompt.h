/*
 * Modal input on the bottom line or in a popup: a UTF-8 line editor, a
 * yes/no question and a choice from a list. Each redraws the whole screen
 * on a resize and gives up cleanly when the terminal goes away.
 */
#ifndef NORON_PROMPT_H
#define NORON_PROMPT_H

#include "ui.h"

typedef void (*prompt_change_fn)(void *ctx, const char *text);

/* Edits a line starting from initial. on_change (may be NULL) sees every
 * change. Returns 1 on Enter with *out set, 0 on Esc, -1 when the terminal
 * is gone. */
int prompt_line(struct ui *ui, const char *label, const char *initial,
		prompt_change_fn on_change, void *ctx, char **out);

/* Asks a yes/no question; true only for y. */
bool prompt_yes(struct ui *ui, const char *question);

/* Picks one of n items in a popup; returns its index, or -1. */
int prompt_choose(struct ui *ui, const char *title, const char *const *items, int n,
		  int current);

#endif
