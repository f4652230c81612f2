/*
 * The full-screen interface's frame: start and stop curses, the tab bar,
 * the status line, the main loop and the dispatch of actions to panes.
 */
#include "ui.h"
#include "panes.h"
#include "prompt.h"
#include "util.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDLE_MS 700	/* how often an idle screen looks for other writers */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct pane *ui_pane(struct ui *ui)
{
	return &ui->panes[ui->current];
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(ui->message);
	ui->message = str_vprintf(fmt, ap);
	ui->message_error = error;
	va_end(ap);
}

static void read_status(struct ui *ui)
{
	struct cache_status s;
	if (cache_sync_status(ui->cache, &s, NULL))
		return;
	ui->unsynced = s.unsynced;
	ui->conflicts = s.conflicts;
	ui->rejected = s.rejected;
	free(ui->last_sync);
	ui->last_sync = s.last_sync ? xstrdup(s.last_sync) : NULL;
	cache_status_free(&s);
}

/* Reloads pane i if the cache changed since it last read it. */
static void freshen(struct ui *ui, int i)
{
	if (!ui->stale[i])
		return;
	ui->stale[i] = false;
	if (ui->panes[i].ops->reload)
		ui->panes[i].ops->reload(&ui->panes[i]);
}

/* Only the pane shown reads the cache now; the others when they are shown,
 * so that no keystroke waits for panes nobody looks at. */
void ui_reload(struct ui *ui)
{
	ui->data_version = cache_data_version(ui->cache);
	read_status(ui);
	for (int i = 0; i < PANE_COUNT; i++)
		ui->stale[i] = true;
	freshen(ui, ui->current);
}

static void draw_tabs(struct ui *ui)
{
	draw_fill(0, 0, ui->cols, theme_attr(ROLE_TAB));
	int x = 0;
	draw_text(0, x, 7, " noron ", theme_attr(ROLE_TAB) | ATTR_BOLD);
	x += 7;
	for (int i = 0; i < PANE_COUNT && x < ui->cols; i++) {
		char *t = str_printf(" %d %s ", i + 1, ui->panes[i].ops->name);
		int w = text_width(t);
		draw_text(0, x, w, t, theme_attr(i == ui->current ? ROLE_TAB_ACTIVE : ROLE_TAB));
		x += w;
		free(t);
	}
	const char *inst = ui->cfg->institution;
	int w = inst ? text_width(inst) + 2 : 0;
	if (inst && x + w <= ui->cols) {
		char *t = str_printf(" %s ", inst);
		draw_text(0, ui->cols - w, w, t, theme_attr(ROLE_TAB));
		free(t);
	}
}

/* "offline  3 unsynced  1 conflict  never synced"; before this run's first
 * sync, whether the endpoint answers is not known: "not connected yet". */
static char *sync_summary(struct ui *ui)
{
	struct buf b = { 0 };
	if (ui->sync.pid)
		buf_printf(&b, " syncing: %s", ui->sync.progress ? ui->sync.progress : "");
	else
		buf_puts(&b, !ui->cfg->url ? " local only" : ui->sync.online == 1 ? " online"
			 : ui->sync.online == 0 ? " offline" : " not connected yet");
	buf_printf(&b, "  %ld%s unsynced", ui->unsynced,
		   ui->unsynced >= CACHE_UNSYNCED_CAP ? "+" : "");
	if (ui->conflicts)
		buf_printf(&b, "  %ld conflict%s", ui->conflicts, ui->conflicts == 1 ? "" : "s");
	if (ui->rejected)
		buf_printf(&b, "  %ld refused", ui->rejected);
	if (ui->last_sync)
		buf_printf(&b, "  synced %.16s", ui->last_sync);
	else
		buf_puts(&b, "  never synced");
	return buf_take(&b);
}

static void draw_status(struct ui *ui)
{
	int y = ui->rows - 1;
	if (ui->message) {
		draw_text(y, 0, ui->cols, ui->message,
			  theme_attr(ui->message_error ? ROLE_ERROR : ROLE_STATUS));
		return;
	}
	struct pane *p = ui_pane(ui);
	char *left = sync_summary(ui);
	char *extra = p->ops->summary ? p->ops->summary(p) : NULL;
	char *line = str_printf("%s%s%s", left, extra ? "  " : "", extra ? extra : "");
	/* The longest key hints that fit beside the counts. */
	static const char *const hints[] = {
		"? help  / filter  \\ search  a add  e edit  q quit ", "? help  / filter  q quit ",
		"? help ", "" };
	int lw = text_width(line), i = 0;
	while (hints[i][0] && lw + 2 + text_width(hints[i]) > ui->cols)
		i++;
	int hw = text_width(hints[i]);
	draw_fill(y, 0, ui->cols, theme_attr(ROLE_STATUS));
	draw_text(y, 0, ui->cols - hw, line, theme_attr(ROLE_STATUS));
	draw_text(y, ui->cols - hw, hw, hints[i], theme_attr(ROLE_STATUS));
	free(line);
	free(left);
	free(extra);
}

