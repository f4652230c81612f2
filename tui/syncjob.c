/*
 * The sync child process (see syncjob.h).
 */
#include "helper.h"
#include "syncjob.h"
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void syncjob_init(struct syncjob *j)
{
	*j = (struct syncjob){ .fd = -1, .online = -1 };
}

static void child(int out, const char *db)
{
	signal(SIGPIPE, SIG_IGN);	/* if the interface quits, the round still ends well */
	int null = open("/dev/null", O_RDWR);
	dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	execl(helper_path(), "noron", "--db", db, "sync", "--progress", (char *)NULL);
	_exit(127);
}

bool syncjob_start(struct ui *ui)
{
	struct syncjob *j = &ui->sync;
	if (j->pid) {
		ui_message(ui, false, "a sync is running already");
		return false;
	}
	if (!ui->cfg->url) {
		char *path = ui->cfg->path ? xstrdup(ui->cfg->path) : config_path();
		ui_message(ui, true, "no endpoint: set url = ... in %s", path);
		free(path);
		return false;
	}
	int p[2];
	if (pipe(p)) {
		ui_message(ui, true, "cannot start the sync: %s", strerror(errno));
		return false;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(p[1], cache_path(ui->cache));
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		ui_message(ui, true, "cannot start the sync: %s", strerror(errno));
		return false;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	j->pid = pid;
	j->fd = p[0];
	j->last_start = time(NULL);
	free(j->progress);
	j->progress = xstrdup("starting");
	return true;
}

/* One line from the child: "pull N", "push N", "done P S C R" (C conflicts
 * and R refused edits left), "error TEXT". */
static void child_line(struct ui *ui, const char *line)
{
	struct syncjob *j = &ui->sync;
	long pulled, pushed, conflicts, refused;
	if (sscanf(line, "done %ld %ld %ld %ld", &pulled, &pushed, &conflicts, &refused) == 4) {
		j->online = 1;
		ui_message(ui, conflicts > 0 || refused > 0, "synced: %ld pulled, %ld pushed%s%s",
			   pulled, pushed, conflicts ? "; conflicts to resolve (C)" : "",
			   refused ? "; edits refused by the endpoint (C)" : "");
	} else if (!strncmp(line, "error ", 6)) {
		j->online = 0;
		ui_message(ui, true, "sync failed: %s", line + 6);
	} else {
		free(j->progress);
		j->progress = xstrdup(line);
	}
}

static void child_ended(struct ui *ui)
{
	struct syncjob *j = &ui->sync;
	int status = 0;
	while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(j->fd);
	j->fd = -1;
	j->pid = 0;
	j->partial.len = 0;
	free(j->progress);
	j->progress = NULL;
	bool ok = WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3);
	if (!ok && j->online != 0) {
		j->online = 0;
		ui_message(ui, true, "sync failed (%s %d)", WIFSIGNALED(status) ? "signal" : "exit",
			   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	ui_reload(ui);
}

void syncjob_read(struct ui *ui)
{
	struct syncjob *j = &ui->sync;
	char chunk[4096];
	ssize_t n = 0;
	while (j->fd >= 0 && (n = read(j->fd, chunk, sizeof chunk)) > 0) {
		buf_add(&j->partial, chunk, (size_t)n);
		char *nl;
		while ((nl = memchr(j->partial.s, '\n', j->partial.len))) {
			*nl = '\0';
			char *safe = text_sanitize(j->partial.s, false);
			child_line(ui, safe);
			free(safe);
			size_t used = (size_t)(nl - j->partial.s) + 1;
			memmove(j->partial.s, nl + 1, j->partial.len - used);
			j->partial.len -= used;
		}
	}
	if (j->fd >= 0 && n == 0)
		child_ended(ui);
	else if (j->fd >= 0 && n < 0 && errno != EAGAIN && errno != EINTR)
		child_ended(ui);
}

void syncjob_tick(struct ui *ui)
{
	struct syncjob *j = &ui->sync;
	if (ui->cfg->auto_sync > 0 && ui->cfg->url && !j->pid
	    && time(NULL) - j->last_start >= ui->cfg->auto_sync)
		syncjob_start(ui);
}

void syncjob_finish(struct syncjob *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->partial.s);
	free(j->progress);
	syncjob_init(j);
}
