/*
 * Files read whole and files written whole: a reader with a size cap, and a
 * writer that replaces its target only once everything is on disk.
 */
#ifndef NORON_FILES_H
#define NORON_FILES_H

#include <stddef.h>
#include <stdio.h>

/* Reads a whole file ("-" is standard input) into a NUL-terminated string. */
char *file_read_all(const char *path, size_t max, size_t *len, char **err);

struct atomic_file {
	FILE *fp;
	char *path, *tmp;
};

/* Opens a temporary file beside path; "-" writes to standard output. */
int atomic_open(struct atomic_file *af, const char *path, char **err);
/* Flushes, syncs and renames the temporary file over path. */
int atomic_commit(struct atomic_file *af, char **err);
/* Throws the temporary file away. */
void atomic_abort(struct atomic_file *af);

/* Line number (from 1) of position pos in text. */
int text_line_of(const char *text, const char *pos);

#endif
