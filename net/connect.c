/*
 * The endpoint's credentials from the config (see connect.h).
 */
#include "connect.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* The password: password_command's first line, else the config's. */
static char *password(const struct config *cfg, char **err)
{
	if (!cfg->password_command)
		return cfg->password ? xstrdup(cfg->password) : NULL;
	FILE *p = popen(cfg->password_command, "r");
	char line[1024] = "";
	bool got = p && fgets(line, sizeof line, p);
	int status = p ? pclose(p) : -1;
	if (!got || status) {
		err_set(err, "password_command failed (%s %d): fix it in the config",
			status > 0 && WIFEXITED(status) ? "exit" : "status",
			status > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : status);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

/* NORON_HTTP_TIMEOUT: seconds a request may take, for a slow line (or a test). */
static long timeout_from_env(void)
{
	const char *v = getenv("NORON_HTTP_TIMEOUT");
	char *end;
	long n = v && *v ? strtol(v, &end, 10) : 0;
	return n > 0 && !*end ? n : 0;
}

int connect_opts(const struct config *cfg, bool verbose, struct http_opts *o, char **err)
{
	char *pw = password(cfg, err);
	if (!pw && err && *err)
		return -1;
	*o = (struct http_opts){ .user = cfg->user, .password = pw, .ca_file = cfg->ca_file,
				 .allow_http = cfg->allow_http, .verbose = verbose,
				 .retries = 4, .max_wait_ms = 8000, .max_body = 64 << 20,
				 .timeout = timeout_from_env() };
	return 0;
}

void connect_opts_free(struct http_opts *o)
{
	if (o->password)	/* leave no password behind in freed memory */
		memset((char *)o->password, 0, strlen(o->password));
	free((char *)o->password);
	o->password = NULL;
}