bool ui_too_small(struct ui *ui)
{
	getmaxyx(stdscr, ui->rows, ui->cols);
	if (ui->rows >= UI_MIN_ROWS && ui->cols >= UI_MIN_COLS)
		return false;
	erase();
	char *t = str_printf("terminal too small: %dx%d (needs %dx%d)", ui->cols, ui->rows, UI_MIN_COLS,
			     UI_MIN_ROWS);
	draw_text(0, 0, ui->cols, t, ATTR_BOLD);
	free(t);
	refresh();
	return true;
}

void ui_draw(struct ui *ui)
{
	if (ui_too_small(ui))
		return;
	erase();
	draw_tabs(ui);
	struct pane *p = ui_pane(ui);
	p->ops->draw(p, (struct rect){ .y = 1, .x = 0, .h = ui->rows - 2, .w = ui->cols });
	int cy, cx;
	getyx(stdscr, cy, cx);	/* the pane leaves the cursor on its selection */
	draw_status(ui);
	move(cy, cx);
	refresh();
}

static void switch_pane(struct ui *ui, int index)
{
	ui->current = (index + PANE_COUNT) % PANE_COUNT;
	freshen(ui, ui->current);
}

void ui_show_record(struct ui *ui, const char *id)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		struct pane *p = &ui->panes[i];
		freshen(ui, i);
		if (p->ops->select && p->ops->select(p, id)) {
			switch_pane(ui, i);
			return;
		}
	}
	ui_message(ui, true, "%s is not shown in any pane", id);
}

static void filter_changed(void *ctx, const char *text)
{
	struct ui *ui = ctx;
	struct pane *p = ui_pane(ui);
	p->ops->filter(p, *text ? text : NULL);
}

static void start_filter(struct ui *ui)
{
	struct pane *p = ui_pane(ui);
	if (!p->ops->filter) {
		ui_message(ui, true, "nothing to filter here");
		return;
	}
	char *text = NULL;
	if (prompt_line(ui, "/", "", filter_changed, ui, &text) <= 0)
		p->ops->filter(p, NULL);
	free(text);
}

static void run_command(struct ui *ui)
{
	char *cmd = NULL;
	if (prompt_line(ui, ":", "", NULL, NULL, &cmd) <= 0) {
		free(cmd);
		return;
	}
	if (!strcmp(cmd, "q") || !strcmp(cmd, "quit"))
		ui->quit = true;
	else if (!strcmp(cmd, "help"))
		help_show(ui);
	else if (!strncmp(cmd, "search", 6) && (!cmd[6] || cmd[6] == ' '))
		search_run(ui, cmd[6] ? cmd + 7 : "");
	else
		ui_message(ui, true, "unknown command '%s' (:search TEXT, :help, :quit)", cmd);
	free(cmd);
}

/* Actions every pane shares, after the pane had its chance. */
static void global_action(struct ui *ui, enum action a)
{
	switch (a) {
	case ACT_QUIT: ui->quit = true; break;
	case ACT_HELP: help_show(ui); break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_PANE_1: case ACT_PANE_2: case ACT_PANE_3:
	case ACT_PANE_4: case ACT_PANE_5: case ACT_PANE_6:
		switch_pane(ui, a - ACT_PANE_1);
		break;
	case ACT_NEXT_PANE: switch_pane(ui, ui->current + 1); break;
	case ACT_PREV_PANE: switch_pane(ui, ui->current - 1); break;
	case ACT_FILTER: start_filter(ui); break;
	case ACT_SEARCH: search_run(ui, ""); break;
	case ACT_COMMAND: run_command(ui); break;
	case ACT_ADD: ui_add(ui); break;
	case ACT_EDIT: ui_edit(ui); break;
	case ACT_EDIT_TEXT: ui_edit_text(ui); break;
	case ACT_DELETE: ui_delete(ui); break;
	case ACT_UNDO: ui_undo(ui); break;
	case ACT_HISTORY: ui_history(ui); break;
	case ACT_SYNC:
		if (syncjob_start(ui))
			ui_message(ui, false, "sync started");
		break;
	case ACT_CONFLICTS: conflicts_show(ui); break;
	case ACT_REPORT: ui_report(ui); break;
	default: break;
	}
}

