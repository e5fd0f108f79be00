/*
 * outfile.c - a report written to a file whole or not at all (report.h).
 *
 * node_exporter's textfile collector may read a file while it is being
 * written, and a browser may reload a page: so the report goes to a
 * temporary file in the same directory (mkstemp: a fresh name, created
 * O_EXCL), is flushed and fsync'ed, made readable by others (0644: the
 * collector runs as another user), and renamed over the target, which
 * replaces it atomically on one file system. On any failure the temporary
 * file is removed and the target left as it was.
 *
 * A target that exists and is not a regular file (/dev/null, a FIFO, a
 * terminal) is written in place: renaming over it would replace the
 * device or pipe itself with a file (run as root, `--html /dev/null`
 * would have replaced the system's /dev/null).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rdpdoctor/report.h"

int
rdd_report_write_file(const char *path, int (*write)(FILE *out, void *ctx),
                      void *ctx)
{
	static const char suffix[] = ".tmp.XXXXXX";
	size_t n;
	char *tmp;
	struct stat st;
	FILE *f;
	int fd, rc = -1, saved;

	if (strcmp(path, "-") == 0) {
		if (write(stdout, ctx) != 0 || fflush(stdout) != 0)
			return -1;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((f = fopen(path, "w")) == NULL)
			return -1;
		errno = EIO;
		if (write(f, ctx) != 0 || fflush(f) != 0 || ferror(f)) {
			saved = errno;
			fclose(f);
			errno = saved;
			return -1;
		}
		return fclose(f) != 0 ? -1 : 0;
	}
	n = strlen(path);
	if ((tmp = malloc(n + sizeof(suffix))) == NULL)
		return -1;
	memcpy(tmp, path, n);
	memcpy(tmp + n, suffix, sizeof(suffix));
	if ((fd = mkstemp(tmp)) < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		goto fail;
	}
	errno = EIO;
	if (write(f, ctx) != 0 || fflush(f) != 0 || ferror(f)) {
		saved = errno;
		fclose(f);
		goto fail;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		saved = errno;
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0) {
		saved = errno;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}
