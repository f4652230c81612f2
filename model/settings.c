/*
 * Reading the configuration file (see config.h).
 */
#include "settings.h"
#include "files.h"
#include "util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct key {
	const char *name;
	size_t text;		/* offset of the char * member, or 0 */
};

#define TEXT_KEY(k) { #k, offsetof(struct config, k) }
static const struct key keys[] = {
	TEXT_KEY(url), TEXT_KEY(user), TEXT_KEY(password), TEXT_KEY(password_command),
	TEXT_KEY(institution), TEXT_KEY(editor), TEXT_KEY(ca_file),
	{ "auto_sync", 0 }, { "allow_http", 0 },
};

static char *home_path(const char *xdg_var, const char *fallback, const char *file)
{
	const char *xdg = getenv(xdg_var);
	if (xdg && *xdg == '/')
		return str_printf("%s/noron/%s", xdg, file);
	const char *home = getenv("HOME");
	return str_printf("%s/%s/noron/%s", home ? home : ".", fallback, file);
}

char *config_path(void)
{
	const char *env = getenv("NORON_CONFIG");
	return env && *env ? xstrdup(env) : home_path("XDG_CONFIG_HOME", ".config", "config");
}

char *config_default_db(void)
{
	const char *env = getenv("NORON_DB");
	if (env && *env)
		return xstrdup(env);
	return home_path("XDG_DATA_HOME", ".local/share", "cache.db");
}

char *config_author(const struct config *cfg)
{
	const char *user = cfg->user && *cfg->user ? cfg->user : getenv("USER");
	if (!user || !*user)
		user = "unknown";
	return cfg->institution && *cfg->institution ? str_printf("%s@%s", user, cfg->institution)
		: xstrdup(user);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int set_value(struct config *cfg, const char *k, const char *v, int line, char **err)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(keys[i].name, k))
			continue;
		if (keys[i].text) {
			char **slot = (char **)((char *)cfg + keys[i].text);
			free(*slot);
			*slot = xstrdup(v);
		} else if (!strcmp(k, "auto_sync")) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 86400)
				return err_set(err, "%s line %d: auto_sync must be seconds (0-86400)",
					       cfg->path, line);
			cfg->auto_sync = (int)n;
		} else if (!strcmp(v, "yes") || !strcmp(v, "no")) {
			cfg->allow_http = !strcmp(v, "yes");
		} else {
			return err_set(err, "%s line %d: allow_http must be yes or no", cfg->path, line);
		}
		return 0;
	}
	return err_set(err, "%s line %d: unknown key '%s'", cfg->path, line, k);
}

static int parse(struct config *cfg, char *text, char **err)
{
	int line = 0;
	for (char *l = text, *next; l && *l; l = next) {
		line++;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		char *s = trim(l);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return err_set(err, "%s line %d: expected 'key = value'", cfg->path, line);
		*eq = '\0';
		if (set_value(cfg, trim(s), trim(eq + 1), line, err))
			return -1;
	}
	return 0;
}

/* A password written into the url (https://user:password@host/db). */
static bool url_has_password(const char *url)
{
	size_t len;
	const char *user = url ? url_userinfo(url, &len) : NULL;
	const char *colon = user ? memchr(user, ':', len) : NULL;
	return colon && colon + 1 < user + len;
}

/* A password in the config, as the password key or inside the url, is
 * refused unless only its owner can read the file. */
static int check_mode(const struct config *cfg, char **err)
{
	struct stat sb;
	if ((!cfg->password && !url_has_password(cfg->url)) || stat(cfg->path, &sb))
		return 0;
	if (sb.st_mode & 077)
		return err_set(err, "%s holds a password but others can read it (mode %03o): "
			       "run chmod 600 %s", cfg->path, sb.st_mode & 0777, cfg->path);
	return 0;
}

int config_load(struct config *cfg, const char *path, char **err)
{
	*cfg = (struct config){ 0 };
	cfg->path = path ? xstrdup(path) : config_path();
	struct stat sb;
	if (stat(cfg->path, &sb)) {
		free(cfg->path);
		cfg->path = NULL;
		return 0;
	}
	size_t len;
	char *text = file_read_all(cfg->path, 1 << 20, &len, err);
	int rc = text ? parse(cfg, text, err) : -1;
	free(text);
	if (!rc)
		rc = check_mode(cfg, err);
	if (rc)
		config_free(cfg);
	return rc;
}

void config_free(struct config *cfg)
{
	free(cfg->path);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].text)
			free(*(char **)((char *)cfg + keys[i].text));
	*cfg = (struct config){ 0 };
}