static void handle_key(struct ui *ui, int key)
{
	if (key == KEY_RESIZE)
		return;
	free(ui->message);
	ui->message = NULL;
	struct pane *p = ui_pane(ui);
	enum action a = keys_action(key, p->number);
	if (a == ACT_NONE)
		return;
	if (!p->ops->action || !p->ops->action(p, a))
		global_action(ui, a);
}

int ui_getkey(struct ui *ui)
{
	(void)ui;
	wint_t wch;
	int rc = get_wch(&wch);
	if (rc == ERR)
		return -2;
	/* A character whose code falls among curses' key codes moves past them. */
	if (rc == OK && wch >= KEY_MIN)
		return (int)wch + UI_CHAR_SHIFT;
	return (int)wch;
}

int ui_key_char(int key)
{
	if (key >= UI_CHAR_SHIFT)
		return key - UI_CHAR_SHIFT;
	return key >= 0x20 && key < KEY_MIN && key != 0x7f ? key : -1;
}

int ui_wait_key(struct ui *ui)
{
	for (;;) {
		if (got_signal)	/* before the key: a modal loop that redraws on
				 * each KEY_RESIZE would never see the hangup */
			return -1;
		int key = ui_getkey(ui);
		if (key != -2)
			return key;
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&pfd, 1, IDLE_MS);
		if (got_signal || (n < 0 && errno != EINTR))
			return -1;
		/* Hung up: keys still buffered were read above; nothing more comes. */
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			int last = ui_getkey(ui);
			return last != -2 ? last : -1;
		}
	}
}

/* Waits for a key, the sync child or IDLE_MS; 1 when a key may be waiting,
 * 0 when not, -1 when the terminal is gone. */
static int wait_input(struct ui *ui)
{
	struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
				 { .fd = ui->sync.fd, .events = POLLIN } };
	int n = poll(pfd, ui->sync.fd >= 0 ? 2 : 1, IDLE_MS);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
		return 2;	/* hung up: take what is buffered, then stop */
	return (pfd[0].revents & POLLIN) != 0;
}

static void main_loop(struct ui *ui)
{
	int empty_reads = 0;
	ui_draw(ui);
	while (!ui->quit && !got_signal) {
		int ready = wait_input(ui);
		if (ready < 0 || got_signal)
			break;
		bool had_job = ui->sync.pid != 0;
		syncjob_read(ui);
		syncjob_tick(ui);
		/* Take every key already typed (a resize arrives as a key too),
		 * then draw once. */
		int key, n = 0;
		while (!ui->quit && !got_signal && (key = ui_getkey(ui)) != -2) {
			handle_key(ui, key);
			n++;
		}
		/* Hung up, or readable without a key again and again: the terminal
		 * is gone. */
		empty_reads = ready > 0 && !n ? empty_reads + 1 : 0;
		if ((ready == 2 && !n) || empty_reads > 50)
			break;
		bool changed = cache_data_version(ui->cache) != ui->data_version;
		if (changed)
			ui_reload(ui);
		if (n || changed || had_job || ui->sync.pid)
			ui_draw(ui);
	}
}

/* Keys as terminals other than the one TERM names send them: tmux and
 * screen under an xterm TERM, and nearly every terminal under vt100, whose
 * entry has no Home, End, PgUp, PgDn, Shift-Tab or Delete. Entries in the
 * VT220 style (xterm-mono) call \e[1~ and \e[4~ Find and Select: on every
 * keyboard today they are Home and End. */
static void alias_keys(void)
{
	static const struct { const char *seq; int key; } aliases[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[7~", KEY_HOME },
		{ "\033[8~", KEY_END }, { "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
		{ "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE }, { "\033[Z", KEY_BTAB },
		{ "\033[3~", KEY_DC }, { "\033[2~", KEY_IC },	/* Insert: ignored, not "2" */
	};
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
		int was = key_defined(aliases[i].seq);
		if (was == 0 || was == KEY_FIND || was == KEY_SELECT)
			define_key(aliases[i].seq, aliases[i].key);
	}
}

static void start_curses(struct ui *ui)
{
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	alias_keys();
	curs_set(0);
	theme_init();
	ui->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	getmaxyx(stdscr, ui->rows, ui->cols);
}

int ui_run(struct cache *cache, const struct config *cfg)
{
	struct ui ui = { .cache = cache, .cfg = cfg };
	syncjob_init(&ui.sync);
	ui.sync.last_start = time(NULL) - (cfg->auto_sync > 0 ? cfg->auto_sync : 0);
	panes_init(&ui);
	catch_signals();
	start_curses(&ui);
	ui_reload(&ui);
	main_loop(&ui);
	endwin();
	syncjob_finish(&ui.sync);
	panes_free(&ui);
	free(ui.message);
	free(ui.last_sync);
	return got_signal && got_signal != SIGINT ? 128 + got_signal : 0;
}
