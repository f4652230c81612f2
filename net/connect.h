/*
 * Connecting to the endpoint as the config says: its credentials (the
 * password from password_command, run once, or from the config file) and
 * the transport's rules (http.h). Shared by the sync and noron endpoint.
 */
#ifndef NORON_CONNECT_H
#define NORON_CONNECT_H

#include <stdbool.h>

#include "http.h"
#include "settings.h"

/* Options for http_open() from cfg; free them with connect_opts_free(). */
int connect_opts(const struct config *cfg, bool verbose, struct http_opts *o, char **err);
void connect_opts_free(struct http_opts *o);

#endif
