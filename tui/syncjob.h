/*
 * A sync from the full-screen interface runs in a child process (noron sync
 * --progress) and reports through a pipe, so the screen never waits on the
 * network and a failed sync cannot take the interface down.
 */
#ifndef NORON_SYNCJOB_H
#define NORON_SYNCJOB_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "util.h"

struct ui;

struct syncjob {
	pid_t pid;		/* 0: none running */
	int fd;			/* the child's progress, -1 when none */
	struct buf partial;	/* a line not complete yet */
	char *progress;		/* "pull 500" while it runs */
	time_t last_start;
	int online;		/* 1 after a good round, 0 after a failed one, -1 unknown */
};

void syncjob_init(struct syncjob *j);
/* Starts a round unless one runs; false with a message when it cannot. */
bool syncjob_start(struct ui *ui);
/* Reads what the child said; at its end, reports and reloads. */
void syncjob_read(struct ui *ui);
/* Starts a round when auto_sync says it is time. */
void syncjob_tick(struct ui *ui);
/* At quit: a running round goes on by itself and keeps its work. */
void syncjob_finish(struct syncjob *j);

#endif
