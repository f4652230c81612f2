/*
 * Editing in the user's editor ($VISUAL, $EDITOR, the config's `editor`,
 * then vi): curses steps aside, the editor gets the terminal, and an invalid
 * record comes back to the editor with the reason on top, as `git commit`
 * and `kubectl edit` do.
 */
#include "form.h"
#include "files.h"
#include "record.h"
#include "record_text.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *editor_command(struct ui *ui)
{
	const char *e = getenv("VISUAL");
	if (!e || !*e)
		e = getenv("EDITOR");
	if (!e || !*e)
		e = ui->cfg->editor;
	return e && *e ? e : "vi";
}

/* Writes text to a private temporary file; returns its path or NULL. */
static char *write_temp(const char *text, char **err)
{
	const char *dir = getenv("TMPDIR");
	char *path = str_printf("%s/noron-XXXXXX.txt", dir && *dir ? dir : "/tmp");
	int fd = mkstemps(path, 4);
	if (fd < 0) {
		err_set(err, "cannot create a temporary file: %s", strerror(errno));
		free(path);
		return NULL;
	}
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n;
	if (close(fd) || !ok) {
		err_set(err, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

/* Runs the editor on path with the terminal handed over. */
static int run_editor(struct ui *ui, const char *path, char **err)
{
	def_prog_mode();
	endwin();
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "$NORON_EDITOR \"$1\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	getmaxyx(stdscr, ui->rows, ui->cols);
	if (pid < 0)
		return err_set(err, "cannot start the editor: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return err_set(err, "the editor (%s) failed; nothing saved", editor_command(ui));
	return 0;
}

/* Edits text; *out is what came back. */
static int edit_round(struct ui *ui, const char *text, char **out, char **err)
{
	setenv("NORON_EDITOR", editor_command(ui), 1);
	char *path = write_temp(text, err);
	if (!path)
		return -1;
	size_t len;
	int rc = run_editor(ui, path, err);
	if (!rc && !(*out = file_read_all(path, 4 << 20, &len, err)))
		rc = -1;
	unlink(path);
	free(path);
	return rc;
}

int editor_edit_text(struct ui *ui, const char *text, char **out)
{
	char *err = NULL, *back = NULL;
	*out = NULL;
	if (edit_round(ui, text, &back, &err)) {
		ui_message(ui, true, "%s", err);
		free(err);
		return -1;
	}
	size_t n = strlen(back);
	while (n && back[n - 1] == '\n')
		back[--n] = '\0';
	if (!strcmp(back, text)) {
		free(back);
		return 0;
	}
	*out = back;
	return 1;
}

/* Reads the edited text back into a record and saves it. */
static char *save_text(struct ui *ui, const cJSON *doc, const char *text, bool is_new,
		       char **err)
{
	cJSON *edited = record_from_text(doc, text, err);
	if (!edited)
		return NULL;
	char *id = NULL;
	if (!ui_save_record(ui, edited, is_new, err))
		id = xstrdup(record_id(edited));
	cJSON_Delete(edited);
	return id;
}

/* Drops the comment lines noron wrote on top (the error of the last round). */
static char *strip_note(const char *text)
{
	while (!strncmp(text, "# error: ", 9) || !strncmp(text, "#   ", 4)) {
		const char *nl = strchr(text, '\n');
		if (!nl)
			break;
		text = nl + 1;
	}
	return xstrdup(text);
}

char *editor_edit_record(struct ui *ui, const cJSON *doc, bool is_new)
{
	char *text = record_to_text(doc, NULL), *original = xstrdup(text), *id = NULL;
	for (;;) {
		char *back = NULL, *err = NULL;
		if (edit_round(ui, text, &back, &err)) {
			ui_message(ui, true, "%s", err);
			free(err);
			break;
		}
		char *body = strip_note(back);
		if (!strcmp(back, text) || !strcmp(body, original)) {
			ui_message(ui, false, "no change: nothing saved");
			free(back);
			free(body);
			break;
		}
		id = save_text(ui, doc, body, is_new, &err);
		free(text);
		text = id ? NULL : str_printf("# error: %s\n#   fix it below, or quit without saving "
					      "to give up\n%s", err, body);
		free(back);
		free(body);
		free(err);
		if (id)
			break;
	}
	free(text);
	free(original);
	return id;
}
