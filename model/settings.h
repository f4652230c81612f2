/*
 * The user's configuration ($XDG_CONFIG_HOME/noron/config, `key = value`
 * lines) and the default paths of the cache and the config.
 */
#ifndef NORON_SETTINGS_H
#define NORON_SETTINGS_H

#include <stdbool.h>

struct config {
	char *path;		/* the file read, or NULL when there is none */
	char *url, *user, *password, *password_command, *institution, *editor, *ca_file;
	int auto_sync;		/* seconds; 0: off */
	bool allow_http;
};

/* Reads the config at path (NULL: $NORON_CONFIG, else the XDG default).
 * A missing file is an empty config; a bad line is an error naming it. */
int config_load(struct config *cfg, const char *path, char **err);
void config_free(struct config *cfg);

/* The config file noron reads: $NORON_CONFIG, else
 * $XDG_CONFIG_HOME/noron/config (~/.config/noron/config), there or not. */
char *config_path(void);

/* The default cache: $NORON_DB, else $XDG_DATA_HOME/noron/cache.db. */
char *config_default_db(void);

/* "user@institution" for the history and updated_by. */
char *config_author(const struct config *cfg);

#endif
