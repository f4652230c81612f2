/*
 * noron-io: the helper program that holds the commands needing libcurl (the
 * sync) or libical (iCalendar files). noron itself links neither, so that the
 * interface and the everyday commands start without loading TLS, Kerberos,
 * LDAP and ICU (most of a start's time); it runs noron-io for those commands,
 * as git runs git-remote-https. noron-io is the same program with every
 * command, so it runs them itself.
 */
#ifndef NORON_HELPER_H
#define NORON_HELPER_H

#include "cli.h"

/* The program that runs the sync and iCalendar commands: noron-io beside
 * this program (a build tree) or in the package's libexec folder, or this
 * program itself when it is noron-io. Never NULL. */
const char *helper_path(void);

/* Runs the command line noron was given in the helper (exec, same process);
 * returns only when it cannot, after a message. */
int helper_exec(struct cli *cli);

/* Runs the helper with args (NULL-terminated, without argv[0]), its stdin
 * and stdout on /dev/null, and waits. 0 when it succeeded; otherwise -1 and
 * *err is the first line it wrote on stderr. */
int helper_run(const char *const args[], char **err);

#endif
