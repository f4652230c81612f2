/*
 * The full-screen interface: its state, the panes, and the drawing helpers
 * every screen uses. One thread runs curses; the cache is the only truth,
 * re-read whenever it changes.
 */
#ifndef NORON_UI_H
#define NORON_UI_H

#include <cJSON.h>
#include <stdbool.h>

#include "cache.h"
#include "curses_wide.h"
#include "keys.h"
#include "settings.h"
#include "syncjob.h"
#include "theme.h"

#define PANE_COUNT 6
#define UI_MIN_COLS 40
#define UI_MIN_ROWS 10

struct rect {
	int y, x, h, w;
};

struct ui;
struct pane;

struct pane_ops {
	const char *name;
	void (*open)(struct pane *p);
	void (*close)(struct pane *p);
	void (*draw)(struct pane *p, struct rect r);
	/* Handles an action; false when it is not this pane's. */
	bool (*action)(struct pane *p, enum action a);
	/* A copy of the selected record, or NULL. */
	cJSON *(*current)(struct pane *p);
	/* A new record for `a`, prefilled from the selection, or NULL. */
	cJSON *(*new_record)(struct pane *p);
	/* The cache changed: re-read counts, keep the selection. */
	void (*reload)(struct pane *p);
	/* Shows the record id (after a search or an add); false if not here. */
	bool (*select)(struct pane *p, const char *id);
	/* Sets the list filter (NULL clears it). */
	void (*filter)(struct pane *p, const char *text);
	/* What the pane has to say on the status line (counts), or NULL. */
	char *(*summary)(struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	struct ui *ui;
	void *state;
	int number;		/* 1-6 */
};

struct ui {
	struct cache *cache;
	const struct config *cfg;
	struct pane panes[PANE_COUNT];
	int current;		/* index into panes */
	int rows, cols;
	char *message;
	bool message_error;
	bool quit;
	bool utf8;		/* the terminal takes UTF-8: box glyphs are fine */
	long long data_version;
	bool stale[PANE_COUNT];	/* to reload before it is next shown */
	long unsynced, conflicts, rejected;
	char *last_sync;
	struct syncjob sync;
};

/* Runs the interface until the user quits; returns an exit code. */
int ui_run(struct cache *cache, const struct config *cfg);

/* One line on the status bar (errors stand out). */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Re-reads the status counts and tells every pane the cache changed. */
void ui_reload(struct ui *ui);
/* Below the minimum size: says so on the screen and returns true. Every
 * screen and modal checks this before drawing. */
bool ui_too_small(struct ui *ui);
/* Draws everything now (used by modals after a resize). */
void ui_draw(struct ui *ui);
/* Switches to the pane showing records of this type and selects id. */
void ui_show_record(struct ui *ui, const char *id);
struct pane *ui_pane(struct ui *ui);

/* Reads a key: a character's code, or a curses KEY_ code; -2 when none is
 * waiting. Characters whose code is among curses' key codes come shifted by
 * UI_CHAR_SHIFT; ui_key_char gives any key's printable character or -1. */
#define UI_CHAR_SHIFT 0x200000
int ui_getkey(struct ui *ui);
/* Waits for a key in a modal screen; -1 when the program must stop (a
 * signal, or the terminal is gone): every modal then closes. */
int ui_wait_key(struct ui *ui);
int ui_key_char(int key);

/* Drawing: untrusted text is sanitised, cut by display columns and padded. */
void draw_text(int y, int x, int cols, const char *text, int attr);
void draw_fill(int y, int x, int cols, int attr);
void draw_box(struct rect r, const char *title);
void draw_clear(struct rect r);

/* A referenced record's name, or its id when it is missing. */
char *ui_ref_label(struct ui *ui, const char *id);
/* A field's value for the screen (references by name). */
char *ui_field_text(struct ui *ui, const cJSON *doc, const struct field_def *f);
/* The same in a list column: FL_BRIEF references by their short names. */
char *ui_list_text(struct ui *ui, const cJSON *doc, const struct field_def *f);

/* Saves an added or edited record (a standing's id follows its cell). */
int ui_save_record(struct ui *ui, cJSON *doc, bool is_new, char **err);

/* Actions on the current record, shared by every pane. */
void ui_add(struct ui *ui);
void ui_edit(struct ui *ui);
void ui_edit_text(struct ui *ui);
void ui_delete(struct ui *ui);
void ui_undo(struct ui *ui);
void ui_history(struct ui *ui);
/* Writes the day's report (report.h) into the home folder. */
void ui_report(struct ui *ui);

#endif
