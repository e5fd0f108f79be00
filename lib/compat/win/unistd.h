/* unistd.h for the Windows build: mingw-w64's, with fchmod and fsync
 * (lib/compat/win/README.md). */
#ifndef RDD_COMPAT_WIN_UNISTD_H
#define RDD_COMPAT_WIN_UNISTD_H

#include_next <unistd.h>

#include <io.h>

/* A file's mode bits mean nothing to Windows (its ACL does): a no-op. */
static inline int
fchmod(int fd, int mode)
{
	(void)fd;
	(void)mode;
	return 0;
}

/* Flush a file to disk: the CRT's _commit. */
static inline int
fsync(int fd)
{
	return _commit(fd);
}

#endif
