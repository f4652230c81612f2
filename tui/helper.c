/*
 * Finding and running noron-io (see helper.h).
 */
#include "config.h"	/* autoconf */
#include "helper.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/noron"
#endif

const char *helper_path(void)
{
#ifdef NORON_SLIM
	static char path[PATH_MAX];
	if (path[0])
		return path;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash = n > 0 ? (self[n] = '\0', strrchr(self, '/')) : NULL;
	if (slash && (size_t)(slash - self) + sizeof "/noron-io" <= sizeof path) {
		memcpy(path, self, slash - self);
		strcpy(path + (slash - self), "/noron-io");
		if (!access(path, X_OK))
			return path;
	}
	snprintf(path, sizeof path, "%s/noron-io", PKGLIBEXECDIR);
	return path;
#else
	return "/proc/self/exe";
#endif
}

#ifdef NORON_SLIM
int cmd_sync(struct cli *cli, int argc, char **argv)
{
	(void)argc, (void)argv;
	return helper_exec(cli);
}

int cmd_endpoint(struct cli *cli, int argc, char **argv)
{
	(void)argc, (void)argv;
	return helper_exec(cli);
}
#endif

int helper_exec(struct cli *cli)
{
	const char *path = helper_path();
	cache_close(cli->cache);	/* the helper opens it again */
	cli->cache = NULL;
	execv(path, cli->argv);
	return cli_failf("cannot run %s: %s (is noron installed whole?)", path, strerror(errno));
}

/* The first line of what the helper said on stderr, without "noron: ". */
static char *first_line(int fd)
{
	struct buf b = { 0 };
	char chunk[512];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && b.len < 4096)
			buf_add(&b, chunk, n);
	char *s = b.len ? buf_take(&b) : xstrdup("");
	s[strcspn(s, "\n")] = '\0';
	if (!strncmp(s, "noron: ", 7))
		memmove(s, s + 7, strlen(s + 7) + 1);
	return s;
}

int helper_run(const char *const args[], char **err)
{
	const char *path = helper_path();
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC))
		return err_set(err, "cannot run %s: %s", path, strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		size_t n = 0;
		while (args[n])
			n++;
		const char **argv = calloc(n + 2, sizeof *argv);
		argv[0] = "noron";
		memcpy(argv + 1, args, n * sizeof *argv);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return err_set(err, "cannot run %s: %s", path, strerror(errno));
	}
	char *said = first_line(pipefd[0]);
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int rc = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !*said)
		rc = err_set(err, "cannot run %s (is noron installed whole?)", path);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		rc = err_set(err, "%s", *said ? said : "the helper program failed");
	free(said);
	return rc;
}
