/*
 * Whole-file reading and all-or-nothing writing (see files.h).
 */
#include "files.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *file_read_all(const char *path, size_t max, size_t *len, char **err)
{
	bool std = !strcmp(path, "-");
	FILE *fp = std ? stdin : fopen(path, "rb");
	if (!fp) {
		err_set(err, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0 && b.len <= max)
		buf_add(&b, chunk, n);
	bool failed = ferror(fp);
	if (!std)
		fclose(fp);
	if (failed || b.len > max) {
		free(b.s);
		if (failed)
			err_set(err, "cannot read %s: %s", path, strerror(errno));
		else
			err_set(err, "%s is larger than the %zu bytes allowed", path, max);
		return NULL;
	}
	*len = b.len;
	return buf_take(&b);
}

int atomic_open(struct atomic_file *af, const char *path, char **err)
{
	*af = (struct atomic_file){ 0 };
	if (!strcmp(path, "-")) {
		af->fp = stdout;
		return 0;
	}
	af->path = xstrdup(path);
	af->tmp = str_printf("%s.tmp-XXXXXX", path);
	int fd = mkstemp(af->tmp);
	if (fd < 0 || !(af->fp = fdopen(fd, "w"))) {
		err_set(err, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(af->path);
		free(af->tmp);
		return -1;
	}
	fchmod(fd, 0644);
	return 0;
}

int atomic_commit(struct atomic_file *af, char **err)
{
	if (!af->tmp)
		return fflush(af->fp) ? err_set(err, "cannot write output: %s", strerror(errno)) : 0;
	int rc = 0;
	if (fflush(af->fp) || fsync(fileno(af->fp)) || ferror(af->fp))
		rc = err_set(err, "cannot write %s: %s", af->path, strerror(errno));
	if (fclose(af->fp) && !rc)
		rc = err_set(err, "cannot write %s: %s", af->path, strerror(errno));
	af->fp = NULL;
	if (!rc && rename(af->tmp, af->path))
		rc = err_set(err, "cannot write %s: %s", af->path, strerror(errno));
	if (rc)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	return rc;
}

void atomic_abort(struct atomic_file *af)
{
	if (!af->tmp)
		return;
	if (af->fp)
		fclose(af->fp);
	unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->fp = NULL;
}

int text_line_of(const char *text, const char *pos)
{
	int line = 1;
	for (const char *p = text; p < pos && *p; p++)
		line += *p == '\n';
	return line;
}
